/*
 * The Java binding against the raw JNA call it wraps and against what a
 * Java user would write by hand (java.net.http.HttpClient, javax.crypto),
 * in alternating rounds in one JVM against the nginx double.
 *
 *   java -cp wxface.jar:jna.jar benches/java/BenchBindings.java
 *
 * Needs WXFACE_LIBRARY (release libwxface.so) and WXFACE_BENCH_BASE (the
 * double, benches/double/start.sh); `make bench` runs it (benches/run.sh).
 * The by-hand verify checks errcode and identify_ret with a regular
 * expression instead of a JSON library (the JDK has none): that favours it.
 * Verify and 2.0 query run on 1 and 8 threads, push opening on one; the
 * raw calls take the response and free it, reading nothing, with per-thread
 * native memory for the error and the out-pointer, as the binding has. The last table
 * is the binding's own cost: binding / raw, and the CPU microseconds the
 * binding adds per call.
 * Optional: WXFACE_BENCH_ROUND_S (default 1), WXFACE_BENCH_ROUNDS (default 3).
 *
 * Any failed call of the binding or of a raw call fails the run (exit 1).
 * The by-hand HttpClient loop is a reference: a transport failure there
 * (an IOException: see sendRetryingOnce) is retried once,
 * the retry's time counted in its round, and the retries are printed at
 * the end; a second failure in a row, or a wrong answer, fails the run.
 */

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import io.wxface.SealedPush;
import io.wxface.WxFaceClient;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

public final class BenchBindings {
    static final String NAME = "张三";
    static final String ID = "11010519491231002X";
    static final String APPID = "wx5a3d6f1e2b4c8d90";
    static final String PUSH_TOKEN = "wxfaceToken2024";
    static final String PUSH_AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";
    static final String BASE = System.getenv("WXFACE_BENCH_BASE");
    static final double ROUND_S = envDouble("WXFACE_BENCH_ROUND_S", 1);
    static final int ROUNDS = (int) envDouble("WXFACE_BENCH_ROUNDS", 3);
    static final AtomicLong SEQ = new AtomicLong();
    static final AtomicLong FAILURES = new AtomicLong();
    static final AtomicLong REFERENCE_RETRIES = new AtomicLong();
    /**
     * The raw calls' out-pointer, one per thread as the binding keeps its
     * own: a PointerByReference per call would charge the raw side a JNA
     * Memory allocation, malloc and cleaner registration the binding does
     * not pay, and flatter the binding.
     */
    static final ThreadLocal<PointerByReference> OUTS = ThreadLocal.withInitial(PointerByReference::new);
    static volatile String firstRetryCause;

    /** The C functions used here, bound directly (JNA direct mapping). */
    static final class Raw {
        static {
            Native.register(NativeLibrary.getInstance(System.getenv("WXFACE_LIBRARY")));
        }

        static native Pointer wxface_config_new();

        static native int wxface_config_set(Pointer cfg, String key, String value, Pointer err);

        static native void wxface_config_free(Pointer cfg);

        static native int wxface_client_new(Pointer cfg, PointerByReference out, Pointer err);

        static native int wxface_v1_verify(Pointer c, byte[] vr, byte[] name, byte[] id, byte[] key, byte[] openid,
                PointerByReference out, Pointer err);

        static native int wxface_v2_query(Pointer c, byte[] verifyId, byte[] outSeqNo, byte[] openid,
                byte[] certHash, PointerByReference out, Pointer err);

        static native int wxface_push_open(Pointer c, byte[] query, byte[] body, long len, PointerByReference out,
                Pointer err);

        static native void wxface_response_free(Pointer r);
    }

    static double envDouble(String k, double def) {
        try {
            return Double.parseDouble(System.getenv(k));
        } catch (RuntimeException e) {
            return def;
        }
    }

    static void fail(String what, Throwable t) {
        if (FAILURES.incrementAndGet() == 1) System.err.println("bench: " + what + ": " + describe(t));
    }

    /** The exception and its causes: HttpClient wraps the transport's own error (EOF, reset) in its message. */
    static String describe(Throwable t) {
        StringBuilder b = new StringBuilder(String.valueOf(t));
        Throwable c = t.getCause();
        for (int depth = 0; c != null && depth < 8; c = c.getCause(), depth++) {
            b.append("; caused by ").append(c);
        }
        return b.toString();
    }

    static Pointer rawClient(Map<String, String> settings) {
        Pointer cfg = Raw.wxface_config_new();
        Memory err = new Memory(528);
        for (Map.Entry<String, String> e : settings.entrySet()) {
            if (Raw.wxface_config_set(cfg, e.getKey(), e.getValue(), err) != 0) throw new IllegalStateException(e.getKey());
        }
        PointerByReference out = new PointerByReference();
        if (Raw.wxface_client_new(cfg, out, err) != 0) throw new IllegalStateException("wxface_client_new");
        Raw.wxface_config_free(cfg);
        return out.getValue();
    }

    static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /**
     * Calls per second of n threads calling work; the process's CPU us per
     * call (the JIT compiler's and the collector's threads included); the
     * calling threads' own CPU us per call and bytes they allocated per call
     * (neither counts the compiler, so both move less between runs).
     */
    static double[] round(int n, Runnable work) throws InterruptedException {
        long[] counts = new long[n], threadNanos = new long[n], threadBytes = new long[n];
        CountDownLatch ready = new CountDownLatch(n), start = new CountDownLatch(1);
        boolean[] stop = {false};
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            final int slot = t;
            Thread th = new Thread(() -> {
                ready.countDown();
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                long i = 0;
                long cpu0 = THREADS.getCurrentThreadCpuTime(), bytes0 = THREADS.getCurrentThreadAllocatedBytes();
                while (!isStopped(stop)) {
                    work.run();
                    i++;
                }
                threadNanos[slot] = THREADS.getCurrentThreadCpuTime() - cpu0;
                threadBytes[slot] = THREADS.getCurrentThreadAllocatedBytes() - bytes0;
                counts[slot] = i;
            });
            threads.add(th);
            th.start();
        }
        ready.await();
        long t0 = System.nanoTime();
        double c0 = cpuSeconds();
        start.countDown();
        Thread.sleep((long) (ROUND_S * 1000));
        synchronized (stop) {
            stop[0] = true;
        }
        for (Thread th : threads) th.join();
        long calls = Math.max(1, Arrays.stream(counts).sum());
        return new double[] {calls / ((System.nanoTime() - t0) / 1e9), (cpuSeconds() - c0) * 1e6 / calls,
                Arrays.stream(threadNanos).sum() / 1e3 / calls, (double) Arrays.stream(threadBytes).sum() / calls};
    }

    static boolean isStopped(boolean[] stop) {
        synchronized (stop) {
            return stop[0];
        }
    }

    /**
     * Median calls/s and CPU us/call per side over alternating rounds, after
     * three warm-up rounds per side: the process's CPU time counts the JIT
     * compiler's threads, and one round left them compiling the binding's
     * larger code path during its measured rounds (its figures swung by
     * 20 us from run to run).
     */
    static Map<String, double[]> compare(int n, Map<String, Runnable> sides) throws InterruptedException {
        Map<String, List<double[]>> all = new HashMap<>();
        for (int warm = 0; warm < 3; warm++) {
            for (Runnable w : sides.values()) round(n, w);
        }
        for (int r = 0; r < ROUNDS; r++) {
            for (Map.Entry<String, Runnable> s : sides.entrySet()) {
                all.computeIfAbsent(s.getKey(), k -> new ArrayList<>()).add(round(n, s.getValue()));
            }
        }
        Map<String, double[]> med = new HashMap<>();
        for (Map.Entry<String, List<double[]>> e : all.entrySet()) {
            double[] m = new double[4];
            for (int k = 0; k < m.length; k++) {
                final int at = k;
                double[] sorted = e.getValue().stream().mapToDouble(x -> x[at]).sorted().toArray();
                m[k] = sorted[sorted.length / 2];
            }
            med.put(e.getKey(), m);
        }
        return med;
    }

    public static void main(String[] args) throws Exception {
        if (BASE == null) {
            System.err.println("bench: WXFACE_BENCH_BASE is not set (benches/double/start.sh)");
            System.exit(2);
        }
        String port = BASE.substring(BASE.lastIndexOf(':') + 1);
        // The library reaches the double by name, as it reaches WeChat.
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("appid", APPID);
        settings.put("secret", "bench-secret-0123456789abcdef");
        settings.put("api_base", "http://localhost:" + port);
        settings.put("proxy", "none");
        WxFaceClient.Builder b = WxFaceClient.builder();
        settings.forEach(b::set);
        WxFaceClient client = b.build();
        Pointer raw = rawClient(settings);
        byte[] name = (NAME + "\0").getBytes(StandardCharsets.UTF_8);
        byte[] id = (ID + "\0").getBytes(StandardCharsets.UTF_8);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String token = token(http);
        URI getinfo = URI.create(BASE + "/cityservice/face/identify/getinfo?access_token=" + token);
        Pattern passed = Pattern.compile("\"errcode\":0,.*\"identify_ret\":0[,}]");

        Runnable binding = () -> {
            try {
                client.v1Verify("java-" + SEQ.incrementAndGet(), NAME, ID, null, null);
            } catch (RuntimeException e) {
                fail("binding v1Verify", e);
            }
        };
        ThreadLocal<Memory> err = ThreadLocal.withInitial(() -> new Memory(528));
        Runnable rawCall = () -> {
            byte[] vr = ("raw-" + SEQ.incrementAndGet() + "\0").getBytes(StandardCharsets.UTF_8);
            PointerByReference out = OUTS.get();
            if (Raw.wxface_v1_verify(raw, vr, name, id, null, null, out, err.get()) != 0) {
                fail("raw wxface_v1_verify", new IllegalStateException(err.get().getString(16)));
            }
            Raw.wxface_response_free(out.getValue());
        };
        Runnable byHand = () -> {
            try {
                HttpRequest req = HttpRequest.newBuilder(getinfo).timeout(Duration.ofSeconds(15))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"verify_result\":\"jh-" + SEQ.incrementAndGet() + "\"}"))
                        .build();
                HttpResponse<String> resp = sendRetryingOnce(http, req);
                if (resp.statusCode() != 200 || !passed.matcher(resp.body()).find()) {
                    fail("HttpClient answer", new IllegalStateException(resp.body()));
                }
            } catch (Exception e) {
                fail("HttpClient", e);
            }
        };

        System.out.printf("java %s%n", System.getProperty("java.version"));
        System.out.printf("verify calls/s (median of %d alternating %.1f s rounds); ratios are binding / other%n",
                ROUNDS, ROUND_S);
        System.out.printf("%7s | %9s %9s %10s | %14s %8s | %25s%n", "threads", "binding", "raw JNA", "HttpClient",
                "vs HttpClient", "vs raw", "CPU us/call: binding raw");
        Map<String, Map<String, double[]>> own = new LinkedHashMap<>();
        for (int n : new int[] {1, 8}) {
            Map<String, Runnable> sides = new LinkedHashMap<>();
            sides.put("binding", binding);
            sides.put("raw", rawCall);
            sides.put("hand", byHand);
            Map<String, double[]> r = compare(n, sides);
            System.out.printf("%7d | %9.0f %9.0f %10.0f | %13.2fx %7.2fx | %16.1f %8.1f%n", n, r.get("binding")[0],
                    r.get("raw")[0], r.get("hand")[0], r.get("binding")[0] / r.get("hand")[0],
                    r.get("binding")[0] / r.get("raw")[0], r.get("binding")[1], r.get("raw")[1]);
            own.put("verify, " + n + (n == 1 ? " thread" : " threads"), r);
        }

        // 2.0 queryverifyinfo: the same four arguments every call (WeChat
        // keeps answering a verify_id until it expires).
        String verifyId = "bench-verify-id-0123456789", outSeqNo = "benchSeq0001";
        String openid = "oBenchOpenid0123456789abcdef", certHash = "ab".repeat(32);
        client.v2Query(verifyId, outSeqNo, openid, certHash);
        byte[] cVerifyId = (verifyId + "\0").getBytes(StandardCharsets.UTF_8);
        byte[] cOutSeqNo = (outSeqNo + "\0").getBytes(StandardCharsets.UTF_8);
        byte[] cOpenid = (openid + "\0").getBytes(StandardCharsets.UTF_8);
        byte[] cCertHash = (certHash + "\0").getBytes(StandardCharsets.UTF_8);
        Runnable queryBinding = () -> {
            try {
                client.v2Query(verifyId, outSeqNo, openid, certHash);
            } catch (RuntimeException e) {
                fail("binding v2Query", e);
            }
        };
        Runnable queryRaw = () -> {
            PointerByReference out = OUTS.get();
            if (Raw.wxface_v2_query(raw, cVerifyId, cOutSeqNo, cOpenid, cCertHash, out, err.get()) != 0) {
                fail("raw wxface_v2_query", new IllegalStateException(err.get().getString(16)));
            }
            Raw.wxface_response_free(out.getValue());
        };
        for (int n : new int[] {1, 8}) {
            Map<String, Runnable> sides = new LinkedHashMap<>();
            sides.put("binding", queryBinding);
            sides.put("raw", queryRaw);
            own.put("query (2.0), " + n + (n == 1 ? " thread" : " threads"), compare(n, sides));
        }

        own.put("push opening, 1 thread", benchPush(settings));
        System.out.println();
        System.out.println("the binding's own cost: binding / raw JNA call, same run");
        System.out.printf("%-24s | %9s %9s | %7s | %21s %8s | %27s | %19s%n", "call", "binding/s", "raw/s", "ratio",
                "CPU us: binding raw", "added", "calling threads' us: b raw", "bytes/call: b raw");
        for (Map.Entry<String, Map<String, double[]>> e : own.entrySet()) {
            double[] bind = e.getValue().get("binding"), raw1 = e.getValue().get("raw");
            System.out.printf("%-24s | %9.0f %9.0f | %6.2fx | %12.1f %8.1f | %+7.1f | %9.1f %7.1f %+8.1f | %9.0f %9.0f%n",
                    e.getKey(), bind[0], raw1[0], bind[0] / raw1[0], bind[1], raw1[1], bind[1] - raw1[1], bind[2],
                    raw1[2], bind[2] - raw1[2], bind[3], raw1[3]);
        }
        System.out.println("(CPU us: the whole process's, JIT compiler and collector included; calling threads': "
                + "the threads making the calls, with the difference)");
        client.close();
        if (REFERENCE_RETRIES.get() > 0) {
            System.out.printf("HttpClient (the reference): %d transport failures, each retried once (first: %s)%n",
                    REFERENCE_RETRIES.get(), firstRetryCause);
        }
        if (FAILURES.get() > 0) {
            System.err.println("bench: " + FAILURES.get() + " calls failed");
            System.exit(1);
        }
    }

    /**
     * The reference's send, made again once after an IOException. JDK 17's
     * HttpClient rarely closes a pooled keep-alive connection itself while
     * a request goes out on it (2 failed calls in 17 runs of this bench
     * here, about 500,000 HttpClient calls, both at 8 threads): the send
     * fails with "HTTP/1.1 header parser received no bytes", caused by
     * "connection closed locally", and nginx's info log shows the client
     * closing that idle connection in the same second, no request having
     * reached it. HttpClient retries only idempotent methods by itself; a
     * user's code would send this POST again. Counted, and printed at the
     * end.
     */
    static HttpResponse<String> sendRetryingOnce(HttpClient http, HttpRequest req) throws Exception {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            if (REFERENCE_RETRIES.incrementAndGet() == 1) firstRetryCause = describe(e);
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        }
    }

    static String token(HttpClient http) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(BASE + "/cgi-bin/stable_token"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("\"access_token\":\"([^\"]+)\"").matcher(r.body());
        if (!m.find()) throw new IllegalStateException("no token from the double");
        return m.group(1);
    }

    /** A safe-mode JSON push: binding, raw call, and by hand with javax.crypto. */
    static Map<String, double[]> benchPush(Map<String, String> base) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(base);
        settings.put("push_token", PUSH_TOKEN);
        settings.put("push_aes_key", PUSH_AES_KEY);
        WxFaceClient.Builder b = WxFaceClient.builder();
        settings.forEach(b::set);
        WxFaceClient client = b.build();
        Pointer raw = rawClient(settings);
        long now = System.currentTimeMillis() / 1000;
        String event = "{\"ToUserName\":\"gh_3f1c9a7b2e4d\",\"FromUserName\":\"oU2c95XhnP8Tp9rAJ7Jq7tZ1zKwM\","
                + "\"CreateTime\":" + now + ",\"MsgType\":\"event\",\"Event\":\"face_identify\","
                + "\"openid\":\"oU2c95XhnP8Tp9rAJ7Jq7tZ1zKwM\",\"out_seq_no\":\"test1234\","
                + "\"verify_result\":\"XXIzTtMqCxwOaawoE91\"}";
        SealedPush sealed = client.pushSeal("json", "safe", event, now, "1320562132");
        String query = sealed.getQuery();
        byte[] body = sealed.getBodyBytes();
        byte[] cQuery = (query + "\0").getBytes(StandardCharsets.UTF_8);
        Map<String, String> q = new HashMap<>();
        for (String kv : query.split("&")) {
            String[] p = kv.split("=", 2);
            q.put(p[0], URLDecoder.decode(p.length > 1 ? p[1] : "", StandardCharsets.UTF_8));
        }
        byte[] key = Base64.getDecoder().decode(PUSH_AES_KEY + "=");
        SecretKeySpec aesKey = new SecretKeySpec(key, "AES");
        IvParameterSpec iv = new IvParameterSpec(Arrays.copyOf(key, 16));
        Pattern encrypt = Pattern.compile("\"Encrypt\"\\s*:\\s*\"([^\"]+)\"");
        Pattern eventField = Pattern.compile("\"Event\"\\s*:\\s*\"face_identify\"");

        Runnable binding = () -> {
            try {
                client.pushOpen(query, body);
            } catch (RuntimeException e) {
                fail("binding pushOpen", e);
            }
        };
        ThreadLocal<Memory> err = ThreadLocal.withInitial(() -> new Memory(528));
        Runnable rawCall = () -> {
            PointerByReference out = OUTS.get();
            if (Raw.wxface_push_open(raw, cQuery, body, body.length, out, err.get()) != 0) {
                fail("raw wxface_push_open", new IllegalStateException(err.get().getString(16)));
            }
            Raw.wxface_response_free(out.getValue());
        };
        Runnable byHand = () -> {
            try {
                Matcher m = encrypt.matcher(new String(body, StandardCharsets.UTF_8));
                if (!m.find()) throw new IllegalStateException("no Encrypt");
                String enc = m.group(1);
                String[] parts = {PUSH_TOKEN, q.get("timestamp"), q.get("nonce"), enc};
                Arrays.sort(parts);
                byte[] sum = MessageDigest.getInstance("SHA-1")
                        .digest(String.join("", parts).getBytes(StandardCharsets.UTF_8));
                StringBuilder hex = new StringBuilder();
                for (byte x : sum) hex.append(String.format("%02x", x));
                if (!hex.toString().equals(q.get("msg_signature"))) throw new IllegalStateException("signature");
                Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
                c.init(Cipher.DECRYPT_MODE, aesKey, iv);
                byte[] pt = c.doFinal(Base64.getDecoder().decode(enc));
                int pad = pt[pt.length - 1];
                if (pad < 1 || pad > 32) throw new IllegalStateException("padding");
                int n = ByteBuffer.wrap(pt, 16, 4).getInt();
                String appid = new String(pt, 20 + n, pt.length - pad - 20 - n, StandardCharsets.UTF_8);
                String json = new String(pt, 20, n, StandardCharsets.UTF_8);
                if (!appid.equals(APPID) || !eventField.matcher(json).find()) throw new IllegalStateException("event");
            } catch (Exception e) {
                fail("by-hand push", e);
            }
        };
        Map<String, Runnable> sides = new LinkedHashMap<>();
        sides.put("binding", binding);
        sides.put("raw", rawCall);
        sides.put("hand", byHand);
        Map<String, double[]> r = compare(1, sides);
        System.out.printf("push opening, 1 thread: binding %.0f/s, raw JNA %.0f/s, by hand (javax.crypto) %.0f/s: "
                + "binding %.2fx by hand, %.2fx raw; CPU us/call binding %.1f, raw %.1f, by hand %.1f%n",
                r.get("binding")[0], r.get("raw")[0], r.get("hand")[0], r.get("binding")[0] / r.get("hand")[0],
                r.get("binding")[0] / r.get("raw")[0], r.get("binding")[1], r.get("raw")[1], r.get("hand")[1]);
        client.close();
        return r;
    }
}
