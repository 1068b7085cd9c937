package io.wxface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.sun.jna.Platform;
import java.io.ByteArrayOutputStream;
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
        String resource = "/" + Platform.RESOURCE_PREFIX + "/libwxface.so";
        try (InputStream in = WxFace.class.getResourceAsStream(resource)) {
            assertNotNull(in, "no " + resource + " on the classpath");
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
     * WXFACE_LIBRARY at, or the copy inside the packaged jar) by its
     * SHA-256. A library bundled in a jar is unpacked by JNA to a temporary
     * file {@code jnaNNN.tmp}, loaded, and that file deleted at once: then
     * the bytes compared are those of the classpath resource it came from.
     */
    @Test
    void theBoundLibraryIsTheOneThisRunWasGiven() throws Exception {
        String want = System.getProperty("wxface.expect.library.sha256", "");
        assumeFalse(want.isEmpty(), "run by test.sh, which names the library");
        File bound = Lib.library().getFile();
        byte[] bytes;
        if (bound.exists()) {
            bytes = Files.readAllBytes(bound.toPath());
        } else {
            assertTrue(bound.getName().matches("jna-?[0-9]+\\.tmp"), "not unpacked by JNA: " + bound);
            String resource = "/" + Platform.RESOURCE_PREFIX + "/" + System.mapLibraryName("wxface");
            try (InputStream in = WxFace.class.getResourceAsStream(resource)) {
                assertNotNull(in, resource);
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    all.write(buf, 0, n);
                }
                bytes = all.toByteArray();
            }
        }
        StringBuilder got = new StringBuilder();
        for (byte b : MessageDigest.getInstance("SHA-256").digest(bytes)) {
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
