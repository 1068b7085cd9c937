package io.wxface;

import com.sun.jna.Pointer;
import io.wxface.internal.SizeT;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A wxface client: share one between all threads (it holds the access
 * token, the connection pool and the replay guard). Every call blocks,
 * bounded by the configured timeouts, and throws {@link WxFaceException}
 * on failure. {@link #close()} waits for calls in flight, then frees the
 * native client; later calls throw {@link IllegalStateException}. A client
 * dropped without close() is freed once the garbage collector finds it
 * unreachable, but close it: that is sooner and certain.
 *
 * <pre>{@code
 * try (WxFaceClient c = WxFaceClient.builder().appid(APPID).secret(SECRET).build()) {
 *     VerifyResult r = c.v1Verify(verifyResult, name, idCardNumber, userIdKey, openid);
 * }
 * }</pre>
 */
public final class WxFaceClient implements AutoCloseable {
    private final Handle handle;
    /** Frees the handle if the client is dropped without close(). */
    private final NativeCleaner.Cleanable cleanable;

    private WxFaceClient(Pointer pointer, List<Object> callbacks) {
        this.handle = new Handle(pointer, callbacks);
        this.cleanable = NativeCleaner.get().register(this, handle);
    }

    /**
     * The native client and what must outlive it, apart from the
     * WxFaceClient so that the cleaner can free it without keeping the
     * client reachable. Every call is counted in and out of {@link #calls},
     * and freeing waits until none is in flight, so the native client is
     * never freed while a call uses it, whether close() or the cleaner
     * frees it.
     */
    private static final class Handle implements Runnable {
        /** The bit of {@link #calls} set once freeing has begun. */
        private static final int CLOSING = Integer.MIN_VALUE;

        final Pointer pointer;
        /** Callbacks C holds pointers to: they must outlive every handle that may call them. */
        final List<Object> callbacks;
        /**
         * The calls in flight, and CLOSING: one atomic add in and one out
         * per call. A ReentrantReadWriteLock's read side kept a per-thread
         * hold count (a ThreadLocal entry made and removed, 56 bytes) for
         * every reader but the first, that is for each call made while
         * another thread's was in flight, and wrote its last reader into a
         * field every thread reads.
         */
        private final AtomicInteger calls = new AtomicInteger();
        /** Guarded by this. */
        private boolean freed;

        Handle(Pointer pointer, List<Object> callbacks) {
            this.pointer = pointer;
            this.callbacks = callbacks;
        }

        /**
         * Counts a call in; false, counting nothing, once freeing has begun,
         * unless this thread is already inside a call on this handle (a
         * nested call from a token provider): the outer call keeps the
         * handle alive, and refusing the nested one would only fail the
         * outer call that close() is waiting for.
         */
        boolean enter(Scratch s) {
            if ((calls.getAndIncrement() & CLOSING) == 0 || s.isInside(this)) {
                return true;
            }
            leave();
            return false;
        }

        void leave() {
            if (calls.decrementAndGet() == CLOSING) {
                synchronized (this) {
                    notifyAll();
                }
            }
        }

        /** Refuses new calls, waits for those in flight, frees the native client once. */
        @Override
        public void run() {
            int n = calls.get();
            while ((n & CLOSING) == 0 && !calls.compareAndSet(n, n | CLOSING)) {
                n = calls.get();
            }
            boolean interrupted = false;
            synchronized (this) {
                // A last call's leave() notifies under this monitor, so it
                // cannot slip between this test and the wait.
                while (calls.get() != CLOSING) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        interrupted = true; // close() ends with the client freed, interrupted or not
                    }
                }
                if (!freed) {
                    freed = true;
                    Lib.wxface_client_free(pointer);
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A client from {@code key=value} properties (keys as in the README's configuration table). */
    public static WxFaceClient fromProperties(Properties properties) {
        return builder().properties(properties).build();
    }

    /** A client from a {@code key=value} file (UTF-8, {@code #} comments), read by libwxface. */
    public static WxFaceClient fromFile(Path path) {
        return builder().file(path).build();
    }

    /** 1.0 getuseridkey without out_seq_no (no push will follow). */
    public UserIdKeyResult v1GetUserIdKey(String name, String idCardNumber) {
        return v1GetUserIdKey(name, idCardNumber, null);
    }

    /**
     * 1.0 getuseridkey: registers the person to verify.
     *
     * @param outSeqNo may be null; when given, WeChat pushes a face_identify event
     */
    public UserIdKeyResult v1GetUserIdKey(String name, String idCardNumber, String outSeqNo) {
        Arguments a = Arguments.take()
                .required(name, "name")
                .required(idCardNumber, "idCardNumber")
                .optional(outSeqNo, "outSeqNo");
        return new UserIdKeyResult(call(a,
                (c, s, x) -> Lib.wxface_v1_get_user_id_key(c, x.get(0), x.get(1), x.get(2), s.out, s.error)));
    }

    /**
     * 1.0 getinfo: WeChat's record of a verification, NOT judged. Use
     * {@link #v1Verify} for a verdict.
     */
    public WxFaceResponse v1GetInfo(String verifyResult) {
        Arguments a = Arguments.take().required(verifyResult, "verifyResult");
        return new WxFaceResponse(call(a, (c, s, x) -> Lib.wxface_v1_get_info(c, x.get(0), s.out, s.error)));
    }

    /**
     * {@link #v1Verify(String, String, String, String, String)} checking
     * neither user_id_key nor openid. Prefer a form that checks them when
     * you have them.
     */
    public VerifyResult v1Verify(String verifyResult, String name, String idCardNumber) {
        return v1Verify(verifyResult, name, idCardNumber, null, null);
    }

    /**
     * {@link #v1Verify(String, String, String, String, String)} checking
     * user_id_key but not openid.
     */
    public VerifyResult v1Verify(String verifyResult, String name, String idCardNumber, String userIdKey) {
        return v1Verify(verifyResult, name, idCardNumber, userIdKey, null);
    }

    /**
     * The 1.0 verdict: returns only if WeChat answered errcode 0 and
     * identify_ret 0, the person is the expected one, user_id_key and
     * openid match when given, the result is fresh and not replayed. Each
     * failed check throws with its own {@link WxFaceException.Code}.
     *
     * @param userIdKey the key from {@link #v1GetUserIdKey}, or null not to check it
     * @param openid the expected WeChat user, or null not to check it
     */
    public VerifyResult v1Verify(
            String verifyResult, String name, String idCardNumber, String userIdKey, String openid) {
        Arguments a = Arguments.take()
                .required(verifyResult, "verifyResult")
                .required(name, "name")
                .required(idCardNumber, "idCardNumber")
                .optional(userIdKey, "userIdKey")
                .optional(openid, "openid");
        return new VerifyResult(call(a, (c, s, x) ->
                Lib.wxface_v1_verify(c, x.get(0), x.get(1), x.get(2), x.get(3), x.get(4), s.out, s.error)));
    }

    /**
     * 1.0 getimage: the photo taken during the verification behind
     * {@code verifyResult}. WeChat's refusals throw as usual (an unknown
     * verify_result is VERIFY_RESULT_INVALID, wechat_errcode 84001). The
     * photo is biometric data: store it only where the law allows, never log it.
     */
    public Image v1GetImage(String verifyResult) {
        Arguments a = Arguments.take().required(verifyResult, "verifyResult");
        return Image.from(WxFaceResponse.copy(
                callPointer(a, (c, s, x) -> Lib.wxface_v1_get_image(c, x.get(0), s.out, s.error), true)));
    }

    /**
     * 2.0 getverifyid for the mini-program user {@code openid}.
     * {@code outSeqNo}: 5 to 32 of 0-9 A-Z a-z _ -, never used before
     * ({@link WxFace#outSeqNoNew()} makes one); INVALID_ARGUMENT otherwise,
     * OUT_SEQ_NO_USED if WeChat saw it before.
     */
    public VerifyIdResult v2GetVerifyId(String outSeqNo, String openid, String name, String idCardNumber) {
        Arguments a = Arguments.take()
                .required(outSeqNo, "outSeqNo")
                .required(openid, "openid")
                .required(name, "name")
                .required(idCardNumber, "idCardNumber");
        return new VerifyIdResult(call(a, (c, s, x) ->
                Lib.wxface_v2_get_verify_id(c, x.get(0), x.get(1), x.get(2), x.get(3), s.out, s.error)));
    }

    /**
     * The 2.0 verdict (queryverifyinfo): returns only if verify_ret is
     * 10000. Throws PENDING (10300/10005: not finished, ask again, see
     * {@link #v2Wait}), NOT_PASSED with {@link WxFaceException#getVerifyRet()}
     * and the reason, CERT_HASH_MISMATCH, OPENID_MISMATCH,
     * OUT_SEQ_NO_MISMATCH, VERIFY_ID_EXPIRED or another WeChat refusal.
     */
    public QueryResult v2Query(String verifyId, String outSeqNo, String openid, String certHash) {
        Arguments a = Arguments.take()
                .required(verifyId, "verifyId")
                .required(outSeqNo, "outSeqNo")
                .required(openid, "openid")
                .required(certHash, "certHash");
        return new QueryResult(call(a, (c, s, x) ->
                Lib.wxface_v2_query(c, x.get(0), x.get(1), x.get(2), x.get(3), s.out, s.error)));
    }

    /**
     * {@link #v2Query}, asked again while the answer is PENDING, with growing
     * pauses ({@code wait_interval_ms}, doubling up to 8 times it), for at
     * most {@code timeout} and never past the verify_id's life when this
     * client started it. Returns on verify_ret 10000; throws the first answer
     * that is not PENDING (NOT_PASSED, CERT_HASH_MISMATCH, ...), PENDING if
     * the timeout came first, VERIFY_ID_EXPIRED if the verify_id's life
     * ended first. Blocks the calling thread.
     *
     * @param timeout at least 1 ms; longer than about 24 days is cut to that
     */
    public QueryResult v2Wait(String verifyId, String outSeqNo, String openid, String certHash, Duration timeout) {
        Arguments a = Arguments.take()
                .required(verifyId, "verifyId")
                .required(outSeqNo, "outSeqNo")
                .required(openid, "openid")
                .required(certHash, "certHash");
        if (timeout == null) {
            a.release();
            throw new WxFaceException(WxFaceException.Code.INVALID_ARGUMENT, "timeout: is null");
        }
        long ms = timeout.isNegative() ? 0 : Math.min(Integer.MAX_VALUE, timeout.toMillis());
        int timeoutMs = (int) ms;
        return new QueryResult(call(a, (c, s, x) ->
                Lib.wxface_v2_wait(c, x.get(0), x.get(1), x.get(2), x.get(3), timeoutMs, null, s.out, s.error)));
    }

    /**
     * The GET handshake WeChat makes when the push URL is configured.
     *
     * @param query the raw query string received
     * @return the echostr to answer the request with, as is
     */
    public String pushCheckUrl(String query) {
        Arguments a = Arguments.take().required(query, "query");
        Map<String, String> r = call(a, (c, s, x) -> Lib.wxface_push_url_echo(c, x.get(0), s.out, s.error));
        return r.get("echostr");
    }

    /**
     * Opens a push POST: checks the signature and timestamp window,
     * decrypts, checks the appid and parses. A push is a hint: verify its
     * verify_result with {@link #v1Verify}.
     *
     * @param query the raw query string
     * @param body the raw body, at most 64 KiB
     */
    public PushEvent pushOpen(String query, byte[] body) {
        return pushOpen(Arguments.take().required(query, "query").bytes(body, "body"));
    }

    /** {@link #pushOpen(String, byte[])} with the body as text (sent as UTF-8). */
    public PushEvent pushOpen(String query, String body) {
        return pushOpen(Arguments.take().required(query, "query").required(body, "body"));
    }

    private PushEvent pushOpen(Arguments a) {
        return new PushEvent(call(a, (c, s, x) ->
                Lib.wxface_push_open(c, x.get(0), x.get(1), new SizeT(x.length(1)), s.out, s.error)));
    }

    /**
     * Builds a push as WeChat would send it with this client's push_token,
     * push_aes_key and appid: for a server's own tests.
     *
     * @param format "json" or "xml"
     * @param mode "plain", "compatible" or "safe"
     */
    public SealedPush pushSeal(String format, String mode, byte[] message, long timestamp, String nonce) {
        return pushSeal(Arguments.take()
                .required(format, "format")
                .required(mode, "mode")
                .bytes(message, "message")
                .required(nonce, "nonce"), timestamp);
    }

    /** {@link #pushSeal(String, String, byte[], long, String)} with the message as text (UTF-8). */
    public SealedPush pushSeal(String format, String mode, String message, long timestamp, String nonce) {
        return pushSeal(Arguments.take()
                .required(format, "format")
                .required(mode, "mode")
                .required(message, "message")
                .required(nonce, "nonce"), timestamp);
    }

    private SealedPush pushSeal(Arguments a, long timestamp) {
        return new SealedPush(call(a, (c, s, x) -> Lib.wxface_push_seal(
                c, x.get(0), x.get(1), x.get(2), new SizeT(x.length(2)), timestamp, x.get(3), s.out, s.error)));
    }

    /**
     * A second client on the same tokens, connections and replay guard
     * whose calls wait at most {@code timeout} per attempt (rounded up to
     * whole milliseconds). Close it like any client; closing one does not
     * close the other.
     */
    public WxFaceClient withTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        long ms;
        if (timeout.isNegative()) {
            ms = -1;
        } else if (timeout.getSeconds() > 0xFFFF_FFFFL / 1000) {
            ms = Long.MAX_VALUE; // beyond uint32 milliseconds; also keeps toNanos() from overflowing
        } else {
            ms = (timeout.toNanos() + 999_999) / 1_000_000;
        }
        if (ms < 1 || ms > 0xFFFF_FFFFL) {
            throw new WxFaceException(WxFaceException.Code.INVALID_ARGUMENT,
                    "timeout: must be between 1 ms and 2^32-1 ms");
        }
        Pointer child = callPointer(
                null, (c, s, x) -> Lib.wxface_client_with_timeout(c, (int) ms, s.out, s.error), false);
        return new WxFaceClient(child, handle.callbacks);
    }

    /**
     * Waits for calls in flight on this handle, then frees it. Idempotent.
     * Must not be called from a token provider or log handler running
     * inside a call on this client.
     */
    @Override
    public void close() {
        if (Scratch.get().isInside(handle)) {
            throw new IllegalStateException("close() called from inside a call on this WxFaceClient");
        }
        cleanable.clean();
    }

    /**
     * The counters since the client was made (shared with its
     * {@code withTimeout} handles). Never blocks on the network.
     */
    public ClientStats stats() {
        return new ClientStats(call(null, (c, s, x) -> Lib.wxface_client_stats(c, s.out, s.error)));
    }

    @FunctionalInterface
    private interface NativeCall {
        int run(Pointer client, Scratch scratch, Arguments args);
    }

    /** Runs a call that fills a response, and copies the response into Java. */
    private Map<String, String> call(Arguments args, NativeCall f) {
        return WxFaceResponse.take(callPointer(args, f, true));
    }

    /**
     * Runs a call that fills an out-pointer, counted in flight on the
     * handle; args (null for a call without any) are released whatever
     * happens. A response (freed before this thread's next call) comes in
     * the thread's one response Pointer, anything else in a Pointer of its
     * own.
     */
    private Pointer callPointer(Arguments args, NativeCall f, boolean response) {
        Handle h = handle;
        try {
            Scratch s = Scratch.get();
            if (!h.enter(s)) {
                throw new IllegalStateException("WxFaceClient is closed");
            }
            s.enter(h);
            try {
                s.clearOut();
                s.check(f.run(h.pointer, s, args));
                return response ? s.takeResponse() : s.takeOut();
            } finally {
                s.leave();
                h.leave();
            }
        } finally {
            if (args != null) {
                args.release();
            }
        }
    }

    /**
     * Collects configuration; {@link #build()} hands it to libwxface, which
     * checks every key and value. Keys are those of the README's
     * configuration table; later settings override earlier ones.
     */
    public static final class Builder {
        private final List<String[]> settings = new ArrayList<>();
        private TokenProvider tokenProvider;
        private ReplayStore replayStore;
        private AuditSink auditSink;
        private boolean logToJul;

        private Builder() {}

        /** Sets any configuration key, e.g. {@code set("max_retries", "2")}. */
        public Builder set(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, key);
            if ((key.equals("input_encoding") || key.equals("text_encoding")) && !isUtf8(value)) {
                throw new WxFaceException(WxFaceException.Code.CONFIG,
                        key + ": the Java binding always passes UTF-8; GBK is for C callers");
            }
            if (key.equals("log_level")) {
                logToJul = true;
            }
            settings.add(new String[] {key, value});
            return this;
        }

        private static boolean isUtf8(String encoding) {
            String e = encoding.trim();
            return e.equalsIgnoreCase("utf-8") || e.equalsIgnoreCase("utf8");
        }

        public Builder appid(String appid) {
            return set("appid", appid);
        }

        public Builder secret(String secret) {
            return set("secret", secret);
        }

        /** A fixed access token instead of appid/secret. */
        public Builder accessToken(String accessToken) {
            return set("access_token", accessToken);
        }

        /** Where WeChat is; the sandbox's URL in tests. */
        public Builder apiBase(String apiBase) {
            return set("api_base", apiBase);
        }

        /** A proxy URL, "none", or "" for the environment's. */
        public Builder proxy(String proxy) {
            return set("proxy", proxy);
        }

        public Builder caFile(Path caFile) {
            return set("ca_file", Objects.requireNonNull(caFile, "caFile").toString());
        }

        public Builder timeout(Duration timeout) {
            return set("timeout_ms", Long.toString(Objects.requireNonNull(timeout, "timeout").toMillis()));
        }

        public Builder connectTimeout(Duration timeout) {
            return set("connect_timeout_ms", Long.toString(Objects.requireNonNull(timeout, "timeout").toMillis()));
        }

        public Builder maxRetries(int maxRetries) {
            return set("max_retries", Integer.toString(maxRetries));
        }

        public Builder pushToken(String pushToken) {
            return set("push_token", pushToken);
        }

        public Builder pushAesKey(String pushAesKey) {
            return set("push_aes_key", pushAesKey);
        }

        /**
         * Sends libwxface's log lines up to {@code level} ("error", "warn",
         * "info", "debug" or "trace") to java.util.logging's "io.wxface"
         * logger. Setting "log_level" through {@link #set} does the same.
         */
        public Builder logLevel(String level) {
            return set("log_level", level);
        }

        /** Gets access tokens from {@code provider} instead of appid/secret. */
        public Builder tokenProvider(TokenProvider provider) {
            this.tokenProvider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /**
         * Keeps accepted verify_results in {@code store} (your own shared
         * database) instead of memory; not together with a Redis
         * {@code state_store}.
         */
        public Builder replayStore(ReplayStore store) {
            this.replayStore = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Sends the audit trail to {@code sink}: an {@link AuditRecord} for
         * each verdict, 2.0 start, push and token fetch (see {@link AuditSink}).
         */
        public Builder audit(AuditSink sink) {
            this.auditSink = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /**
         * Appends the same records as JSON lines to {@code path}
         * ({@code audit_file}); reopened when logrotate renames the file.
         */
        public Builder auditFile(Path path) {
            return set("audit_file", Objects.requireNonNull(path, "path").toString());
        }

        /** Every property as a configuration key. */
        public Builder properties(Properties properties) {
            Objects.requireNonNull(properties, "properties");
            for (String key : properties.stringPropertyNames()) {
                set(key, properties.getProperty(key));
            }
            return this;
        }

        /** A {@code key=value} file, loaded by libwxface at build time (all or nothing). */
        public Builder file(Path path) {
            settings.add(new String[] {null, Objects.requireNonNull(path, "path").toString()});
            return this;
        }

        /**
         * Makes the client. No network traffic happens here.
         *
         * @throws WxFaceException CONFIG naming the bad key, or missing credentials
         */
        public WxFaceClient build() {
            Lib.ensureLoaded();
            List<Object> callbacks = new ArrayList<>();
            Pointer cfg = Lib.wxface_config_new();
            if (cfg == null) {
                throw new OutOfMemoryError("wxface_config_new");
            }
            try {
                Scratch s = Scratch.get();
                for (String[] kv : settings) {
                    if (kv[0] == null) {
                        s.check(Lib.wxface_config_load_file(cfg, CStrings.required(kv[1], "path"), s.error));
                    } else {
                        s.check(Lib.wxface_config_set(
                                cfg, CStrings.required(kv[0], "key"), CStrings.required(kv[1], kv[0]), s.error));
                    }
                }
                // Last: Java strings always cross as UTF-8, both ways, so a file
                // shared with a GBK program must not make the library read them
                // as GBK or answer in GBK.
                s.check(Lib.wxface_config_set(
                        cfg, CStrings.required("text_encoding", "key"), CStrings.required("utf-8", "value"), s.error));
                if (tokenProvider != null) {
                    Lib.TokenCallback bridge = CallingConvention.CURRENT.token(new TokenBridge(tokenProvider));
                    callbacks.add(bridge);
                    s.check(Lib.wxface_config_set_token_callback(cfg, bridge, null, s.error));
                }
                if (replayStore != null) {
                    Lib.ReplayCallback bridge = CallingConvention.CURRENT.replay(new ReplayBridge(replayStore));
                    callbacks.add(bridge);
                    s.check(Lib.wxface_config_set_replay_callback(cfg, bridge, null, s.error));
                }
                if (auditSink != null) {
                    Lib.AuditCallback bridge = CallingConvention.CURRENT.audit(new AuditBridge(auditSink));
                    callbacks.add(bridge);
                    s.check(Lib.wxface_config_set_audit_callback(cfg, bridge, null, s.error));
                }
                if (logToJul) {
                    Lib.LogCallback bridge = CallingConvention.CURRENT.log(new LogBridge());
                    callbacks.add(bridge);
                    s.check(Lib.wxface_config_set_log_callback(cfg, bridge, null, s.error));
                }
                s.clearOut();
                s.check(Lib.wxface_client_new(cfg, s.out, s.error));
                return new WxFaceClient(s.takeOut(), Collections.unmodifiableList(callbacks));
            } finally {
                Lib.wxface_config_free(cfg);
            }
        }
    }
}
