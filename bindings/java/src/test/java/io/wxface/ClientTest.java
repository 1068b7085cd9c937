package io.wxface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against the sandbox: tokens, timeouts, threads, push, logging, close. */
class ClientTest {
    static final String NAME = "张三";
    static final String ID = "11010519491231002X";
    static final String PUSH_TOKEN = "pushtoken1";
    static final String AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    static final String GET_USER_ID_KEY = "/cityservice/face/identify/getuseridkey";

    private static Sandbox sandbox;

    @BeforeAll
    static void start() throws IOException {
        sandbox = Sandbox.start();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    /** Keeps the deliberate log lines of these tests off the console. */
    @BeforeAll
    static void quietLogging() {
        Logger.getLogger("io.wxface").setUseParentHandlers(false);
    }

    @BeforeEach
    void clean() {
        sandbox.reset();
        sandbox.control("DELETE", "/sandbox/push", null);
    }

    static long tokenFetches() {
        return sandbox.stats().getLong("token_fetches");
    }

    /** One whole honest 1.0 verification; returns the verdict. */
    static VerifyResult honestV1(WxFaceClient c) {
        String key = c.v1GetUserIdKey(NAME, ID, null).getUserIdKey();
        JSONObject done = sandbox.post("/sandbox/v1/complete", new JSONObject().put("user_id_key", key));
        return c.v1Verify(done.getString("verify_result"), NAME, ID, key, done.getString("openid"));
    }

    @Test
    void invalidatedTokenIsRefreshedExactlyOnceAndTheCallSucceeds() {
        try (WxFaceClient c = sandbox.client()) {
            honestV1(c);
            long before = tokenFetches();
            sandbox.post("/sandbox/token/invalidate", null);
            VerifyResult r = honestV1(c);
            assertEquals(0, r.getIdentifyRet());
            assertEquals(before + 1, tokenFetches());
        }
    }

    @Test
    void verdictCarriesGetinfoFields() {
        try (WxFaceClient c = sandbox.client()) {
            String key = c.v1GetUserIdKey(NAME, ID, null).getUserIdKey();
            JSONObject done = sandbox.post("/sandbox/v1/complete", new JSONObject().put("user_id_key", key));
            WxFaceResponse info = c.v1GetInfo(done.getString("verify_result"));
            assertEquals("0", info.get("identify_ret"));
            VerifyResult r = c.v1Verify(done.getString("verify_result"), NAME, ID, key, done.getString("openid"));
            assertEquals(done.getString("openid"), r.getOpenid());
            assertEquals(key, r.getUserIdKey());
            assertTrue(r.getFinishTime() > 0);
            assertEquals(WxFace.md5Name(NAME), r.get("name_utf8_md5"));
            assertThrows(UnsupportedOperationException.class, () -> r.fields().put("identify_ret", "0"));
            assertFalse(r.toString().contains(done.getString("verify_result")), "toString shows field names only");
        }
    }

    @Test
    void hangingWeChatGivesTimeoutWithinTheConfiguredBound() {
        sandbox.fault(new JSONObject().put("path", GET_USER_ID_KEY).put("kind", "hang").put("count", 1));
        try (WxFaceClient c = sandbox.builder().set("timeout_ms", "500").build()) {
            long t0 = System.nanoTime();
            WxFaceException e = assertThrows(WxFaceException.class, () -> c.v1GetUserIdKey(NAME, ID, null));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(WxFaceException.Code.TIMEOUT, e.getCode(), e.getMessage());
            assertTrue(ms < 3000, "took " + ms + " ms");
        }
    }

    @Test
    void withTimeoutBoundsItsCallsAndSharesTheToken() {
        try (WxFaceClient c = sandbox.client()) {
            honestV1(c);
            long fetches = tokenFetches();
            sandbox.fault(new JSONObject().put("path", GET_USER_ID_KEY).put("kind", "hang").put("count", 1));
            try (WxFaceClient quick = c.withTimeout(Duration.ofMillis(500))) {
                long t0 = System.nanoTime();
                WxFaceException e = assertThrows(WxFaceException.class, () -> quick.v1GetUserIdKey(NAME, ID, null));
                assertEquals(WxFaceException.Code.TIMEOUT, e.getCode());
                assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3));
                honestV1(quick);
            }
            assertEquals(fetches, tokenFetches(), "the second handle reuses the first's token");
        }
    }

    @Test
    void exceptionsCarryHttpStatusAndWechatErrcode() {
        try (WxFaceClient c = sandbox.builder().maxRetries(0).build()) {
            sandbox.fault(new JSONObject().put("path", GET_USER_ID_KEY).put("kind", "http_status").put("status", 503));
            WxFaceException e = assertThrows(WxFaceException.class, () -> c.v1GetUserIdKey(NAME, ID, null));
            assertEquals(WxFaceException.Code.HTTP, e.getCode(), e.getMessage());
            assertEquals(503, e.getHttpStatus());

            sandbox.fault(new JSONObject().put("path", GET_USER_ID_KEY).put("kind", "errcode").put("errcode", 45009));
            e = assertThrows(WxFaceException.class, () -> c.v1GetUserIdKey(NAME, ID, null));
            assertEquals(WxFaceException.Code.RATE_LIMITED, e.getCode(), e.getMessage());
            assertEquals(45009, e.getWechatErrcode());
            assertEquals(200, e.getHttpStatus());
            assertTrue(e.getMessage().startsWith("WXFACE_ERR_RATE_LIMITED: "), e.getMessage());
        }
    }

    @Test
    void sixteenThreadsShareOneClient() throws Exception {
        int threads = 16;
        int rounds = 5;
        try (WxFaceClient c = sandbox.client()) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    go.await();
                    int passed = 0;
                    for (int i = 0; i < rounds; i++) {
                        assertEquals(0, honestV1(c).getIdentifyRet());
                        String seq = "java-thread-" + thread + "-" + i;
                        String openid = "o_v2_thread_" + thread;
                        VerifyIdResult v = c.v2GetVerifyId(seq, openid, NAME, ID);
                        sandbox.post("/sandbox/v2/complete", new JSONObject().put("verify_id", v.getVerifyId()));
                        assertEquals(10000, c.v2Query(v.getVerifyId(), seq, openid, v.getCertHash()).getVerifyRet());
                        assertEquals(64, WxFace.certHash("IDENTITY_CARD", NAME, ID).length());
                        passed++;
                    }
                    return passed;
                }));
            }
            go.countDown();
            int total = 0;
            for (Future<Integer> f : results) {
                total += f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertEquals(threads * rounds, total);
            assertEquals(1, tokenFetches(), "one token for all threads");
        }
    }

    @Test
    void closeWaitsForCallsInFlightThenRefusesNewOnes() throws Exception {
        WxFaceClient c = sandbox.builder().set("timeout_ms", "1500").build();
        sandbox.fault(new JSONObject().put("path", GET_USER_ID_KEY).put("kind", "hang").put("count", 1));
        CompletableFuture<Throwable> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                c.v1GetUserIdKey(NAME, ID, null);
                return null;
            } catch (Throwable e) {
                return e;
            }
        });
        Thread.sleep(300);
        long t0 = System.nanoTime();
        c.close();
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        Throwable e = inFlight.get(10, TimeUnit.SECONDS);
        assertTrue(e instanceof WxFaceException, String.valueOf(e));
        assertEquals(WxFaceException.Code.TIMEOUT, ((WxFaceException) e).getCode());
        assertTrue(waited >= 500, "close returned after " + waited + " ms, before the call ended");
        assertThrows(IllegalStateException.class, () -> c.v1GetUserIdKey(NAME, ID, null));
    }

    /**
     * Calls on other threads are counted in flight, not recorded per
     * thread: a read lock's per-thread hold count made and dropped an
     * object for each call that overlapped another thread's.
     */
    @Test
    void aCallWhileAnotherThreadsCallIsInFlightAllocatesNoMoreThanAlone() throws Exception {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        try (WxFaceClient c = sandbox.builder().pushToken(PUSH_TOKEN).pushAesKey(AES_KEY).build()) {
            Runnable local = () -> c.pushSeal("json", "safe", "{\"Event\":\"face_identify\"}", 1700000000L, "nonce1");
            for (int i = 0; i < 20_000; i++) {
                local.run(); // compiled before measuring
            }
            int calls = 2_000;
            long[] bytes = new long[3];
            CompletableFuture<Throwable> inFlight = null;
            for (int round = 0; round < 3; round++) {
                if (round == 1) {
                    sandbox.fault(new JSONObject().put("path", GET_USER_ID_KEY).put("kind", "delay")
                            .put("delay_ms", 4000).put("count", 1));
                    inFlight = CompletableFuture.supplyAsync(() -> {
                        try {
                            c.v1GetUserIdKey(NAME, ID, null);
                            return null;
                        } catch (Throwable e) {
                            return e;
                        }
                    });
                    Thread.sleep(500);
                }
                long before = threads.getThreadAllocatedBytes(self);
                for (int i = 0; i < calls; i++) {
                    local.run();
                }
                bytes[round] = (threads.getThreadAllocatedBytes(self) - before) / calls;
                if (round == 1) {
                    assertFalse(inFlight.isDone(), "the other call ended before the measurement did");
                    assertNull(inFlight.get(20, TimeUnit.SECONDS));
                }
            }
            long alone = Math.max(bytes[0], bytes[2]);
            assertTrue(bytes[1] < alone + 16, "bytes per call alone " + bytes[0] + ", " + bytes[2]
                    + "; with another thread's call in flight " + bytes[1]);
        }
    }

    /**
     * close() from inside a call on the same client (here its token
     * provider) would wait for itself: it throws instead, and the call
     * goes on.
     */
    @Test
    void closeFromInsideACallOnTheSameClientThrowsAndTheCallGoesOn() throws Exception {
        AtomicReference<WxFaceClient> self = new AtomicReference<>();
        List<Throwable> refused = Collections.synchronizedList(new ArrayList<>());
        TokenProvider provider = stale -> {
            refused.add(assertThrows(IllegalStateException.class, () -> self.get().close()));
            JSONObject t = stableToken(false);
            return new TokenProvider.Token(t.getString("access_token"), t.getLong("expires_in"));
        };
        try (WxFaceClient c = WxFaceClient.builder().apiBase(sandbox.base).proxy("none")
                .tokenProvider(provider).build()) {
            self.set(c);
            CompletableFuture<VerifyResult> call = CompletableFuture.supplyAsync(() -> honestV1(c));
            assertEquals(0, call.get(20, TimeUnit.SECONDS).getIdentifyRet());
            assertEquals(1, refused.size());
            assertTrue(refused.get(0).getMessage().contains("inside a call"), refused.get(0).getMessage());
        }
    }

    @Test
    void aClientDroppedWithoutCloseIsFreedByTheCleaner() throws Exception {
        // The native client holds the token callback; only freeing it lets the provider go.
        WeakReference<TokenProvider> provider = useAndDropAClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (provider.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertNull(provider.get(), "the dropped client's handle was never freed");
    }

    private static WeakReference<TokenProvider> useAndDropAClient() {
        AtomicInteger calls = new AtomicInteger();
        TokenProvider p = stale -> {
            calls.incrementAndGet(); // capturing: a fresh object, not a cached lambda
            JSONObject t = stableToken(false);
            return new TokenProvider.Token(t.getString("access_token"), t.getLong("expires_in"));
        };
        WxFaceClient c = WxFaceClient.builder().apiBase(sandbox.base).proxy("none").tokenProvider(p).build();
        honestV1(c);
        assertEquals(1, calls.get());
        return new WeakReference<>(p);
    }

    // ---- token provider ---------------------------------------------------

    static JSONObject stableToken(boolean forceRefresh) {
        return sandbox.post("/cgi-bin/stable_token", new JSONObject()
                .put("grant_type", "client_credential")
                .put("appid", Sandbox.APPID)
                .put("secret", Sandbox.SECRET)
                .put("force_refresh", forceRefresh));
    }

    @Test
    void tokenProviderIsAskedAgainWithTheRejectedToken() {
        List<String> stale = Collections.synchronizedList(new ArrayList<>());
        List<String> issued = Collections.synchronizedList(new ArrayList<>());
        TokenProvider provider = rejected -> {
            stale.add(rejected);
            JSONObject t = stableToken(rejected != null);
            issued.add(t.getString("access_token"));
            return new TokenProvider.Token(t.getString("access_token"), t.getLong("expires_in"));
        };
        try (WxFaceClient c = WxFaceClient.builder().apiBase(sandbox.base).proxy("none")
                .tokenProvider(provider).build()) {
            honestV1(c);
            assertEquals(Collections.singletonList((String) null), stale);
            sandbox.post("/sandbox/token/invalidate", null);
            honestV1(c);
            assertEquals(2, stale.size());
            assertEquals(issued.get(0), stale.get(1));
            assertNotEquals(issued.get(0), issued.get(1));
        }
    }

    /**
     * The provider runs inside the first call, on its thread, and makes a
     * call of its own there: the outer call's arguments (in the thread's
     * native memory) must reach the library unchanged.
     */
    @Test
    void aCallMadeFromTheTokenProviderLeavesTheOuterCallsArgumentsAlone() {
        try (WxFaceClient other = sandbox.client()) {
            TokenProvider provider = stale -> {
                WxFaceException e = assertThrows(WxFaceException.class,
                        () -> other.v1GetInfo("nested-call-argument-longer-than-the-outer-ones"));
                assertEquals(WxFaceException.Code.VERIFY_RESULT_INVALID, e.getCode(), e.getMessage());
                JSONObject t = stableToken(false);
                return new TokenProvider.Token(t.getString("access_token"), t.getLong("expires_in"));
            };
            try (WxFaceClient c = WxFaceClient.builder().apiBase(sandbox.base).proxy("none")
                    .tokenProvider(provider).build()) {
                assertEquals(0, honestV1(c).getIdentifyRet());
            }
        }
    }

    @Test
    void failingTokenProvidersFailTheCallWithAccessToken() {
        TokenProvider[] providers = {
            stale -> {
                throw new IOException("token server down");
            },
            stale -> {
                throw new OutOfMemoryError("pretend");
            },
            stale -> null,
            stale -> new TokenProvider.Token("", 7200),
            stale -> new TokenProvider.Token(new String(new char[3000]).replace('\0', 'a'), 7200),
            stale -> new TokenProvider.Token("abc\0def", 7200),
        };
        for (TokenProvider p : providers) {
            try (WxFaceClient c = WxFaceClient.builder().apiBase(sandbox.base).proxy("none")
                    .tokenProvider(p).build()) {
                WxFaceException e = assertThrows(WxFaceException.class, () -> c.v1GetUserIdKey(NAME, ID, null));
                assertEquals(WxFaceException.Code.ACCESS_TOKEN, e.getCode(), e.getMessage());
            }
        }
    }

    // ---- logging ----------------------------------------------------------

    @Test
    void logLinesGoToJavaUtilLoggingWithoutPii() {
        Logger logger = Logger.getLogger("io.wxface");
        List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Level old = logger.getLevel();
        logger.setLevel(Level.ALL);
        logger.addHandler(handler);
        try (WxFaceClient c = sandbox.builder().logLevel("trace").build()) {
            honestV1(c);
            sandbox.post("/sandbox/token/invalidate", null);
            honestV1(c);
        } finally {
            logger.removeHandler(handler);
            logger.setLevel(old);
        }
        assertFalse(records.isEmpty(), "trace logging produced no records");
        for (LogRecord r : records) {
            String m = r.getMessage();
            for (String secret : Arrays.asList(NAME, ID, Sandbox.SECRET)) {
                assertFalse(m.contains(secret), "log line leaks PII: " + m);
            }
        }
    }

    @Test
    void withoutALogLevelNothingIsLogged() {
        Logger logger = Logger.getLogger("io.wxface");
        AtomicInteger count = new AtomicInteger();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                count.incrementAndGet();
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        logger.addHandler(handler);
        try (WxFaceClient c = sandbox.client()) {
            honestV1(c);
        } finally {
            logger.removeHandler(handler);
        }
        assertEquals(0, count.get());
    }

    // ---- push -------------------------------------------------------------

    static String faceIdentifyJson(long now, String verifyResult) {
        return new JSONObject()
                .put("ToUserName", "gh_1")
                .put("FromUserName", "oU1")
                .put("CreateTime", now)
                .put("MsgType", "event")
                .put("Event", "face_identify")
                .put("openid", "oU1")
                .put("out_seq_no", "seq-推送-1")
                .put("verify_result", verifyResult)
                .toString();
    }

    static String faceIdentifyXml(long now, String verifyResult) {
        return "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oU1]]></FromUserName>"
                + "<CreateTime>" + now + "</CreateTime><MsgType><![CDATA[event]]></MsgType>"
                + "<Event><![CDATA[face_identify]]></Event><openid><![CDATA[oU1]]></openid>"
                + "<out_seq_no><![CDATA[seq-推送-1]]></out_seq_no>"
                + "<verify_result><![CDATA[" + verifyResult + "]]></verify_result></xml>";
    }

    WxFaceClient pushClient() {
        return sandbox.builder().pushToken(PUSH_TOKEN).pushAesKey(AES_KEY).build();
    }

    @Test
    void sealedPushesOpenInEveryFormatAndMode() {
        long now = System.currentTimeMillis() / 1000;
        try (WxFaceClient encrypted = pushClient();
                WxFaceClient plain = sandbox.builder().pushToken(PUSH_TOKEN).build()) {
            for (String format : Arrays.asList("json", "xml")) {
                for (String mode : Arrays.asList("plain", "compatible", "safe")) {
                    // With an EncodingAESKey set, wxface accepts only encrypted pushes.
                    WxFaceClient c = mode.equals("plain") ? plain : encrypted;
                    String message = format.equals("json") ? faceIdentifyJson(now, "vr-" + mode)
                            : faceIdentifyXml(now, "vr-" + mode);
                    SealedPush sealed = c.pushSeal(format, mode, message, now, "nonce-1");
                    assertEquals(mode.equals("plain"), !sealed.getQuery().contains("msg_signature="), sealed.getQuery());
                    PushEvent e = c.pushOpen(sealed.getQuery(), sealed.getBodyBytes());
                    String where = format + "/" + mode;
                    assertEquals("face_identify", e.getEvent(), where);
                    assertEquals("event", e.getMsgType(), where);
                    assertEquals("oU1", e.getOpenid(), where);
                    assertEquals("seq-推送-1", e.getOutSeqNo(), where);
                    assertEquals("vr-" + mode, e.getVerifyResult(), where);
                    assertEquals(now, e.getCreateTime(), where);
                    assertEquals("gh_1", e.getToUserName(), where);

                    // One flipped byte of the body and the push is refused.
                    byte[] body = sealed.getBodyBytes();
                    int i = body.length / 2;
                    body[i] = (byte) (body[i] == 'A' ? 'B' : 'A');
                    assertThrows(WxFaceException.class, () -> c.pushOpen(sealed.getQuery(), body), where);
                    if (mode.equals("plain")) {
                        WxFaceException refused = assertThrows(WxFaceException.class,
                                () -> encrypted.pushOpen(sealed.getQuery(), sealed.getBodyBytes()), where);
                        assertEquals(WxFaceException.Code.PUSH_SIGNATURE, refused.getCode(), where);
                    }
                }
            }
        }
    }

    /**
     * Each thread copies answers into a buffer it keeps and remembers the
     * field names it has read: an answer larger than the buffer (a push
     * carrying a long verify_result) arrives whole, twice, whether the
     * buffer grew to it or it is too large to keep.
     */
    /** The thread's arrays an answer is split into keep none of its values (openids, verify results). */
    @Test
    void theThreadKeepsNoValueOfAnAnswer() {
        try (WxFaceClient c = sandbox.client()) {
            assertEquals(0, honestV1(c).getIdentifyRet());
            c.stats(); // more fields than the thread's arrays first hold
            assertEquals(0, honestV1(c).getIdentifyRet());
            for (String value : Scratch.get().fields()[1]) {
                assertNull(value);
            }
        }
    }

    @Test
    void answersLargerThanTheThreadsBufferArriveWhole() {
        long now = System.currentTimeMillis() / 1000;
        List<String> names = Arrays.asList("ToUserName", "FromUserName", "CreateTime", "MsgType", "Event", "openid",
                "out_seq_no", "verify_result");
        try (WxFaceClient c = pushClient()) {
            for (int size : new int[] {3000, 30000}) {
                char[] chars = new char[size];
                Arrays.fill(chars, 'v');
                chars[size - 1] = 'z';
                String verifyResult = new String(chars);
                for (int attempt = 1; attempt <= 2; attempt++) {
                    String where = size + " bytes, attempt " + attempt;
                    SealedPush sealed = c.pushSeal("json", "safe", faceIdentifyJson(now, verifyResult), now, "nonce-1");
                    PushEvent e = c.pushOpen(sealed.getQuery(), sealed.getBodyBytes());
                    assertEquals(verifyResult, e.getVerifyResult(), where);
                    assertEquals("seq-推送-1", e.getOutSeqNo(), where);
                    assertEquals(names.size(), e.fields().size(), where);
                    assertTrue(e.fields().keySet().containsAll(names), where);
                }
            }
        }
    }

    @Test
    void pushUrlHandshakeEchoesEchostrOnlyWithTheRightSignature() throws Exception {
        String timestamp = Long.toString(System.currentTimeMillis() / 1000);
        String nonce = "n0nce";
        String[] parts = {PUSH_TOKEN, timestamp, nonce};
        Arrays.sort(parts);
        StringBuilder sig = new StringBuilder();
        for (byte b : MessageDigest.getInstance("SHA-1").digest(String.join("", parts).getBytes(StandardCharsets.UTF_8))) {
            sig.append(String.format("%02x", b));
        }
        String query = "signature=" + sig + "&timestamp=" + timestamp + "&nonce=" + nonce + "&echostr=hello123";
        try (WxFaceClient c = pushClient()) {
            assertEquals("hello123", c.pushCheckUrl(query));
            WxFaceException e = assertThrows(WxFaceException.class,
                    () -> c.pushCheckUrl(query.replace("nonce=n0nce", "nonce=other")));
            assertEquals(WxFaceException.Code.PUSH_SIGNATURE, e.getCode());
        }
    }

    @Test
    void sandboxPushReachesAJavaServerAndItsVerifyResultVerifies() throws Exception {
        CompletableFuture<PushEvent> received = new CompletableFuture<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        try (WxFaceClient c = pushClient()) {
            server.createContext("/push", exchange -> {
                try {
                    byte[] body = Sandbox.readAll(exchange.getRequestBody()).getBytes(StandardCharsets.UTF_8);
                    PushEvent event = c.pushOpen(exchange.getRequestURI().getRawQuery(), body);
                    received.complete(event);
                    byte[] ok = "success".getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, ok.length);
                    try (OutputStream os = exchange.getResponseBody()) {
                        os.write(ok);
                    }
                } catch (RuntimeException e) {
                    received.completeExceptionally(e);
                    exchange.sendResponseHeaders(400, -1);
                } finally {
                    exchange.close();
                }
            });
            server.start();
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/push";
            sandbox.post("/sandbox/push", new JSONObject().put("url", url).put("format", "xml").put("mode", "safe")
                    .put("token", PUSH_TOKEN).put("aes_key", AES_KEY));

            String key = c.v1GetUserIdKey(NAME, ID, "java-push-seq-1").getUserIdKey();
            JSONObject done = sandbox.post("/sandbox/v1/complete", new JSONObject().put("user_id_key", key));
            assertTrue(done.getBoolean("push"), "the sandbox pushes when out_seq_no was given");

            PushEvent event = received.get(15, TimeUnit.SECONDS);
            assertEquals("face_identify", event.getEvent());
            assertEquals("java-push-seq-1", event.getOutSeqNo());
            assertEquals(done.getString("verify_result"), event.getVerifyResult());
            VerifyResult verdict = c.v1Verify(event.getVerifyResult(), NAME, ID, key, event.getOpenid());
            assertEquals(0, verdict.getIdentifyRet());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void absentFieldsAreNullNotErrors() {
        long now = System.currentTimeMillis() / 1000;
        try (WxFaceClient c = pushClient()) {
            SealedPush sealed = c.pushSeal("json", "safe", faceIdentifyJson(now, "vr"), now, "n");
            PushEvent e = c.pushOpen(sealed.getQuery(), sealed.getBody());
            assertNull(e.get("no_such_field"));
            assertFalse(e.getLong("no_such_field").isPresent());
        }
    }
}
