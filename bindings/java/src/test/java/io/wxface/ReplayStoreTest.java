package io.wxface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The replay guard in the integrator's own store ({@link ReplayStore}). */
class ReplayStoreTest {
    static final String NAME = "张三";
    static final String ID = "11010519491231002X";

    private static Sandbox sandbox;

    @BeforeAll
    static void start() throws IOException {
        sandbox = Sandbox.start();
        // The failing-store test logs a deliberate warning.
        Logger.getLogger("io.wxface").setLevel(Level.SEVERE);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    /** A table with a primary key, in miniature: putIfAbsent is the atomic INSERT. */
    static final class Table implements ReplayStore {
        final Map<String, Long> rows = new ConcurrentHashMap<>();
        final List<Long> ttls = new ArrayList<>();

        @Override
        public synchronized boolean remember(String key, long ttlSeconds) {
            ttls.add(ttlSeconds);
            return rows.putIfAbsent(key, ttlSeconds) == null;
        }
    }

    static String freshResult() {
        return sandbox.control("POST", "/sandbox/v1/complete",
                new JSONObject().put("name", NAME).put("id_card_number", ID)).getString("verify_result");
    }

    @Test
    void twoClientsSharingAReplayStoreAcceptAResultOnce() {
        Table table = new Table();
        try (WxFaceClient a = sandbox.builder().replayStore(table).build();
                WxFaceClient b = sandbox.builder().replayStore(table).build()) {
            String vr = freshResult();
            assertEquals(0, a.v1Verify(vr, NAME, ID, null, null).getIdentifyRet());
            WxFaceException e = assertThrows(WxFaceException.class, () -> b.v1Verify(vr, NAME, ID, null, null));
            assertEquals(WxFaceException.Code.REPLAYED, e.getCode());
            String key = table.rows.keySet().iterator().next();
            assertTrue(key.startsWith("wxface:{" + Sandbox.APPID + "}:r:"), key);
            assertFalse(key.contains(vr));
            assertEquals(900L, (long) table.ttls.get(0));
        }
    }

    @Test
    void sixteenThreadsOfferingOneResultGetOnePass() throws InterruptedException {
        Table table = new Table();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger replayed = new AtomicInteger();
        try (WxFaceClient c = sandbox.builder().replayStore(table).build()) {
            String vr = freshResult();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                        c.v1Verify(vr, NAME, ID, null, null);
                        ok.incrementAndGet();
                    } catch (WxFaceException e) {
                        if (e.getCode() == WxFaceException.Code.REPLAYED) {
                            replayed.incrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                t.start();
                threads.add(t);
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
        }
        assertEquals(1, ok.get());
        assertEquals(15, replayed.get());
    }

    @Test
    void aFailingReplayStoreFailsClosedWithStateStore() {
        ReplayStore down = (key, ttl) -> {
            throw new IllegalStateException("database down");
        };
        try (WxFaceClient c = sandbox.builder().replayStore(down).build()) {
            WxFaceException e = assertThrows(WxFaceException.class, () -> c.v1Verify(freshResult(), NAME, ID, null, null));
            assertEquals(WxFaceException.Code.STATE_STORE, e.getCode());
        }
    }
}
