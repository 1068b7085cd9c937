package io.wxface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Codes, the version and the bundled library. The offline helpers' known
 * answers are in tests/scenarios/offline.json (ScenarioListsTest).
 */
class OfflineHelpersTest {
    @Test
    void libraryVersionIsTheOneThisBindingWasWrittenFor() {
        assertEquals("0.2.0", WxFace.version());
    }

    @Test
    void bundledLibraryIsInJnaResourceLayout() {
        assertNotNull(WxFace.class.getResource("/linux-x86-64/libwxface.so"),
                "the build copies libwxface.so into the jar");
    }

    @Test
    void everyCodeConstantHasTheLibrarysNameAndValue() {
        for (WxFaceException.Code c : WxFaceException.Code.values()) {
            if (c == WxFaceException.Code.UNKNOWN) {
                continue;
            }
            assertEquals(WxFace.codeName(c.value()), c.constantName(), c.name());
            assertEquals(c, WxFaceException.Code.fromValue(c.value()));
            assertFalse(WxFace.codeDescription(c.value()).isEmpty());
        }
    }

    @Test
    void everyCodeTheLibraryNamesHasAConstant() {
        for (int v = 0; v < 200; v++) {
            String name = WxFace.codeName(v);
            if (!name.equals("WXFACE_ERR_UNKNOWN")) {
                assertEquals(name, WxFaceException.Code.fromValue(v).constantName(), "code " + v);
            }
        }
    }

    @Test
    void unknownCodesMapToUnknown() {
        assertEquals("WXFACE_ERR_UNKNOWN", WxFace.codeName(12345));
        assertEquals("WXFACE_ERR_UNKNOWN", WxFace.codeName(-7));
        assertEquals(WxFaceException.Code.UNKNOWN, WxFaceException.Code.fromValue(12345));
        assertEquals(WxFaceException.Code.UNKNOWN, WxFaceException.Code.fromValue(-7));
    }

    @Test
    void helpersWorkFromManyThreadsAtOnce() throws Exception {
        String want = WxFace.certHash("IDENTITY_CARD", "张三", "11010519491231002X");
        Thread[] threads = new Thread[8];
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                try {
                    for (int i = 0; i < 500; i++) {
                        assertEquals(want, WxFace.certHash("IDENTITY_CARD", "张三", "11010519491231002X"));
                        assertThrows(WxFaceException.class, () -> WxFace.normalizeIdCard("123"));
                    }
                } catch (Throwable e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(failure[0] == null, () -> "thread failed: " + failure[0]);
    }
}
