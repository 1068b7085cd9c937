package io.wxface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where libwxface is looked for, and what a failed load says. */
class LoaderTest {
    @Test
    void aMissingExplicitLibraryIsAnErrorListingWhatWasTried() {
        String old = System.getProperty(NativeLoader.PROPERTY);
        System.setProperty(NativeLoader.PROPERTY, "/nonexistent/wxface-dir/libwxface.so");
        try {
            UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, NativeLoader::load);
            assertTrue(e.getMessage().contains("tried:"), e.getMessage());
            assertTrue(e.getMessage().contains("-Dwxface.library.path /nonexistent/wxface-dir/libwxface.so"),
                    e.getMessage());
        } finally {
            restore(old);
        }
    }

    @Test
    void anExplicitDirectoryIsSearchedForTheLibrary(@TempDir Path dir) throws IOException {
        // A copy of the bundled library (it may sit inside a jar).
        File copy = dir.resolve("libwxface.so").toFile();
        try (InputStream in = WxFace.class.getResourceAsStream("/linux-x86-64/libwxface.so")) {
            assertNotNull(in, "no linux-x86-64/libwxface.so on the classpath");
            Files.copy(in, copy.toPath());
        }
        String old = System.getProperty(NativeLoader.PROPERTY);
        System.setProperty(NativeLoader.PROPERTY, dir.toString());
        try {
            assertEquals(copy.getAbsolutePath(), NativeLoader.load().getFile().getAbsolutePath());
        } finally {
            restore(old);
        }
    }

    /**
     * test.sh names the library each run must use (the one it points
     * WXFACE_LIBRARY at, or the copy inside the packaged jar): proven by
     * its SHA-256, since JNA extracts a bundled library under a name of its
     * own.
     */
    @Test
    void theBoundLibraryIsTheOneThisRunWasGiven() throws Exception {
        String want = System.getProperty("wxface.expect.library.sha256", "");
        assumeFalse(want.isEmpty(), "run by test.sh, which names the library");
        File bound = Lib.library().getFile();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        StringBuilder got = new StringBuilder();
        for (byte b : sha.digest(Files.readAllBytes(bound.toPath()))) {
            got.append(String.format("%02x", b));
        }
        assertEquals(want, got.toString(), "bound " + bound);
    }

    private static void restore(String old) {
        if (old == null) {
            System.clearProperty(NativeLoader.PROPERTY);
        } else {
            System.setProperty(NativeLoader.PROPERTY, old);
        }
    }
}
