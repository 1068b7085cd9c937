package io.wxface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The call lists (bad_input.json, offline.json), config_errors.json and the
 * push vectors of tests/vectors/, one test per scenario, played as
 * tests/scenarios/README.md says. Each prints "scenario LIST/NAME: RESULT".
 */
class ScenarioListsTest {
    private static Sandbox sandbox;
    private static WxFaceClient client;
    private static JSONObject requestsBefore;

    @BeforeAll
    static void start() throws IOException {
        sandbox = Sandbox.start();
        client = sandbox.client();
        requestsBefore = sandbox.stats().getJSONObject("requests");
    }

    @AfterAll
    static void stop() {
        try {
            // Only the bad-input calls reach the sandbox's client here, and none may reach WeChat.
            assertTrue(requestsBefore.similar(sandbox.stats().getJSONObject("requests")), "bad input reached WeChat");
        } finally {
            client.close();
            sandbox.close();
        }
    }

    static Stream<Arguments> list(String file) throws IOException {
        JSONArray all = ScenarioTest.load(file).getJSONArray("scenarios");
        List<Arguments> out = new ArrayList<>();
        for (int i = 0; i < all.length(); i++) {
            JSONObject s = all.getJSONObject(i);
            out.add(Arguments.of(s.getString("name"), s));
        }
        return out.stream();
    }

    static Stream<Arguments> badInput() throws IOException {
        return list("bad_input.json");
    }

    static Stream<Arguments> offline() throws IOException {
        return list("offline.json");
    }

    static Stream<Arguments> configErrors() throws IOException {
        return list("config_errors.json");
    }

    static void report(String list, String name, String result) {
        System.out.println("scenario " + list + "/" + name + ": " + result);
    }

    /** A list value as Java passes it; Java strings cannot hold invalid UTF-8. */
    static String value(Object v, String scenario) {
        if (v == JSONObject.NULL) {
            return null;
        }
        if (v instanceof String) {
            return (String) v;
        }
        JSONObject form = (JSONObject) v;
        if (form.has("hex")) {
            report("bad_input", scenario, "skipped (a Java String cannot hold invalid UTF-8)");
            Assumptions.assumeTrue(false, "a Java String cannot hold invalid UTF-8");
        }
        if (form.has("repeat")) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < form.getInt("times"); i++) {
                b.append(form.getString("repeat"));
            }
            return b.toString();
        }
        if (form.has("with_nul")) {
            JSONArray parts = form.getJSONArray("with_nul");
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < parts.length(); i++) {
                b.append(i == 0 ? "" : "\0").append(parts.getString(i));
            }
            return b.toString();
        }
        throw new IllegalArgumentException("unknown value form " + v);
    }

    /** Plays one call; returns its text result (offline helpers) or null. */
    static String play(JSONObject s) {
        JSONObject args = s.getJSONObject("args");
        Map<String, String> a = new HashMap<>();
        for (String k : args.keySet()) {
            a.put(k, value(args.get(k), s.getString("name")));
        }
        switch (s.getString("call")) {
            case "id_card_normalize":
                return WxFace.normalizeIdCard(a.get("id_card_number"));
            case "md5_id_card_number":
                return WxFace.md5IdCardNumber(a.get("id_card_number"));
            case "md5_name":
                return WxFace.md5Name(a.get("name"));
            case "cert_hash":
                return WxFace.certHash(a.get("cert_type"), a.get("cert_name"), a.get("cert_no"));
            case "v1_get_user_id_key":
                client.v1GetUserIdKey(a.get("name"), a.get("id_card_number"), a.get("out_seq_no"));
                return null;
            case "v1_get_info":
                client.v1GetInfo(a.get("verify_result"));
                return null;
            case "v1_verify":
                client.v1Verify(a.get("verify_result"), a.get("name"), a.get("id_card_number"),
                        a.get("user_id_key"), a.get("openid"));
                return null;
            case "v2_get_verify_id":
                client.v2GetVerifyId(a.get("out_seq_no"), a.get("openid"), a.get("name"), a.get("id_card_number"));
                return null;
            case "v2_query":
                client.v2Query(a.get("verify_id"), a.get("out_seq_no"), a.get("openid"), a.get("cert_hash"));
                return null;
            default:
                throw new IllegalArgumentException("unknown call " + s.getString("call"));
        }
    }

    /** The outcome of a call: its code name (a NullPointerException is Java's INVALID_ARGUMENT), message, result. */
    static String[] outcome(java.util.function.Supplier<String> call) {
        try {
            return new String[] {"WXFACE_OK", "", call.get()};
        } catch (WxFaceException e) {
            return new String[] {e.getCodeName(), e.getMessage(), null};
        } catch (NullPointerException e) {
            return new String[] {"WXFACE_ERR_INVALID_ARGUMENT", String.valueOf(e.getMessage()), null};
        }
    }

    /** Java names parameters in camelCase: compare without case and underscores. */
    static boolean mentions(String message, String name) {
        String plain = name.replace("_", "").toLowerCase(Locale.ROOT);
        return message.replace("_", "").toLowerCase(Locale.ROOT).contains(plain);
    }

    static void check(String list, JSONObject s, String[] got) {
        String name = s.getString("name");
        assertEquals(s.getString("expect"), got[0], name + ": " + got[1]);
        if (s.has("message_contains")) {
            assertTrue(mentions(got[1], s.getString("message_contains")), name + ": message does not name "
                    + s.getString("message_contains") + ": " + got[1]);
        }
        if (s.has("message_lacks")) {
            assertFalse(got[1].contains(s.getString("message_lacks")), name + ": message repeats a secret or number");
        }
        if (s.has("result")) {
            assertEquals(s.getString("result"), got[2], name);
        }
        report(list, name, "ok");
    }

    @ParameterizedTest(name = "bad_input {0}")
    @MethodSource("badInput")
    void badInput(String name, JSONObject s) {
        check("bad_input", s, outcome(() -> play(s)));
    }

    @ParameterizedTest(name = "offline {0}")
    @MethodSource("offline")
    void offline(String name, JSONObject s) {
        check("offline", s, outcome(() -> play(s)));
    }

    @ParameterizedTest(name = "config_errors {0}")
    @MethodSource("configErrors")
    void configErrors(String name, JSONObject s, @TempDir Path dir) throws IOException {
        WxFaceClient.Builder b = s.optBoolean("credentials", true) ? sandbox.builder() : WxFaceClient.builder();
        if (s.has("file")) {
            Object content = s.get("file");
            byte[] bytes = content instanceof String
                    ? ((String) content).getBytes(StandardCharsets.UTF_8)
                    : hex(((JSONObject) content).getString("hex"));
            Path file = dir.resolve("wxface.conf");
            Files.write(file, bytes);
            b.file(file);
        } else if (s.optBoolean("missing_file")) {
            b.file(dir.resolve("missing.conf"));
        }
        JSONArray settings = s.optJSONArray("settings");
        check("config_errors", s, outcome(() -> {
            for (int i = 0; settings != null && i < settings.length(); i++) {
                b.set(settings.getJSONArray(i).getString(0), settings.getJSONArray(i).getString(1));
            }
            b.build().close();
            return null;
        }));
    }

    static byte[] hex(String text) {
        byte[] out = new byte[text.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(text.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    static Stream<Arguments> pushVectors() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (String file : new String[] {"push_vectors.tsv", "push_vectors_plain.tsv", "push_sealed.tsv"}) {
            Path path = Paths.get(System.getProperty("wxface.repo", "../.."), "tests", "vectors", file);
            Map<String, String> header = new HashMap<>();
            for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                if (line.startsWith("# ")) {
                    int eq = line.indexOf('=');
                    if (eq > 2 && line.substring(2, eq).indexOf(' ') < 0) {
                        header.put(line.substring(2, eq), line.substring(eq + 1));
                    }
                } else if (!line.isEmpty()) {
                    String[] v = line.split("\t", -1);
                    String list = file.substring(0, file.indexOf('.'));
                    out.add(Arguments.of(list + "/" + v[0], new HashMap<>(header), v));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pushVectors")
    void pushVector(String name, Map<String, String> header, String[] v) {
        WxFaceClient.Builder b = sandbox.builder().appid(header.get("appid")).pushToken(header.get("token"))
                .set("push_max_skew_s", "0");
        if (!header.get("aes_key").isEmpty()) {
            b.pushAesKey(header.get("aes_key"));
        }
        try (WxFaceClient c = b.build()) {
            PushEvent[] event = new PushEvent[1];
            String[] got = outcome(() -> {
                event[0] = c.pushOpen(v[2], Base64.getDecoder().decode(v[3]));
                return null;
            });
            assertEquals(v[1], got[0], name + ": " + got[1]);
            if (event[0] != null && !v[4].equals("-")) {
                assertEquals(v[4], event[0].getVerifyResult(), name);
            }
        }
        System.out.println("scenario " + name + ": ok");
    }
}
