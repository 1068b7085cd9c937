package io.wxface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import org.junit.jupiter.api.Test;

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
    void anExplicitDirectoryIsSearchedForTheLibrary() {
        File bundled = new File(WxFace.class.getResource("/linux-x86-64/libwxface.so").getPath());
        String old = System.getProperty(NativeLoader.PROPERTY);
        System.setProperty(NativeLoader.PROPERTY, bundled.getParent());
        try {
            assertEquals(bundled.getAbsolutePath(), NativeLoader.load().getFile().getAbsolutePath());
        } finally {
            restore(old);
        }
    }

    private static void restore(String old) {
        if (old == null) {
            System.clearProperty(NativeLoader.PROPERTY);
        } else {
            System.setProperty(NativeLoader.PROPERTY, old);
        }
    }
}
