package io.wxface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** 2.0's out_seq_no generator and the bounded wait, as a Java caller uses them. */
class WaitTest {
    private static final String OPENID = "o_java_wait_user_00000000001";
    private static Sandbox sandbox;
    private static WxFaceClient client;

    @BeforeAll
    static void start() throws IOException {
        sandbox = Sandbox.start();
        client = sandbox.builder().set("wait_interval_ms", "20").build();
    }

    @AfterAll
    static void stop() {
        client.close();
        sandbox.close();
    }

    @Test
    void waitEndsPendingAtItsTimeoutAndNeverLater() {
        String seq = WxFace.outSeqNoNew();
        VerifyIdResult v = client.v2GetVerifyId(seq, OPENID, "张三", "11010519491231002X");
        long started = System.nanoTime();
        WxFaceException e = assertThrows(WxFaceException.class,
                () -> client.v2Wait(v.getVerifyId(), seq, OPENID, v.getCertHash(), Duration.ofMillis(400)));
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertEquals(WxFaceException.Code.PENDING, e.getCode(), e.getMessage());
        assertEquals(10300, e.getVerifyRet());
        assertTrue(tookMs <= 400 + 100, "waited " + tookMs + " ms for a 400 ms timeout");
    }

    @Test
    void waitReturnsThePassAfterTheCheckingPhase() {
        String seq = WxFace.outSeqNoNew();
        VerifyIdResult v = client.v2GetVerifyId(seq, OPENID, "张三", "11010519491231002X");
        sandbox.post("/sandbox/v2/complete",
                new JSONObject().put("verify_id", v.getVerifyId()).put("checking_queries", 2));
        QueryResult r = client.v2Wait(v.getVerifyId(), seq, OPENID, v.getCertHash(), Duration.ofSeconds(20));
        assertEquals(10000, r.getVerifyRet());
    }

    @Test
    void freshOutSeqNosAreValidOrderedAndUniqueAcrossThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        Set<String> all = Collections.synchronizedSet(new HashSet<>());
        try {
            Future<?>[] jobs = new Future<?>[8];
            for (int t = 0; t < jobs.length; t++) {
                jobs[t] = pool.submit(() -> {
                    String prev = "";
                    for (int i = 0; i < 500; i++) {
                        String seq = WxFace.outSeqNoNew();
                        assertTrue(seq.matches("[0-9a-f]{32}") && seq.compareTo(prev) > 0, seq + " after " + prev);
                        all.add(seq);
                        prev = seq;
                    }
                });
            }
            for (Future<?> job : jobs) {
                job.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(8 * 500, all.size());
    }
}
