package io.wxface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing a caller passes crashes the JVM; each mistake has its own
 * exception. The bad input every language can give is in
 * tests/scenarios/bad_input.json and config_errors.json (ScenarioListsTest).
 */
class BadInputTest {
    static final String NAME = "张三";
    static final String ID = "11010519491231002X";
    static final String AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    private static Sandbox sandbox;
    private static WxFaceClient client;

    @BeforeAll
    static void start() throws IOException {
        sandbox = Sandbox.start();
        client = sandbox.builder().pushToken("pushtoken1").pushAesKey(AES_KEY).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        sandbox.close();
    }

    static void assertNpeNaming(String argument, Executable call) {
        NullPointerException e = assertThrows(NullPointerException.class, call);
        assertEquals(argument, e.getMessage());
    }

    static WxFaceException assertCode(WxFaceException.Code code, Executable call) {
        WxFaceException e = assertThrows(WxFaceException.class, call);
        assertEquals(code, e.getCode(), e.getMessage());
        return e;
    }

    @Test
    void nullArgumentsThrowNullPointerExceptionNamingTheArgument() {
        assertNpeNaming("name", () -> client.v1GetUserIdKey(null, ID, null));
        assertNpeNaming("idCardNumber", () -> client.v1GetUserIdKey(NAME, null, "seq"));
        assertNpeNaming("verifyResult", () -> client.v1GetInfo(null));
        assertNpeNaming("verifyResult", () -> client.v1Verify(null, NAME, ID, null, null));
        assertNpeNaming("name", () -> client.v1Verify("vr", null, ID, null, null));
        assertNpeNaming("idCardNumber", () -> client.v1Verify("vr", NAME, null, null, null));
        assertNpeNaming("outSeqNo", () -> client.v2GetVerifyId(null, "o", NAME, ID));
        assertNpeNaming("openid", () -> client.v2GetVerifyId("s", null, NAME, ID));
        assertNpeNaming("verifyId", () -> client.v2Query(null, "s", "o", "h"));
        assertNpeNaming("certHash", () -> client.v2Query("v", "s", "o", null));
        assertNpeNaming("query", () -> client.pushCheckUrl(null));
        assertNpeNaming("body", () -> client.pushOpen("q", (byte[]) null));
        assertNpeNaming("body", () -> client.pushOpen("q", (String) null));
        assertNpeNaming("nonce", () -> client.pushSeal("json", "safe", "{}", 1L, null));
        assertNpeNaming("timeout", () -> client.withTimeout(null));
        assertNpeNaming("certNo", () -> WxFace.certHash("IDENTITY_CARD", NAME, null));
        assertNpeNaming("idCardNumber", () -> WxFace.normalizeIdCard(null));
        assertNpeNaming("name", () -> WxFace.md5Name(null));
        assertNpeNaming("appid", () -> WxFaceClient.builder().appid(null));
        assertNpeNaming("properties", () -> WxFaceClient.fromProperties(null));
        assertNpeNaming("path", () -> WxFaceClient.fromFile(null));
        assertNpeNaming("provider", () -> WxFaceClient.builder().tokenProvider(null));
        assertNpeNaming("value", () -> new TokenProvider.Token(null, 1));
    }

    /** In configuration values too (the calls are in tests/scenarios/bad_input.json). */
    @Test
    void nulInsideAConfigurationValueIsAnInvalidArgument() {
        assertCode(WxFaceException.Code.INVALID_ARGUMENT,
                () -> sandbox.builder().set("secret", "abc\0def").build());
    }

    @Test
    void unpairedSurrogateIsAnInvalidEncoding() {
        assertCode(WxFaceException.Code.INVALID_ENCODING, () -> WxFace.md5Name("a\uD800b"));
        assertCode(WxFaceException.Code.INVALID_ENCODING, () -> WxFace.md5Name("\uDC00"));
        // A proper pair is fine: U+1F600.
        assertEquals(32, WxFace.md5Name("\uD83D\uDE00").length());
    }

    @Test
    void secretsNeverAppearInConfigErrors() {
        WxFaceException e = assertCode(WxFaceException.Code.CONFIG,
                () -> sandbox.builder().set("push_token", "has space secret-value").build());
        assertFalse(e.getMessage().contains("secret-value"), e.getMessage());
    }

    @Test
    void propertiesAndFilesConfigureAClient(@TempDir Path dir) throws IOException {
        Properties p = new Properties();
        p.setProperty("appid", Sandbox.APPID);
        p.setProperty("secret", Sandbox.SECRET);
        p.setProperty("api_base", sandbox.base);
        p.setProperty("proxy", "none");
        try (WxFaceClient c = WxFaceClient.fromProperties(p)) {
            assertFalse(c.v1GetUserIdKey(NAME, ID, null).getUserIdKey().isEmpty());
        }
        Path file = dir.resolve("wxface.conf");
        String text = "# sandbox\nappid=" + Sandbox.APPID + "\nsecret=" + Sandbox.SECRET + "\napi_base=" + sandbox.base
                + "\nproxy=none\n";
        Files.write(file, text.getBytes(StandardCharsets.UTF_8));
        try (WxFaceClient c = WxFaceClient.fromFile(file)) {
            assertFalse(c.v1GetUserIdKey(NAME, ID, null).getUserIdKey().isEmpty());
        }
        Path bad = dir.resolve("bad.conf");
        Files.write(bad, "appid=x\nnonsense\n".getBytes(StandardCharsets.UTF_8));
        WxFaceException e = assertCode(WxFaceException.Code.CONFIG, () -> WxFaceClient.fromFile(bad));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        // A fixed path: error messages name it, and the PII scan of `make test` reads
        // JUnit's numbered temp dir names as ID numbers.
        assertCode(WxFaceException.Code.CONFIG,
                () -> WxFaceClient.fromFile(java.nio.file.Paths.get("/nonexistent-wxface/missing.conf")));
    }

    @Test
    void badPushesAreRefusedWithTheirCodes() {
        assertCode(WxFaceException.Code.PUSH_SIGNATURE, () -> client.pushOpen("timestamp=1&nonce=n", "{}"));
        assertThrows(WxFaceException.class, () -> client.pushOpen("", new byte[0]));
        assertThrows(WxFaceException.class, () -> client.pushOpen("%%%&&&==", new byte[] {(byte) 0xff, 0, 1}));
        assertCode(WxFaceException.Code.PUSH_TOO_LARGE, () -> client.pushOpen("a=b", new byte[70_000]));
        assertThrows(WxFaceException.class, () -> client.pushCheckUrl("signature=x&timestamp=1&nonce=2&echostr=e"));
        assertThrows(WxFaceException.class, () -> client.pushSeal("yaml", "safe", "{}", 1L, "n"));
        assertThrows(WxFaceException.class, () -> client.pushSeal("json", "sealed", "{}", 1L, "n"));
    }

    @Test
    void badTimeoutsAreInvalidArguments() {
        assertCode(WxFaceException.Code.INVALID_ARGUMENT, () -> client.withTimeout(Duration.ZERO));
        assertCode(WxFaceException.Code.INVALID_ARGUMENT, () -> client.withTimeout(Duration.ofMillis(-5)));
        assertCode(WxFaceException.Code.INVALID_ARGUMENT, () -> client.withTimeout(Duration.ofDays(100)));
        // Sub-millisecond rounds up rather than becoming 0.
        client.withTimeout(Duration.ofNanos(1)).close();
    }

    @Test
    void aClosedClientThrowsIllegalStateAndClosingTwiceIsFine() {
        WxFaceClient c = sandbox.client();
        WxFaceClient child = c.withTimeout(Duration.ofSeconds(5));
        c.close();
        c.close();
        assertThrows(IllegalStateException.class, () -> c.v1GetUserIdKey(NAME, ID, null));
        assertThrows(IllegalStateException.class, () -> c.v2Query("v", "s", "o", "h"));
        assertThrows(IllegalStateException.class, () -> c.pushCheckUrl("a=b"));
        assertThrows(IllegalStateException.class, () -> c.withTimeout(Duration.ofSeconds(1)));
        // The handle from withTimeout is its own: still usable.
        assertFalse(child.v1GetUserIdKey(NAME, ID, null).getUserIdKey().isEmpty());
        child.close();
        assertThrows(IllegalStateException.class, () -> child.v1GetInfo("x"));
    }
}
