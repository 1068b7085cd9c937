package io.wxface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit trail (Builder.audit, auditFile) and WxFaceClient.stats(). */
class AuditTest {
    private static Sandbox sandbox;

    @BeforeAll
    static void start() throws IOException {
        sandbox = Sandbox.start();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static String passed(WxFaceClient c) {
        String key = c.v1GetUserIdKey(ClientTest.NAME, ClientTest.ID).getUserIdKey();
        return sandbox.post("/sandbox/v1/complete", new JSONObject().put("user_id_key", key))
                .getString("verify_result");
    }

    /** In WXFACE_AUDIT_DIR when set: make test scans every file there for PII. */
    private static Path auditPath(Path tmp, String name) throws IOException {
        String dir = System.getenv("WXFACE_AUDIT_DIR");
        Path folder = dir == null || dir.isEmpty() ? tmp : Paths.get(dir);
        Files.createDirectories(folder);
        Path path = folder.resolve("java-" + name + "-" + System.nanoTime() + ".jsonl");
        Files.deleteIfExists(path);
        return path;
    }

    @Test
    void aVerdictGivesOneRecordWithMaskedFieldsOnly() {
        List<AuditRecord> records = Collections.synchronizedList(new ArrayList<>());
        try (WxFaceClient c = sandbox.builder().audit(records::add).build()) {
            String vr = passed(c);
            records.clear();
            c.v1Verify(vr, ClientTest.NAME, ClientTest.ID);
            assertEquals(1, records.size());
            AuditRecord r = records.get(0);
            assertEquals("v1_verify", r.call());
            assertEquals("VERIFIED", r.outcome());
            assertEquals(WxFaceException.Code.OK, r.code());
            assertEquals(1, r.attempts());
            assertEquals("张* 110***********002X", r.subject());
            assertEquals(64, r.verifyResultHash().length());
            assertEquals(r.json(), r.toString());
            for (String v : new String[] {ClientTest.NAME, ClientTest.ID, vr, Sandbox.SECRET}) {
                assertFalse(r.json().contains(v), "a PII value in " + r.json());
            }
            assertThrows(WxFaceException.class, () -> c.v1Verify(vr, ClientTest.NAME, ClientTest.ID));
            assertEquals("REJECTED", records.get(1).outcome());
            assertEquals(WxFaceException.Code.REPLAYED, records.get(1).code());
        }
    }

    @Test
    void aThrowingAuditSinkNeverBreaksACall() {
        try (WxFaceClient c = sandbox.builder().audit(r -> {
            throw new IllegalStateException("the audit table is down");
        }).build()) {
            c.v1Verify(passed(c), ClientTest.NAME, ClientTest.ID);
        }
    }

    @Test
    void theAuditFileFollowsALogrotateRename(@TempDir Path tmp) throws IOException {
        Path path = auditPath(tmp, "rotate");
        List<AuditRecord> records = Collections.synchronizedList(new ArrayList<>());
        try (WxFaceClient c = sandbox.builder().auditFile(path).audit(records::add).build()) {
            c.v1Verify(passed(c), ClientTest.NAME, ClientTest.ID);
            List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
            assertEquals(2, lines.size());
            assertEquals(records.get(0).json(), lines.get(0));
            assertEquals(records.get(1).json(), lines.get(1));
            Path rotated = path.resolveSibling(path.getFileName() + ".1");
            Files.move(path, rotated);
            c.v1Verify(passed(c), ClientTest.NAME, ClientTest.ID);
            assertEquals(2, Files.readAllLines(rotated, StandardCharsets.UTF_8).size());
            List<String> now = Files.readAllLines(path, StandardCharsets.UTF_8);
            assertEquals(1, now.size());
            assertTrue(now.get(0).contains("\"outcome\":\"VERIFIED\""), now.get(0));
        }
    }

    @Test
    void statsCountCallsCodesRequestsAndLatency() {
        try (WxFaceClient c = sandbox.client()) {
            String vr = passed(c);
            c.v1Verify(vr, ClientTest.NAME, ClientTest.ID);
            assertThrows(WxFaceException.class, () -> c.v1Verify(vr, ClientTest.NAME, ClientTest.ID));
            ClientStats s = c.stats();
            assertEquals(Long.valueOf(1), s.calls().get("v1_verify").get("WXFACE_OK"));
            assertEquals(Long.valueOf(1), s.calls().get("v1_verify").get("WXFACE_ERR_REPLAYED"));
            assertEquals(1, s.replayRejections());
            assertEquals(1, s.tokenFetches());
            assertEquals(0, s.retries());
            assertEquals(Long.valueOf(2), s.requests().get("getinfo"));
            ClientStats.Latency l = s.latency().get("v1_verify");
            assertEquals(2, l.count);
            assertTrue(!l.p50.isZero() && l.p50.compareTo(l.p99) <= 0 && l.p99.compareTo(l.max) <= 0, l.toString());
            assertTrue(s.prometheus().contains(
                    "wxface_calls_total{call=\"v1_verify\",code=\"WXFACE_ERR_REPLAYED\"} 1\n"), s.prometheus());
        }
    }

    @Test
    void statsOfAClosedClientThrow() {
        WxFaceClient c = sandbox.client();
        c.close();
        assertThrows(IllegalStateException.class, c::stats);
    }
}
