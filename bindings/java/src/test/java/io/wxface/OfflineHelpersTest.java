package io.wxface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class OfflineHelpersTest {
    static String hex(String algorithm, byte[] data) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (byte b : MessageDigest.getInstance(algorithm).digest(data)) {
            sb.append(String.format("%02x", b));
        }
        return sb.toString();
    }

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
    void normalizeAcceptsFullWidthDigitsLowerCaseXAndSpaces() {
        assertEquals("11010519491231002X", WxFace.normalizeIdCard(" 11010519491231002x "));
        assertEquals("11010519491231002X", WxFace.normalizeIdCard("１１０１０５１９４９１２３１００２Ｘ"));
    }

    @Test
    void normalizeRejectsABadChecksumWithInvalidIdCard() {
        WxFaceException e = assertThrows(WxFaceException.class, () -> WxFace.normalizeIdCard("110105194912310021"));
        assertEquals(WxFaceException.Code.INVALID_ID_CARD, e.getCode());
        assertEquals(3, e.getCodeValue());
        assertFalse(e.getMessage().contains("110105194912310021"), "the number never appears in a message");
    }

    @Test
    void md5HelpersHashTheCanonicalNumberAndTheUtf8Name() throws Exception {
        assertEquals(hex("MD5", "11010519491231002X".getBytes(StandardCharsets.US_ASCII)),
                WxFace.md5IdCardNumber("11010519491231002x"));
        assertEquals(hex("MD5", "张三".getBytes(StandardCharsets.UTF_8)), WxFace.md5Name("张三"));
    }

    @Test
    void certHashIsSha256OfTheBase64EncodedFields() throws Exception {
        // PROTOCOL.md: base64 of each value, joined as cert_type=..&cert_name=..&cert_no=.., SHA-256 hex.
        Base64.Encoder b64 = Base64.getEncoder();
        String joined = "cert_type=" + b64.encodeToString("IDENTITY_CARD".getBytes(StandardCharsets.UTF_8))
                + "&cert_name=" + b64.encodeToString("张三".getBytes(StandardCharsets.UTF_8))
                + "&cert_no=" + b64.encodeToString("11010519491231002X".getBytes(StandardCharsets.UTF_8));
        String got = WxFace.certHash("IDENTITY_CARD", "张三", "11010519491231002X");
        assertEquals(64, got.length());
        assertEquals(hex("SHA-256", joined.getBytes(StandardCharsets.UTF_8)), got);
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
