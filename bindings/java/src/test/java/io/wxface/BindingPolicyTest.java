package io.wxface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What 0.2 changed in the Java binding: the short v1Verify forms, UTF-8
 * always, the MAJOR.MINOR version check, a cleaner of public APIs only.
 */
class BindingPolicyTest {
    private static Sandbox sandbox;

    @BeforeAll
    static void start() throws IOException {
        sandbox = Sandbox.start();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static JSONObject completeV1(String userIdKey) {
        return sandbox.post("/sandbox/v1/complete", new JSONObject().put("user_id_key", userIdKey));
    }

    @Test
    void theThreeArgumentV1VerifyChecksThePersonOnly() {
        try (WxFaceClient c = sandbox.client()) {
            String key = c.v1GetUserIdKey(ClientTest.NAME, ClientTest.ID).getUserIdKey();
            JSONObject done = completeV1(key);
            VerifyResult r = c.v1Verify(done.getString("verify_result"), ClientTest.NAME, ClientTest.ID);
            assertEquals(done.getString("openid"), r.getOpenid());
        }
    }

    @Test
    void theFourArgumentV1VerifyChecksTheUserIdKey() {
        try (WxFaceClient c = sandbox.client()) {
            String key = c.v1GetUserIdKey(ClientTest.NAME, ClientTest.ID).getUserIdKey();
            String other = c.v1GetUserIdKey(ClientTest.NAME, ClientTest.ID).getUserIdKey();
            String vr = completeV1(key).getString("verify_result");
            WxFaceException e = assertThrows(WxFaceException.class,
                    () -> c.v1Verify(vr, ClientTest.NAME, ClientTest.ID, other));
            assertEquals(WxFaceException.Code.USER_ID_KEY_MISMATCH, e.getCode());
            assertEquals(key, c.v1Verify(vr, ClientTest.NAME, ClientTest.ID, key).getUserIdKey());
        }
    }

    @Test
    void anotherTextEncodingIsRefused() {
        for (String key : new String[] {"input_encoding", "text_encoding"}) {
            WxFaceException e = assertThrows(WxFaceException.class, () -> sandbox.builder().set(key, "gbk"));
            assertEquals(WxFaceException.Code.CONFIG, e.getCode());
            assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
        }
    }

    @Test
    void aConfigFilesGbkDoesNotApplyToJavaStrings(@TempDir Path dir) throws IOException {
        Path conf = dir.resolve("wxface.conf");
        Files.write(conf, "text_encoding=gbk\n".getBytes(StandardCharsets.UTF_8));
        try (WxFaceClient c = sandbox.builder().file(conf).build()) {
            String key = c.v1GetUserIdKey(ClientTest.NAME, ClientTest.ID).getUserIdKey();
            VerifyResult r = c.v1Verify(completeV1(key).getString("verify_result"), ClientTest.NAME, ClientTest.ID);
            assertEquals(WxFace.md5Name(ClientTest.NAME), r.get("name_utf8_md5"));
        }
    }

    @Test
    void theLoadedLibraryHasTheBindingsMajorAndMinor() {
        String v = WxFace.version();
        assertEquals(Lib.ABI_VERSION, v.substring(0, v.lastIndexOf('.')));
    }

    @Test
    void anotherMajorOrMinorIsRefusedNamingBothVersions() {
        for (String v : new String[] {"0.1.0", "0.3.0", "1.2.0", "0.2", "junk"}) {
            UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class,
                    () -> Lib.checkVersion(v, new File("/x/libwxface.so")));
            assertTrue(e.getMessage().contains("libwxface " + v + " "), e.getMessage());
            assertTrue(e.getMessage().contains("needs " + Lib.ABI_VERSION + ".x"), e.getMessage());
        }
        Lib.checkVersion(Lib.ABI_VERSION + ".9", new File("/x/libwxface.so"));
    }

    /** A process that loads a stand-in 0.1.0 library gets the version error, not a missing symbol. */
    @Test
    void loadingAnOlderLibraryFailsWithBothVersions(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("old.c");
        Files.write(source, "const char *wxface_version(void) { return \"0.1.0\"; }\n".getBytes(StandardCharsets.UTF_8));
        Path lib = dir.resolve("libwxface.so");
        Process cc = new ProcessBuilder("cc", "-shared", "-fPIC", "-o", lib.toString(), source.toString())
                .inheritIO().start();
        assertEquals(0, cc.waitFor(), "cc failed");
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-D" + NativeLoader.PROPERTY + "=" + lib, WxFace.class.getName())
                .redirectErrorStream(true).start();
        byte[] out = readAll(p);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String text = new String(out, StandardCharsets.UTF_8);
        assertNotEquals(0, p.exitValue(), text);
        assertTrue(text.contains("libwxface 0.1.0 (" + lib + ") is not compatible with this binding, which needs "
                + Lib.ABI_VERSION + ".x"), text);
    }

    private static byte[] readAll(Process p) throws IOException {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        for (int n; (n = p.getInputStream().read(chunk)) > 0; ) {
            buf.write(chunk, 0, n);
        }
        return buf.toByteArray();
    }

    @Test
    void theCleanerOnThisJavaIsThePlatformOne() {
        assertEquals(NativeCleaner.Platform.class, NativeCleaner.get().getClass());
    }

    /** The Java 8 fallback, exercised on any Java. */
    @Test
    void thePhantomQueueRunsTheActionOfAnUnreachableObjectOnce() throws InterruptedException {
        NativeCleaner cleaner = new NativeCleaner.PhantomQueue("wxface-cleaner-test");
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch ran = new CountDownLatch(1);
        WeakReference<Object> watched = registerGarbage(cleaner, () -> {
            runs.incrementAndGet();
            ran.countDown();
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ran.getCount() > 0 && System.nanoTime() < deadline) {
            System.gc();
            ran.await(20, TimeUnit.MILLISECONDS);
        }
        assertEquals(null, watched.get());
        assertEquals(1, runs.get(), "the action of a collected object runs once");
    }

    @Test
    void thePhantomQueueRunsAnExplicitCleanOnceOnly() {
        NativeCleaner cleaner = new NativeCleaner.PhantomQueue("wxface-cleaner-test");
        AtomicInteger runs = new AtomicInteger();
        Object owner = new Object();
        NativeCleaner.Cleanable c = cleaner.register(owner, runs::incrementAndGet);
        c.clean();
        c.clean();
        assertEquals(1, runs.get());
        assertNotNull(owner);
    }

    private static WeakReference<Object> registerGarbage(NativeCleaner cleaner, Runnable action) {
        Object owner = new Object();
        cleaner.register(owner, action);
        return new WeakReference<>(owner);
    }
}
