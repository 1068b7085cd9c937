package io.wxface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shared scenario lists (tests/scenarios/*.json), one test per
 * scenario, played as tests/scenarios/README.md says (tests/scenarios.rs is
 * the reference runner).
 */
class ScenarioTest {
    private static Sandbox sandbox;
    private static WxFaceClient client;
    private static final List<AuditRecord> records = java.util.Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void start() throws IOException {
        sandbox = Sandbox.start();
        // Short pauses so the wait scenarios take milliseconds.
        client = sandbox.builder().set("wait_interval_ms", "20").audit(records::add).build();
    }

    /**
     * The records since the last check: one of {@code call} per call made,
     * with its code, and no PII value in any.
     */
    static void checkAudit(String title, String call, List<String> codes, List<String> pii) {
        List<String> got = new ArrayList<>();
        synchronized (records) {
            for (AuditRecord r : records) {
                for (String v : pii) {
                    if (v != null && !v.isEmpty()) {
                        assertFalse(r.json().toLowerCase().contains(v.toLowerCase()),
                                title + ": a PII value in " + r.json());
                    }
                }
                if (r.call().equals(call)) {
                    got.add(r.get("code_name"));
                }
            }
            records.clear();
        }
        assertEquals(codes, got, title + ": " + call + " records");
    }

    static List<String> peopleValues(JSONObject people) {
        List<String> out = new ArrayList<>();
        for (String p : new String[] {"expected", "other"}) {
            out.add(people.getJSONObject(p).getString("name"));
            out.add(people.getJSONObject(p).getString("id_card_number"));
        }
        return out;
    }

    @AfterAll
    static void stop() {
        client.close();
        sandbox.close();
    }

    static JSONObject load(String name) throws IOException {
        Path path = Paths.get(System.getProperty("wxface.repo", "../.."), "tests", "scenarios", name);
        return new JSONObject(new String(Files.readAllBytes(path), StandardCharsets.UTF_8));
    }

    static Stream<Arguments> scenarios(String file) throws IOException {
        JSONObject list = load(file);
        JSONArray all = list.getJSONArray("scenarios");
        List<Arguments> out = new ArrayList<>();
        for (int i = 0; i < all.length(); i++) {
            JSONObject s = all.getJSONObject(i);
            out.add(Arguments.of(s.getString("name"), i, s, list.getJSONObject("people")));
        }
        return out.stream();
    }

    static Stream<Arguments> v1() throws IOException {
        return scenarios("v1_verify.json");
    }

    static Stream<Arguments> v2() throws IOException {
        return scenarios("v2_query.json");
    }

    static Stream<Arguments> v2Start() throws IOException {
        return scenarios("v2_start.json");
    }

    static final String GET_INFO = "/cityservice/face/identify/getinfo";
    static final String GET_VERIFY_ID = "/cityservice/face/identify/getverifyid";
    static final String QUERY = "/cityservice/face/identify/queryverifyinfo";

    /**
     * wechat_answers: WeChat answers that errcode to the next call on path;
     * answer_edit: the next call on path gets the normal answer rewritten.
     */
    static void inject(JSONObject s, String path) {
        if (s.has("wechat_answers")) {
            sandbox.fault(new JSONObject().put("path", path).put("kind", "errcode")
                    .put("errcode", s.getInt("wechat_answers")));
        }
        if (s.has("answer_edit")) {
            JSONObject edit = new JSONObject(s.getJSONObject("answer_edit").toString());
            sandbox.fault(edit.put("path", path).put("kind", "edit"));
        }
    }

    /** The expectations of a scenario that is not WXFACE_OK. */
    static void checkFailure(JSONObject s, String title, Runnable call) {
        WxFaceException e = failure(call, title);
        assertEquals(s.getString("expect"), e.getCodeName(), title + ": " + e.getMessage());
        if (s.has("verify_ret")) {
            assertEquals(s.getInt("verify_ret"), e.getVerifyRet(), title);
        }
        if (s.has("wechat_errcode")) {
            assertEquals(s.getInt("wechat_errcode"), e.getWechatErrcode(), title);
        }
        if (s.has("message_contains")) {
            assertTrue(e.getDetail().contains(s.getString("message_contains")), title + ": " + e.getDetail());
        }
    }

    static void check(JSONObject s, String title, Runnable call, String path) {
        long sent = sandbox.requests(path);
        if (s.getString("expect").equals("WXFACE_OK")) {
            call.run(); // a WxFaceException here fails the test with its message
        } else {
            checkFailure(s, title, call);
        }
        if (s.has("sent") && !s.getBoolean("sent")) {
            assertEquals(sent, sandbox.requests(path), title + ": a request was sent");
        }
    }

    @ParameterizedTest(name = "v2 start {0}")
    @MethodSource("v2Start")
    void v2StartScenario(String title, int index, JSONObject s, JSONObject people) {
        String name = people.getJSONObject("expected").getString("name");
        String id = people.getJSONObject("expected").getString("id_card_number");
        String seq = s.has("out_seq_no") ? s.getString("out_seq_no") : WxFace.outSeqNoNew();
        String openid = s.optString("openid", "o_v2_expected_user_0000000001");
        inject(s, GET_VERIFY_ID);
        Runnable start = () -> client.v2GetVerifyId(seq, openid, name, id);
        check(s, title, start, GET_VERIFY_ID);
        if (s.has("then_again")) {
            WxFaceException again = failure(start, title + " (again)");
            assertEquals(s.getString("then_again"), again.getCodeName(), title + " (again)");
            if (s.has("then_again_wechat_errcode")) {
                assertEquals(s.getInt("then_again_wechat_errcode"), again.getWechatErrcode(), title);
            }
        }
        ScenarioListsTest.report("v2_start", title, "ok");
    }

    /** "$other.x" becomes the other person's x; cert_hash is computed by libwxface. */
    static Object subst(Object v, JSONObject people) {
        if (v instanceof String && ((String) v).startsWith("$other.")) {
            String field = ((String) v).substring("$other.".length());
            JSONObject other = people.getJSONObject("other");
            if (field.equals("cert_hash")) {
                return WxFace.certHash("IDENTITY_CARD", other.getString("name"),
                        WxFace.normalizeIdCard(other.getString("id_card_number")));
            }
            return other.get(field);
        }
        return v;
    }

    static String with(JSONObject s, String group, String field, String fallback, JSONObject people) {
        JSONObject w = s.optJSONObject(group);
        return w != null && w.has(field) ? (String) subst(w.get(field), people) : fallback;
    }

    static String codeName(Runnable call) {
        try {
            call.run();
            return "WXFACE_OK";
        } catch (WxFaceException e) {
            return e.getCodeName();
        }
    }

    static WxFaceException failure(Runnable call, String title) {
        try {
            call.run();
        } catch (WxFaceException e) {
            return e;
        }
        throw new AssertionError(title + ": expected a failure");
    }

    @ParameterizedTest(name = "v1 {0}")
    @MethodSource("v1")
    void v1VerifyScenario(String title, int index, JSONObject s, JSONObject people) {
        String name = people.getJSONObject("expected").getString("name");
        String id = people.getJSONObject("expected").getString("id_card_number");
        String key = client.v1GetUserIdKey(name, id, null).getUserIdKey();

        JSONObject body = new JSONObject().put("user_id_key", key);
        JSONObject complete = s.getJSONObject("complete");
        for (String k : complete.keySet()) {
            body.put(k, subst(complete.get(k), people));
        }
        JSONObject done = sandbox.post("/sandbox/v1/complete", body);
        String pad = s.optString("pad_verify_result", "");
        String verifyResult = pad + (s.has("forge_verify_result")
                ? s.getString("forge_verify_result")
                : done.getString("verify_result")) + pad;
        String vname = with(s, "verify_with", "name", name, people);
        String vid = with(s, "verify_with", "id_card_number", id, people);
        String vopenid = with(s, "verify_with", "openid", done.getString("openid"), people);

        Runnable verify = () -> client.v1Verify(verifyResult, vname, vid, key, vopenid);
        inject(s, GET_INFO);
        records.clear();
        String expect = s.getString("expect");
        if (expect.equals("WXFACE_OK")) {
            verify.run(); // a WxFaceException here fails the test with its message
        } else {
            WxFaceException e = failure(verify, title);
            assertEquals(expect, e.getCodeName(), title + ": " + e.getMessage());
            if (s.has("verify_ret")) {
                assertEquals(s.getInt("verify_ret"), e.getVerifyRet(), title);
            }
            if (s.has("wechat_errcode")) {
                assertEquals(s.getInt("wechat_errcode"), e.getWechatErrcode(), title);
            }
        }
        List<String> codes = new ArrayList<>();
        codes.add(expect);
        if (s.has("then_again")) {
            assertEquals(s.getString("then_again"), codeName(verify), title + " (again)");
            codes.add(s.getString("then_again"));
        }
        List<String> pii = peopleValues(people);
        pii.add(verifyResult.trim());
        pii.add(vopenid);
        pii.add(key);
        checkAudit(title, "v1_verify", codes, pii);
        ScenarioListsTest.report("v1_verify", title, "ok");
    }

    @ParameterizedTest(name = "v2 {0}")
    @MethodSource("v2")
    void v2QueryScenario(String title, int index, JSONObject s, JSONObject people) {
        String name = people.getJSONObject("expected").getString("name");
        String id = people.getJSONObject("expected").getString("id_card_number");
        String seq = WxFace.outSeqNoNew();
        String openid = "o_v2_expected_user_0000000001";
        VerifyIdResult started = client.v2GetVerifyId(seq, openid, name, id);

        JSONObject complete = s.optJSONObject("complete");
        if (complete != null) {
            JSONObject body = new JSONObject().put("verify_id", started.getVerifyId());
            for (String k : complete.keySet()) {
                body.put(k, complete.get(k));
            }
            sandbox.post("/sandbox/v2/complete", body);
        }
        if (s.has("age_s")) {
            sandbox.post("/sandbox/v2/age",
                    new JSONObject().put("verify_id", started.getVerifyId()).put("by_s", s.getInt("age_s")));
        }
        inject(s, QUERY);
        String verifyId = with(s, "query_with", "verify_id", started.getVerifyId(), people);
        String qseq = with(s, "query_with", "out_seq_no", seq, people);
        String qopenid = with(s, "query_with", "openid", openid, people);
        String hash = with(s, "query_with", "cert_hash", started.getCertHash(), people);

        Runnable query = s.has("wait_ms")
                ? () -> client.v2Wait(verifyId, qseq, qopenid, hash, Duration.ofMillis(s.getLong("wait_ms")))
                : () -> client.v2Query(verifyId, qseq, qopenid, hash);
        check(s, title, query, QUERY);
        List<String> pii = peopleValues(people);
        pii.add(started.getVerifyId());
        pii.add(openid);
        checkAudit(title, s.has("wait_ms") ? "v2_wait" : "v2_query",
                java.util.Collections.singletonList(s.getString("expect")), pii);
        ScenarioListsTest.report("v2_query", title, "ok");
    }
}
