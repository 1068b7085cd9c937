/*
 * libwxface through its C ABI, exactly as a HIS or bank integrator uses it:
 * the committed header, the built shared library, and the sandbox playing
 * WeChat on loopback. Usage: test_wxface REPO_ROOT
 *
 * The shared scenario lists (tests/scenarios/, every .json) run first, one test per
 * scenario named LIST/SCENARIO (a scenario C cannot say is printed as
 * "skip" with the reason); then null pointers, tokens, faults, callbacks,
 * offline helpers, push and the push vectors (tests/vectors/); last, the
 * PII check over every error message and log line the run produced.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "http.h"
#include "json.h"
#include "sandbox.h"
#include "text.h"
#include "test_audit.h"
#include "wxface.h"

#define GETUSERIDKEY "/cityservice/face/identify/getuseridkey"
#define GETINFO "/cityservice/face/identify/getinfo"
#define GETVERIFYID "/cityservice/face/identify/getverifyid"
#define QUERYVERIFYINFO "/cityservice/face/identify/queryverifyinfo"

/* ---- fixtures ------------------------------------------------------------ */

static const char *repo_root;
static json *v1_list, *v2_list, *v2_start_list, *bad_input_list, *offline_list, *config_list;
/* The people of the scenario lists (both lists name the same two). */
static const char *expected_name, *expected_id, *other_name, *other_id;

/* One sandbox and client for tests that count nothing; counting tests
   start their own sandbox so no other test disturbs the counters. */
static sandbox shared_sb;
static wxface_client *shared_client;

static void forbid_people(const json *list) {
    const json *people = json_get(list, "people");
    const char *roles[] = {"expected", "other"};
    size_t i;
    for (i = 0; i < 2; i++) {
        pii_forbid(json_str(json_get(json_get(people, roles[i]), "name")));
        pii_forbid(json_str(json_get(json_get(people, roles[i]), "id_card_number")));
    }
}

static json *load_list(const char *file) {
    strbuf path = {0};
    char *text;
    size_t len;
    json *list;
    sb_printf(&path, "%s/tests/scenarios/%s", repo_root, file);
    text = read_file(sb_str(&path), &len);
    if (text == NULL) {
        fprintf(stderr, "cannot read %s\n", sb_str(&path));
        exit(2);
    }
    list = json_parse(text, len);
    free(text);
    if (list == NULL || json_get(list, "scenarios") == NULL) {
        fprintf(stderr, "%s is not a scenario list\n", sb_str(&path));
        exit(2);
    }
    sb_free(&path);
    forbid_people(list);
    return list;
}

static int start(sandbox *sb) {
    int ok = sandbox_start(sb) == 0;
    CHECK_MSG(ok, "the sandbox did not start");
    return ok;
}

/* Stops a sandbox, keeping its live access token for the PII check. */
static void stop(sandbox *sb) {
    char *token = sandbox_live_token(sb);
    pii_forbid(token);
    free(token);
    sandbox_stop(sb);
}

/* A client for `sb` (log lines collected at trace level) with extra
   key/value pairs (NULL-terminated), or NULL after a recorded failure. */
static wxface_client *client_with(const sandbox *sb, const char *const *extra) {
    wxface_config *cfg = sandbox_config(sb, pii_log_callback);
    wxface_client *c = NULL;
    wxface_error err;
    CHECK(cfg != NULL);
    if (cfg == NULL) return NULL;
    for (; extra != NULL && extra[0] != NULL; extra += 2)
        CHECK_CODE(wxface_config_set(cfg, extra[0], extra[1], &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_client_new(cfg, &c, &err), &err, WXFACE_OK);
    wxface_config_free(cfg);
    return c;
}

static wxface_client *client_for(const sandbox *sb) { return client_with(sb, NULL); }

static char *dup_str(const char *s) {
    char *d;
    if (s == NULL) return NULL;
    d = malloc(strlen(s) + 1);
    if (d != NULL) strcpy(d, s);
    return d;
}

/* getuseridkey for (name, id); the user_id_key (malloc'd) or NULL. */
static char *user_id_key_for(wxface_client *c, const char *name, const char *id) {
    wxface_response *r = NULL;
    wxface_error err;
    char *key;
    CHECK_CODE(wxface_v1_get_user_id_key(c, name, id, NULL, &r, &err), &err, WXFACE_OK);
    key = dup_str(wxface_response_str(r, "user_id_key"));
    CHECK_MSG(key != NULL && key[0] != '\0', "getuseridkey gave no user_id_key");
    wxface_response_free(r);
    return key;
}

/* The phone completes a 1.0 verification: `members` (JSON members without
   braces, may be "") are merged into {"user_id_key": key}. Returns the
   verify_result (malloc'd, registered as secret) and the openid. */
static char *complete_v1(const sandbox *sb, const char *key, const char *members, char **openid) {
    strbuf body = {0};
    json *answer;
    char *verify_result;
    int status;
    sb_puts(&body, "{\"user_id_key\":");
    sb_json_string(&body, key);
    if (members[0] != '\0') sb_printf(&body, ",%s", members);
    sb_puts(&body, "}");
    answer = sandbox_call(sb, "POST", "/sandbox/v1/complete", sb_str(&body), &status);
    CHECK_MSG(status == 200, "POST /sandbox/v1/complete answered %d", status);
    verify_result = dup_str(json_str(json_get(answer, "verify_result")));
    CHECK_MSG(verify_result != NULL, "no verify_result from /sandbox/v1/complete");
    pii_forbid(verify_result);
    if (openid != NULL) *openid = dup_str(json_str(json_get(answer, "openid")));
    json_free(answer);
    sb_free(&body);
    return verify_result;
}

/* A fresh passed 1.0 verification of the expected person. */
static char *passed_verification(const sandbox *sb, wxface_client *c, char **key_out, char **openid) {
    char *key = user_id_key_for(c, expected_name, expected_id), *vr;
    if (key == NULL) return NULL;
    vr = complete_v1(sb, key, "", openid);
    if (key_out != NULL) *key_out = key;
    else free(key);
    return vr;
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- the shared scenario lists ----------------------------------------- */

/* `$other.name` and friends, as tests/scenarios/README.md defines them.
   Returns a malloc'd string. */
static char *subst(const char *v) {
    char hash[65];
    wxface_error err;
    if (v == NULL || strncmp(v, "$other.", 7) != 0) return dup_str(v);
    if (strcmp(v + 7, "name") == 0) return dup_str(other_name);
    if (strcmp(v + 7, "id_card_number") == 0) return dup_str(other_id);
    if (strcmp(v + 7, "cert_hash") == 0) {
        CHECK_CODE(wxface_cert_hash("IDENTITY_CARD", other_name, other_id, hash, &err), &err, WXFACE_OK);
        return dup_str(hash);
    }
    CHECK_MSG(0, "unknown substitution %s", v);
    return dup_str(v);
}

/* The members of `outcome` as JSON text without braces, substituted. */
static void write_members(strbuf *b, const json *outcome) {
    size_t i;
    for (i = 0; outcome != NULL && outcome->type == JSON_OBJECT && i < outcome->count; i++) {
        if (i) sb_puts(b, ",");
        sb_json_string(b, outcome->keys[i]);
        sb_puts(b, ":");
        if (outcome->items[i].type == JSON_STRING) {
            char *s = subst(outcome->items[i].text);
            sb_json_string(b, s);
            free(s);
        } else {
            json_write(b, &outcome->items[i]);
        }
    }
}

/* A field of `with` (verify_with / query_with), substituted, or `fallback`. */
static char *with_field(const json *scenario, const char *with, const char *field, const char *fallback) {
    const char *v = json_str(json_get(json_get(scenario, with), field));
    return v != NULL ? subst(v) : dup_str(fallback);
}

static void check_expectations(const json *s, int32_t rc, const wxface_error *err) {
    const char *expect = json_str(json_get(s, "expect"));
    long long n;
    CHECK_MSG(expect != NULL && strcmp(wxface_code_name(rc), expect) == 0, "got %s, expected %s: %s",
              wxface_code_name(rc), expect ? expect : "?", err->message);
    if (json_int(json_get(s, "verify_ret"), &n)) CHECK_INT(err->verify_ret, n);
    if (json_int(json_get(s, "wechat_errcode"), &n)) CHECK_INT(err->wechat_errcode, n);
    if (json_str(json_get(s, "message_contains")) != NULL) {
        const char *part = json_str(json_get(s, "message_contains"));
        CHECK_MSG(rc != WXFACE_OK && strstr(err->message, part) != NULL, "message lacks \"%s\": %s", part,
                  err->message);
    }
}

/* `wechat_answers`: WeChat answers that errcode to the next call on `path`.
 * `answer_edit`: the next call on `path` gets the normal answer rewritten
 * (the sandbox's `edit` fault with the scenario's `replace`/`prepend`). */
static void inject(const json *s, const char *path) {
    long long errcode;
    const json *edit = json_get(s, "answer_edit");
    strbuf body = {0};
    if (json_int(json_get(s, "wechat_answers"), &errcode)) {
        sb_printf(&body, "{\"path\":\"%s\",\"kind\":\"errcode\",\"errcode\":%lld}", path, errcode);
        CHECK_MSG(sandbox_post(&shared_sb, "/sandbox/faults", sb_str(&body)), "fault not queued");
    }
    if (edit != NULL && edit->type == JSON_OBJECT) {
        sb_free(&body);
        sb_printf(&body, "{\"path\":\"%s\",\"kind\":\"edit\",", path);
        write_members(&body, edit);
        sb_puts(&body, "}");
        CHECK_MSG(sandbox_post(&shared_sb, "/sandbox/faults", sb_str(&body)), "edit fault not queued");
    }
    sb_free(&body);
}

/* `sent: false`: the call made no request on `path`. */
static int is_local_only(const json *s) {
    const json *sent = json_get(s, "sent");
    return sent != NULL && sent->type == JSON_BOOL && !sent->boolean;
}

static void v1_scenario(const void *arg) {
    const json *s = arg;
    char *key, *openid = NULL, *vr, *name, *id, *want_openid;
    const char *forged = json_str(json_get(s, "forge_verify_result"));
    const char *pad = json_str(json_get(s, "pad_verify_result"));
    const char *again = json_str(json_get(s, "then_again"));
    strbuf members = {0};
    wxface_error err;
    int32_t rc;

    key = user_id_key_for(shared_client, expected_name, expected_id);
    if (key == NULL) return;
    write_members(&members, json_get(s, "complete"));
    vr = complete_v1(&shared_sb, key, sb_str(&members), &openid);
    if (vr != NULL && forged != NULL) {
        free(vr);
        vr = dup_str(forged);
    }
    if (vr != NULL && pad != NULL) {
        strbuf padded = {0};
        sb_printf(&padded, "%s%s%s", pad, vr, pad);
        free(vr);
        vr = dup_str(sb_str(&padded));
        sb_free(&padded);
    }
    name = with_field(s, "verify_with", "name", expected_name);
    id = with_field(s, "verify_with", "id_card_number", expected_id);
    want_openid = with_field(s, "verify_with", "openid", openid);
    if (vr != NULL && want_openid != NULL) {
        inject(s, GETINFO);
        rc = wxface_v1_verify(shared_client, vr, name, id, key, want_openid, NULL, &err);
        pii_note_message(err.message);
        check_expectations(s, rc, &err);
        if (again != NULL) {
            rc = wxface_v1_verify(shared_client, vr, name, id, key, want_openid, NULL, &err);
            pii_note_message(err.message);
            CHECK_MSG(strcmp(wxface_code_name(rc), again) == 0, "again: got %s, expected %s",
                      wxface_code_name(rc), again);
        }
    }
    free(key);
    free(openid);
    free(vr);
    free(name);
    free(id);
    free(want_openid);
    sb_free(&members);
}

static void v2_scenario(const void *arg) {
    const json *s = arg;
    const char *openid0 = "o_v2_expected_user_0000000001";
    char seq0[WXFACE_OUT_SEQ_NO_SIZE], *verify_id0, *cert_hash0, *verify_id, *seq, *openid, *cert_hash;
    const json *complete = json_get(s, "complete");
    wxface_response *r = NULL;
    wxface_error err;
    long long age_s, wait_ms, sent_before;
    int32_t rc;

    CHECK_CODE(wxface_out_seq_no_new(seq0, sizeof seq0, &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_v2_get_verify_id(shared_client, seq0, openid0, expected_name, expected_id, &r, &err), &err,
               WXFACE_OK);
    verify_id0 = dup_str(wxface_response_str(r, "verify_id"));
    cert_hash0 = dup_str(wxface_response_str(r, "cert_hash"));
    wxface_response_free(r);
    if (verify_id0 == NULL || cert_hash0 == NULL) {
        CHECK_MSG(0, "getverifyid gave no verify_id or cert_hash");
        free(verify_id0);
        free(cert_hash0);
        return;
    }
    if (complete != NULL && complete->type == JSON_OBJECT) {
        strbuf body = {0};
        sb_puts(&body, "{\"verify_id\":");
        sb_json_string(&body, verify_id0);
        if (complete->count > 0) sb_puts(&body, ",");
        write_members(&body, complete);
        sb_puts(&body, "}");
        CHECK_MSG(sandbox_post(&shared_sb, "/sandbox/v2/complete", sb_str(&body)), "v2 complete failed");
        sb_free(&body);
    }
    if (json_int(json_get(s, "age_s"), &age_s)) {
        strbuf body = {0};
        sb_puts(&body, "{\"verify_id\":");
        sb_json_string(&body, verify_id0);
        sb_printf(&body, ",\"by_s\":%lld}", age_s);
        CHECK_MSG(sandbox_post(&shared_sb, "/sandbox/v2/age", sb_str(&body)), "v2 age failed");
        sb_free(&body);
    }
    inject(s, QUERYVERIFYINFO);
    verify_id = with_field(s, "query_with", "verify_id", verify_id0);
    seq = with_field(s, "query_with", "out_seq_no", seq0);
    openid = with_field(s, "query_with", "openid", openid0);
    cert_hash = with_field(s, "query_with", "cert_hash", cert_hash0);
    sent_before = sandbox_requests(&shared_sb, QUERYVERIFYINFO);
    if (json_int(json_get(s, "wait_ms"), &wait_ms)) {
        rc = wxface_v2_wait(shared_client, verify_id, seq, openid, cert_hash, (uint32_t)wait_ms, NULL, NULL, &err);
    } else {
        rc = wxface_v2_query(shared_client, verify_id, seq, openid, cert_hash, NULL, &err);
    }
    pii_note_message(err.message);
    check_expectations(s, rc, &err);
    if (is_local_only(s)) CHECK_INT(sandbox_requests(&shared_sb, QUERYVERIFYINFO), sent_before);
    free(verify_id0);
    free(cert_hash0);
    free(verify_id);
    free(seq);
    free(openid);
    free(cert_hash);
}

static void v2_start_scenario(const void *arg) {
    const json *s = arg;
    const char *given_seq = json_str(json_get(s, "out_seq_no"));
    const char *openid = json_str(json_get(s, "openid"));
    const char *again = json_str(json_get(s, "then_again"));
    char seq[WXFACE_OUT_SEQ_NO_SIZE];
    wxface_response *r = NULL;
    wxface_error err;
    long long sent_before, n;
    int32_t rc;

    if (given_seq == NULL) CHECK_CODE(wxface_out_seq_no_new(seq, sizeof seq, &err), &err, WXFACE_OK);
    if (openid == NULL) openid = "o_v2_expected_user_0000000001";
    inject(s, GETVERIFYID);
    sent_before = sandbox_requests(&shared_sb, GETVERIFYID);
    rc = wxface_v2_get_verify_id(shared_client, given_seq ? given_seq : seq, openid, expected_name, expected_id, &r,
                                 &err);
    pii_note_message(err.message);
    check_expectations(s, rc, &err);
    wxface_response_free(r);
    r = NULL;
    if (is_local_only(s)) CHECK_INT(sandbox_requests(&shared_sb, GETVERIFYID), sent_before);
    if (again != NULL) {
        rc = wxface_v2_get_verify_id(shared_client, given_seq ? given_seq : seq, openid, expected_name, expected_id,
                                     &r, &err);
        pii_note_message(err.message);
        CHECK_MSG(strcmp(wxface_code_name(rc), again) == 0, "again: got %s, expected %s", wxface_code_name(rc),
                  again);
        if (json_int(json_get(s, "then_again_wechat_errcode"), &n)) CHECK_INT(err.wechat_errcode, n);
        wxface_response_free(r);
    }
}

static void run_scenarios(const char *prefix, const json *list, test_fn fn) {
    const json *scenarios = json_get(list, "scenarios");
    size_t i;
    for (i = 0; scenarios != NULL && i < scenarios->count; i++) {
        strbuf name = {0};
        const char *title = json_str(json_get(&scenarios->items[i], "name"));
        sb_printf(&name, "%s%s", prefix, title ? title : "(unnamed)");
        test_run(sb_str(&name), fn, &scenarios->items[i]);
        sb_free(&name);
    }
}

/* ---- the call lists: bad input and offline known answers ----------------- */

/* A value of a call list as C passes it (malloc'd; NULL for null), or
   sets *skip when C cannot say it (a NUL inside a string). */
static char *list_value(const json *v, const char **skip) {
    const json *form;
    strbuf b = {0};
    long long times, i;
    if (v == NULL || v->type == JSON_NULL) return NULL;
    if (v->type == JSON_STRING) return dup_str(v->text);
    if ((form = json_get(v, "hex")) != NULL) {
        const char *h = json_str(form);
        for (; h != NULL && h[0] != '\0' && h[1] != '\0'; h += 2) {
            char byte = (char)strtol((char[]){h[0], h[1], '\0'}, NULL, 16);
            sb_append(&b, &byte, 1);
        }
        if (b.data == NULL) sb_puts(&b, "");
        return b.data;
    }
    if ((form = json_get(v, "repeat")) != NULL && json_int(json_get(v, "times"), &times)) {
        for (i = 0; i < times; i++) sb_puts(&b, json_str(form));
        if (b.data == NULL) sb_puts(&b, "");
        return b.data;
    }
    if (json_get(v, "with_nul") != NULL) {
        *skip = "a C string cannot hold a NUL character";
        return NULL;
    }
    CHECK_MSG(0, "unknown value form");
    return NULL;
}

typedef struct {
    const json *scenario;
    wxface_client *client;
} list_call;

/* The parameters of each call, in C order. */
static const char *const call_params[][6] = {
    {"id_card_normalize", "id_card_number"},
    {"md5_id_card_number", "id_card_number"},
    {"md5_name", "name"},
    {"cert_hash", "cert_type", "cert_name", "cert_no"},
    {"v1_get_user_id_key", "name", "id_card_number", "out_seq_no"},
    {"v1_get_info", "verify_result"},
    {"v1_verify", "verify_result", "name", "id_card_number", "user_id_key", "openid"},
    {"v2_get_verify_id", "out_seq_no", "openid", "name", "id_card_number"},
    {"v2_query", "verify_id", "out_seq_no", "openid", "cert_hash"},
};

static int32_t make_call(wxface_client *c, const char *call, char *const *a, char *out, wxface_error *err) {
    wxface_response *r = NULL;
    int32_t rc;
    if (strcmp(call, "id_card_normalize") == 0) return wxface_id_card_normalize(a[0], out, err);
    if (strcmp(call, "md5_id_card_number") == 0) return wxface_md5_id_card_number(a[0], out, err);
    if (strcmp(call, "md5_name") == 0) return wxface_md5_name(a[0], out, err);
    if (strcmp(call, "cert_hash") == 0) return wxface_cert_hash(a[0], a[1], a[2], out, err);
    if (strcmp(call, "v1_get_user_id_key") == 0)
        rc = wxface_v1_get_user_id_key(c, a[0], a[1], a[2], &r, err);
    else if (strcmp(call, "v1_get_info") == 0)
        rc = wxface_v1_get_info(c, a[0], &r, err);
    else if (strcmp(call, "v1_verify") == 0)
        rc = wxface_v1_verify(c, a[0], a[1], a[2], a[3], a[4], &r, err);
    else if (strcmp(call, "v2_get_verify_id") == 0)
        rc = wxface_v2_get_verify_id(c, a[0], a[1], a[2], a[3], &r, err);
    else if (strcmp(call, "v2_query") == 0)
        rc = wxface_v2_query(c, a[0], a[1], a[2], a[3], &r, err);
    else {
        CHECK_MSG(0, "unknown call %s", call);
        return -1;
    }
    if (rc != WXFACE_OK) CHECK(r == NULL);
    wxface_response_free(r);
    return rc;
}

/* Checks `names` and `lacks` of a scenario against an error message. */
static void check_message(const json *s, const char *message) {
    const char *names = json_str(json_get(s, "names")), *lacks = json_str(json_get(s, "lacks"));
    if (names != NULL) CHECK_MSG(strstr(message, names) != NULL, "message does not name %s: %s", names, message);
    if (lacks != NULL) CHECK_MSG(strstr(message, lacks) == NULL, "message repeats what it must not: %s", message);
}

static void call_scenario(const void *arg) {
    const list_call *lc = arg;
    const json *s = lc->scenario, *args = json_get(s, "args");
    const char *call = json_str(json_get(s, "call")), *expect = json_str(json_get(s, "expect"));
    const char *result = json_str(json_get(s, "result"));
    char *a[5] = {0}, out[65] = "";
    size_t i, k;
    wxface_error err;
    int32_t rc;
    const char *skip = NULL;
    for (i = 0; i < sizeof call_params / sizeof call_params[0]; i++) {
        if (call == NULL || strcmp(call_params[i][0], call) != 0) continue;
        for (k = 0; k < 5 && call_params[i][k + 1] != NULL; k++)
            a[k] = list_value(json_get(args, call_params[i][k + 1]), &skip);
    }
    rc = make_call(lc->client, call, a, out, &err);
    pii_note_message(err.message);
    CHECK_MSG(expect != NULL && strcmp(wxface_code_name(rc), expect) == 0, "got %s, expected %s: %s",
              wxface_code_name(rc), expect ? expect : "?", err.message);
    if (rc != WXFACE_OK) check_message(s, err.message);
    if (result != NULL) CHECK_STR(out, result);
    for (k = 0; k < 5; k++) free(a[k]);
}

/* Whether C can say every argument of `s`; the reason when it cannot. */
static const char *call_skip_reason(const json *s) {
    const json *args = json_get(s, "args");
    const char *skip = NULL;
    size_t i;
    for (i = 0; args != NULL && i < args->count; i++) free(list_value(&args->items[i], &skip));
    return skip;
}

static void check_same_requests(const void *arg) {
    const char *const *texts = arg;
    CHECK_MSG(strcmp(texts[0], texts[1]) == 0, "requests before %s, after %s", texts[0], texts[1]);
}

static void requests_text(const sandbox *sb, strbuf *out) {
    int status;
    json *stats = sandbox_call(sb, "GET", "/sandbox/stats", NULL, &status);
    json_write(out, json_get(stats, "requests"));
    json_free(stats);
}

/* Runs a call list on its own sandbox and client; with `no_requests`, the
   sandbox's request counters must not move (bad input never reaches WeChat). */
static void run_call_list(const char *list_name, const json *list, int no_requests) {
    const json *scenarios = json_get(list, "scenarios");
    sandbox sb;
    list_call lc;
    strbuf before = {0}, after = {0}, title = {0};
    size_t i;
    if (!start(&sb)) return;
    lc.client = client_for(&sb);
    requests_text(&sb, &before);
    for (i = 0; scenarios != NULL && i < scenarios->count; i++) {
        const char *name = json_str(json_get(&scenarios->items[i], "name"));
        const char *skip = call_skip_reason(&scenarios->items[i]);
        const char *lacks = json_str(json_get(&scenarios->items[i], "lacks"));
        sb_printf(&title, "%s/%s", list_name, name ? name : "(unnamed)");
        if (skip != NULL) {
            printf("skip %s (%s)\n", sb_str(&title), skip);
        } else {
            if (lacks != NULL) pii_forbid(lacks);
            lc.scenario = &scenarios->items[i];
            test_run(sb_str(&title), call_scenario, &lc);
        }
        sb_free(&title);
    }
    requests_text(&sb, &after);
    if (no_requests) {
        sb_printf(&title, "%s/no_request_reached_wechat", list_name);
        test_run(sb_str(&title), check_same_requests, (const char *const[]){sb_str(&before), sb_str(&after)});
        sb_free(&title);
    }
    sb_free(&before);
    sb_free(&after);
    wxface_client_free(lc.client);
    stop(&sb);
}

/* ---- config_errors.json ------------------------------------------------- */

static void config_scenario(const void *arg) {
    const json *s = arg, *file = json_get(s, "file"), *settings = json_get(s, "settings");
    const json *credentials = json_get(s, "credentials");
    const char *expect = json_str(json_get(s, "expect")), *lacks = json_str(json_get(s, "lacks"));
    wxface_config *cfg = credentials != NULL && credentials->type == JSON_BOOL && !credentials->boolean
                             ? wxface_config_new()
                             : sandbox_config(&shared_sb, NULL);
    wxface_client *c = NULL;
    wxface_error err;
    int32_t rc = WXFACE_OK;
    size_t i;
    /* Fixed paths: messages name them, and random temporary names could
       look like ID numbers to the PII scan. */
    strbuf path = {0};
    CHECK(cfg != NULL);
    if (cfg == NULL) return;
    if (lacks != NULL) pii_forbid(lacks);
    if (file != NULL) {
        const char *skip = NULL;
        char *content = list_value(file, &skip);
        FILE *f;
        sb_printf(&path, "%s/target/c-tests/config_scenario.conf", repo_root);
        f = fopen(sb_str(&path), "wb");
        CHECK_MSG(f != NULL && content != NULL, "cannot write %s", sb_str(&path));
        if (f != NULL && content != NULL) fputs(content, f);
        if (f != NULL) fclose(f);
        free(content);
    } else if (json_get(s, "missing_file") != NULL) {
        sb_printf(&path, "%s/target/c-tests/no-such-dir/missing.conf", repo_root);
    }
    if (path.data != NULL) rc = wxface_config_load_file(cfg, sb_str(&path), &err);
    for (i = 0; rc == WXFACE_OK && settings != NULL && i < settings->count; i++)
        rc = wxface_config_set(cfg, json_str(&settings->items[i].items[0]), json_str(&settings->items[i].items[1]),
                               &err);
    if (rc == WXFACE_OK) rc = wxface_client_new(cfg, &c, &err);
    if (rc != WXFACE_OK) pii_note_message(err.message);
    CHECK_MSG(expect != NULL && strcmp(wxface_code_name(rc), expect) == 0, "got %s, expected %s: %s",
              wxface_code_name(rc), expect ? expect : "?", rc == WXFACE_OK ? "" : err.message);
    if (rc != WXFACE_OK) check_message(s, err.message);
    wxface_client_free(c);
    wxface_config_free(cfg);
    sb_free(&path);
}

/* ---- the 1.0 flow beyond the list --------------------------------------- */

static void test_verify_accepts_null_user_id_key_openid_and_out(const void *arg) {
    char *vr = passed_verification(&shared_sb, shared_client, NULL, NULL);
    wxface_error err;
    (void)arg;
    if (vr == NULL) return;
    CHECK_CODE(wxface_v1_verify(shared_client, vr, expected_name, expected_id, NULL, NULL, NULL, &err), &err,
               WXFACE_OK);
    free(vr);
}

static void test_verify_returns_getinfo_fields_on_success(const void *arg) {
    char *key = NULL, *openid = NULL, *vr = passed_verification(&shared_sb, shared_client, &key, &openid);
    wxface_response *r = NULL;
    wxface_error err;
    int64_t ret = -1;
    (void)arg;
    if (vr == NULL) return;
    CHECK_CODE(wxface_v1_verify(shared_client, vr, expected_name, expected_id, key, openid, &r, &err), &err,
               WXFACE_OK);
    CHECK_STR(wxface_response_str(r, "openid"), openid);
    CHECK_STR(wxface_response_str(r, "user_id_key"), key);
    CHECK_CODE(wxface_response_int(r, "identify_ret", &ret, &err), &err, WXFACE_OK);
    CHECK_INT(ret, 0);
    CHECK_STR(wxface_response_str(r, "identify_ret"), "0");
    CHECK(wxface_response_count(r) >= 5);
    CHECK(wxface_response_field_name(r, 0) != NULL);
    CHECK(wxface_response_field_name(r, wxface_response_count(r)) == NULL);
    CHECK(wxface_response_str(r, "no_such_field") == NULL);
    CHECK_CODE(wxface_response_int(r, "no_such_field", &ret, &err), &err, WXFACE_ERR_NOT_FOUND);
    wxface_response_free(r);
    free(vr);
    free(key);
    free(openid);
}

static void test_get_info_reports_without_judging(const void *arg) {
    char *key = user_id_key_for(shared_client, expected_name, expected_id), *vr;
    wxface_response *r = NULL;
    wxface_error err;
    int64_t ret = 0;
    (void)arg;
    if (key == NULL) return;
    vr = complete_v1(&shared_sb, key, "\"identify_ret\":10004", NULL);
    if (vr != NULL) {
        CHECK_CODE(wxface_v1_get_info(shared_client, vr, &r, &err), &err, WXFACE_OK);
        CHECK_CODE(wxface_response_int(r, "identify_ret", &ret, &err), &err, WXFACE_OK);
        CHECK_INT(ret, 10004);
        wxface_response_free(r);
    }
    free(vr);
    free(key);
}

/* ---- bad input ------------------------------------------------------------ */

/* A failure with `code` whose message names `what`. */
#define CHECK_NAMED(rc, err, code, what)                                                          \
    do {                                                                                          \
        CHECK_CODE((rc), (err), code);                                                            \
        CHECK_MSG(strstr((err)->message, (what)) != NULL, "message does not name %s: %s", (what), \
                  (err)->message);                                                                \
    } while (0)
#define CHECK_NULL_ARG(rc, err, what) CHECK_NAMED(rc, err, WXFACE_ERR_INVALID_ARGUMENT, what)

static void test_v1_image_is_a_jpeg_read_with_response_bytes(const void *arg) {
    char *vr = passed_verification(&shared_sb, shared_client, NULL, NULL);
    wxface_response *r = NULL;
    wxface_error err;
    const uint8_t *data = NULL;
    size_t len = 0;
    (void)arg;
    if (vr == NULL) return;
    CHECK_CODE(wxface_v1_get_image(shared_client, vr, &r, &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_response_bytes(r, "image", &data, &len, &err), &err, WXFACE_OK);
    CHECK(len > 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF);
    CHECK(wxface_response_str(r, "image") == NULL); /* binary is not text */
    CHECK_STR(wxface_response_str(r, "content_type"), "image/jpeg");
    CHECK_CODE(wxface_response_bytes(r, "content_type", &data, &len, &err), &err, WXFACE_OK);
    CHECK_INT((int64_t)len, 10);
    CHECK_CODE(wxface_response_bytes(r, "nothing", &data, &len, &err), &err, WXFACE_ERR_NOT_FOUND);
    CHECK_NULL_ARG(wxface_response_bytes(r, "image", NULL, &len, &err), &err, "data");
    CHECK_NULL_ARG(wxface_response_bytes(r, "image", &data, NULL, &err), &err, "len");
    wxface_response_free(r);
    r = NULL;
    CHECK_CODE(wxface_v1_get_image(shared_client, "forged-by-the-front-end-0000", &r, &err), &err,
               WXFACE_ERR_VERIFY_RESULT_INVALID);
    CHECK_INT(err.wechat_errcode, 84001);
    CHECK(r == NULL);
    CHECK_NULL_ARG(wxface_v1_get_image(shared_client, NULL, &r, &err), &err, "verify_result");
    free(vr);
}

static void test_config_functions_reject_null_pointers(const void *arg) {
    wxface_config *cfg = wxface_config_new();
    wxface_client *c = NULL;
    wxface_error err;
    (void)arg;
    CHECK_NULL_ARG(wxface_config_set(NULL, "appid", "x", &err), &err, "cfg");
    CHECK_NULL_ARG(wxface_config_set(cfg, NULL, "x", &err), &err, "key");
    CHECK_NULL_ARG(wxface_config_set(cfg, "appid", NULL, &err), &err, "value");
    CHECK_NULL_ARG(wxface_config_load_file(NULL, "/nonexistent", &err), &err, "cfg");
    CHECK_NULL_ARG(wxface_config_load_file(cfg, NULL, &err), &err, "path");
    CHECK_NULL_ARG(wxface_config_set_token_callback(NULL, NULL, NULL, &err), &err, "cfg");
    CHECK_NULL_ARG(wxface_config_set_log_callback(NULL, NULL, NULL, &err), &err, "cfg");
    /* NULL callbacks are allowed: they remove the callback. */
    CHECK_CODE(wxface_config_set_token_callback(cfg, NULL, NULL, &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_config_set_log_callback(cfg, NULL, NULL, &err), &err, WXFACE_OK);
    CHECK_NULL_ARG(wxface_client_new(NULL, &c, &err), &err, "cfg");
    CHECK(c == NULL);
    CHECK_NULL_ARG(wxface_client_new(cfg, NULL, &err), &err, "out");
    /* err itself may be NULL: the code still comes back. */
    CHECK_INT(wxface_config_set(NULL, "appid", "x", NULL), WXFACE_ERR_INVALID_ARGUMENT);
    CHECK_INT(wxface_client_new(NULL, NULL, NULL), WXFACE_ERR_INVALID_ARGUMENT);
    wxface_config_free(cfg);
    wxface_config_free(NULL);
    wxface_client_free(NULL);
    wxface_response_free(NULL);
}

static void test_client_functions_reject_null_pointers(const void *arg) {
    wxface_client *c = shared_client, *sentinel = (wxface_client *)&arg, *out = sentinel;
    wxface_response *rsentinel = (wxface_response *)&arg, *r = rsentinel;
    const char *n = expected_name, *id = expected_id;
    wxface_error err;
    (void)arg;
    CHECK_NULL_ARG(wxface_client_with_timeout(NULL, 100, &out, &err), &err, "client");
    CHECK_NULL_ARG(wxface_client_with_timeout(c, 100, NULL, &err), &err, "out");
    CHECK_NULL_ARG(wxface_client_with_timeout(c, 0, &out, &err), &err, "timeout_ms");
    CHECK(out == sentinel);

    CHECK_NULL_ARG(wxface_v1_get_user_id_key(NULL, n, id, NULL, &r, &err), &err, "client");
    CHECK_NULL_ARG(wxface_v1_get_user_id_key(c, NULL, id, NULL, &r, &err), &err, "name");
    CHECK_NULL_ARG(wxface_v1_get_user_id_key(c, n, NULL, NULL, &r, &err), &err, "id_card_number");
    CHECK_NULL_ARG(wxface_v1_get_user_id_key(c, n, id, NULL, NULL, &err), &err, "out");
    CHECK_NULL_ARG(wxface_v1_get_info(NULL, "vr", &r, &err), &err, "client");
    CHECK_NULL_ARG(wxface_v1_get_info(c, NULL, &r, &err), &err, "verify_result");
    CHECK_NULL_ARG(wxface_v1_get_info(c, "vr", NULL, &err), &err, "out");
    CHECK_NULL_ARG(wxface_v1_verify(NULL, "vr", n, id, NULL, NULL, &r, &err), &err, "client");
    CHECK_NULL_ARG(wxface_v1_verify(c, NULL, n, id, NULL, NULL, &r, &err), &err, "verify_result");
    CHECK_NULL_ARG(wxface_v1_verify(c, "vr", NULL, id, NULL, NULL, &r, &err), &err, "name");
    CHECK_NULL_ARG(wxface_v1_verify(c, "vr", n, NULL, NULL, NULL, &r, &err), &err, "id_card_number");

    CHECK_NULL_ARG(wxface_v2_get_verify_id(NULL, "s", "o", n, id, &r, &err), &err, "client");
    CHECK_NULL_ARG(wxface_v2_get_verify_id(c, NULL, "o", n, id, &r, &err), &err, "out_seq_no");
    CHECK_NULL_ARG(wxface_v2_get_verify_id(c, "s", NULL, n, id, &r, &err), &err, "openid");
    CHECK_NULL_ARG(wxface_v2_get_verify_id(c, "s", "o", NULL, id, &r, &err), &err, "name");
    CHECK_NULL_ARG(wxface_v2_get_verify_id(c, "s", "o", n, NULL, &r, &err), &err, "id_card_number");
    CHECK_NULL_ARG(wxface_v2_get_verify_id(c, "s", "o", n, id, NULL, &err), &err, "out");
    CHECK_NULL_ARG(wxface_v2_query(NULL, "v", "s", "o", "h", &r, &err), &err, "client");
    CHECK_NULL_ARG(wxface_v2_query(c, NULL, "s", "o", "h", &r, &err), &err, "verify_id");
    CHECK_NULL_ARG(wxface_v2_query(c, "v", NULL, "o", "h", &r, &err), &err, "out_seq_no");
    CHECK_NULL_ARG(wxface_v2_query(c, "v", "s", NULL, "h", &r, &err), &err, "openid");
    CHECK_NULL_ARG(wxface_v2_query(c, "v", "s", "o", NULL, &r, &err), &err, "cert_hash");
    CHECK(r == rsentinel);
    CHECK_INT(wxface_v1_verify(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), WXFACE_ERR_INVALID_ARGUMENT);
    CHECK_INT(wxface_v2_query(NULL, NULL, NULL, NULL, NULL, NULL, NULL), WXFACE_ERR_INVALID_ARGUMENT);
}

static void test_push_functions_reject_null_pointers(const void *arg) {
    wxface_client *c = shared_client;
    wxface_response *r = NULL;
    wxface_error err;
    (void)arg;
    CHECK_NULL_ARG(wxface_push_check_url(NULL, "a=b", &err), &err, "client");
    CHECK_NULL_ARG(wxface_push_check_url(c, NULL, &err), &err, "query");
    CHECK_NULL_ARG(wxface_push_url_echo(NULL, "a=b", &r, &err), &err, "client");
    CHECK_NULL_ARG(wxface_push_url_echo(c, NULL, &r, &err), &err, "query");
    CHECK_NULL_ARG(wxface_push_url_echo(c, "a=b", NULL, &err), &err, "out");
    CHECK_NULL_ARG(wxface_push_open(NULL, "a=b", "{}", 2, &r, &err), &err, "client");
    CHECK_NULL_ARG(wxface_push_open(c, NULL, "{}", 2, &r, &err), &err, "query");
    CHECK_NULL_ARG(wxface_push_open(c, "a=b", NULL, 2, &r, &err), &err, "body");
    CHECK_NULL_ARG(wxface_push_open(c, "a=b", "{}", 2, NULL, &err), &err, "event");
    CHECK_NULL_ARG(wxface_push_seal(NULL, "json", "safe", "{}", 2, 1, "n", &r, &err), &err, "client");
    CHECK_NULL_ARG(wxface_push_seal(c, NULL, "safe", "{}", 2, 1, "n", &r, &err), &err, "format");
    CHECK_NULL_ARG(wxface_push_seal(c, "json", NULL, "{}", 2, 1, "n", &r, &err), &err, "mode");
    CHECK_NULL_ARG(wxface_push_seal(c, "json", "safe", NULL, 2, 1, "n", &r, &err), &err, "message");
    CHECK_NULL_ARG(wxface_push_seal(c, "json", "safe", "{}", 2, 1, NULL, &r, &err), &err, "nonce");
    CHECK_NULL_ARG(wxface_push_seal(c, "json", "safe", "{}", 2, 1, "n", NULL, &err), &err, "out");
    CHECK(r == NULL);
}

static void test_offline_helpers_reject_null_pointers(const void *arg) {
    char out[65];
    wxface_error err;
    (void)arg;
    CHECK_NULL_ARG(wxface_id_card_normalize(NULL, out, &err), &err, "id_card_number");
    CHECK_NULL_ARG(wxface_id_card_normalize(expected_id, NULL, &err), &err, "out");
    CHECK_NULL_ARG(wxface_md5_id_card_number(NULL, out, &err), &err, "id_card_number");
    CHECK_NULL_ARG(wxface_md5_id_card_number(expected_id, NULL, &err), &err, "out");
    CHECK_NULL_ARG(wxface_md5_name(NULL, out, &err), &err, "name");
    CHECK_NULL_ARG(wxface_md5_name(expected_name, NULL, &err), &err, "out");
    CHECK_NULL_ARG(wxface_cert_hash(NULL, expected_name, expected_id, out, &err), &err, "cert_type");
    CHECK_NULL_ARG(wxface_cert_hash("IDENTITY_CARD", NULL, expected_id, out, &err), &err, "cert_name");
    CHECK_NULL_ARG(wxface_cert_hash("IDENTITY_CARD", expected_name, NULL, out, &err), &err, "cert_no");
    CHECK_NULL_ARG(wxface_cert_hash("IDENTITY_CARD", expected_name, expected_id, NULL, &err), &err, "out");
    CHECK_INT(wxface_md5_name(NULL, NULL, NULL), WXFACE_ERR_INVALID_ARGUMENT);
}

static void test_response_texts_pairs_every_text_field_and_leaves_out_the_photo(const void *arg) {
    char *vr = passed_verification(&shared_sb, shared_client, NULL, NULL);
    wxface_response *r = NULL;
    wxface_error err;
    const char *block = NULL, *p, *end;
    size_t len = 0, pairs = 0, i, count;
    (void)arg;
    if (vr == NULL) return;
    CHECK_CODE(wxface_v1_get_image(shared_client, vr, &r, &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_response_texts(r, &block, &len, &err), &err, WXFACE_OK);
    CHECK(len > 0 && block[len - 1] == '\0');
    /* Each pair is what wxface_response_str gives, in field order, and the
       photo (no C-string form) is the one field left out. */
    count = wxface_response_count(r);
    for (p = block, end = block + len, i = 0; p < end && i < count; i++) {
        const char *name = wxface_response_field_name(r, i);
        const char *text = wxface_response_str(r, name);
        if (text == NULL) {
            CHECK_STR(name, "image");
            continue;
        }
        CHECK_STR(p, name);
        p += strlen(p) + 1;
        CHECK_STR(p, text);
        p += strlen(p) + 1;
        pairs++;
    }
    CHECK(p == end);
    CHECK_INT((int64_t)pairs, (int64_t)count - 1);
    CHECK_NULL_ARG(wxface_response_texts(NULL, &block, &len, &err), &err, "r");
    CHECK_NULL_ARG(wxface_response_texts(r, NULL, &len, &err), &err, "data");
    CHECK_NULL_ARG(wxface_response_texts(r, &block, NULL, &err), &err, "len");
    wxface_response_free(r);
    free(vr);
}

static void test_response_accessors_tolerate_null(const void *arg) {
    int64_t v = 7;
    wxface_error err;
    wxface_response *r = NULL;
    (void)arg;
    CHECK(wxface_response_str(NULL, "x") == NULL);
    CHECK(wxface_response_field_name(NULL, 0) == NULL);
    CHECK_INT(wxface_response_count(NULL), 0);
    CHECK_NULL_ARG(wxface_response_int(NULL, "x", &v, &err), &err, "r");
    CHECK_INT(v, 7);
    /* A real response for the field and out checks. */
    CHECK_CODE(wxface_v2_get_verify_id(shared_client, "seq-null-acc", "o_null_accessors_000001", expected_name,
                                       expected_id, &r, &err),
               &err, WXFACE_OK);
    CHECK(wxface_response_str(r, NULL) == NULL);
    CHECK_NULL_ARG(wxface_response_int(r, NULL, &v, &err), &err, "field");
    CHECK_NULL_ARG(wxface_response_int(r, "expires_in", NULL, &err), &err, "out");
    CHECK_CODE(wxface_response_int(r, "expires_in", &v, &err), &err, WXFACE_OK);
    CHECK(v > 0);
    wxface_response_free(r);
}

static void test_verify_accepts_lower_case_x(const void *arg) {
    char *key = NULL, *openid = NULL, *vr = passed_verification(&shared_sb, shared_client, &key, &openid);
    wxface_error err;
    (void)arg;
    if (vr != NULL)
        CHECK_CODE(wxface_v1_verify(shared_client, vr, expected_name, "11010519491231002x", key, openid, NULL, &err),
                   &err, WXFACE_OK);
    free(vr);
    free(key);
    free(openid);
}

static void test_gbk_name_verifies_with_input_encoding_gbk(const void *arg) {
    const char *gbk_name = "\xD5\xC5\xC8\xFD"; /* 张三 in GBK */
    const char *const extra[] = {"input_encoding", "gbk", NULL};
    wxface_client *c = client_with(&shared_sb, extra);
    wxface_response *r = NULL;
    wxface_error err;
    char *key = NULL, *openid = NULL, *vr = NULL;
    (void)arg;
    if (c == NULL) return;
    CHECK_CODE(wxface_v1_get_user_id_key(c, gbk_name, expected_id, NULL, &r, &err), &err, WXFACE_OK);
    key = dup_str(wxface_response_str(r, "user_id_key"));
    wxface_response_free(r);
    if (key != NULL) vr = complete_v1(&shared_sb, key, "", &openid);
    if (vr != NULL) CHECK_CODE(wxface_v1_verify(c, vr, gbk_name, expected_id, key, openid, NULL, &err), &err, WXFACE_OK);
    /* A lead byte without its trail byte is not GBK. */
    CHECK_NAMED(wxface_v1_verify(c, "vr", "\xD5", expected_id, NULL, NULL, NULL, &err), &err,
                WXFACE_ERR_INVALID_ENCODING, "name");
    free(vr);
    free(key);
    free(openid);
    wxface_client_free(c);
}

/* text_encoding=gbk: a GBK program reads GBK back. The verdict on 李四 for
 * a verification of 张三 names the expected person masked, 李* in GBK. */
static void test_gbk_caller_reads_the_message_in_gbk_with_text_encoding_gbk(const void *arg) {
    const char *zhang_san = "\xD5\xC5\xC8\xFD", *li_si = "\xC0\xEE\xCB\xC4";
    const char *const extra[] = {"text_encoding", "gbk", NULL};
    wxface_client *c = client_with(&shared_sb, extra);
    wxface_response *r = NULL;
    wxface_error err;
    char *key = NULL, *openid = NULL, *vr = NULL;
    (void)arg;
    if (c == NULL) return;
    CHECK_CODE(wxface_v1_get_user_id_key(c, zhang_san, expected_id, NULL, &r, &err), &err, WXFACE_OK);
    key = dup_str(wxface_response_str(r, "user_id_key"));
    wxface_response_free(r);
    if (key != NULL) vr = complete_v1(&shared_sb, key, "", &openid);
    if (vr != NULL) {
        CHECK_CODE(wxface_v1_verify(c, vr, li_si, expected_id, key, openid, NULL, &err), &err,
                   WXFACE_ERR_NAME_MISMATCH);
        CHECK_MSG(strstr(err.message, "\xC0\xEE*") != NULL, "the message does not name 李* in GBK");
        CHECK_MSG(strstr(err.message, "\xE6\x9D\x8E") == NULL, "the message holds 李 in UTF-8");
    }
    free(vr);
    free(key);
    free(openid);
    wxface_client_free(c);
}

/* ---- configuration -------------------------------------------------------- */

static void test_unknown_config_key_is_config_error_naming_it(const void *arg) {
    wxface_config *cfg = wxface_config_new();
    wxface_error err;
    (void)arg;
    CHECK_NAMED(wxface_config_set(cfg, "no_such_key", "1", &err), &err, WXFACE_ERR_CONFIG, "no_such_key");
    CHECK_CODE(wxface_config_set(cfg, "", "1", &err), &err, WXFACE_ERR_CONFIG);
    CHECK_NAMED(wxface_config_set(cfg, "app\xFFid", "1", &err), &err, WXFACE_ERR_INVALID_ENCODING, "key");
    CHECK_NAMED(wxface_config_set(cfg, "appid", "wx\xC3", &err), &err, WXFACE_ERR_INVALID_ENCODING, "value");
    wxface_config_free(cfg);
}

static char *write_temp(const char *content) {
    char *path = dup_str("/tmp/wxface-c-test-XXXXXX");
    int fd;
    size_t n = strlen(content);
    if (path == NULL || (fd = mkstemp(path)) < 0) {
        CHECK_MSG(0, "mkstemp failed");
        free(path);
        return NULL;
    }
    CHECK(write(fd, content, n) == (ssize_t)n);
    close(fd);
    return path;
}

static void test_config_file_loads_every_key(const void *arg) {
    strbuf text = {0};
    wxface_config *cfg = wxface_config_new();
    wxface_client *c = NULL;
    wxface_error err;
    char *path, *key = NULL, *openid = NULL, *vr;
    (void)arg;
    sb_printf(&text,
              "# wxface configuration of a test HIS\n\n"
              "appid = %s\nsecret=%s\napi_base=%s\nproxy=none\n"
              "  # indented comment\ntimeout_ms=5000\nmax_retries=1\nlog_level=trace\n",
              SANDBOX_APPID, SANDBOX_SECRET, shared_sb.base);
    path = write_temp(sb_str(&text));
    if (path != NULL) {
        CHECK_CODE(wxface_config_load_file(cfg, path, &err), &err, WXFACE_OK);
        CHECK_CODE(wxface_config_set_log_callback(cfg, pii_log_callback, NULL, &err), &err, WXFACE_OK);
        CHECK_CODE(wxface_client_new(cfg, &c, &err), &err, WXFACE_OK);
        vr = passed_verification(&shared_sb, c, &key, &openid);
        if (vr != NULL)
            CHECK_CODE(wxface_v1_verify(c, vr, expected_name, expected_id, key, openid, NULL, &err), &err, WXFACE_OK);
        free(vr);
        unlink(path);
    }
    free(path);
    free(key);
    free(openid);
    wxface_client_free(c);
    wxface_config_free(cfg);
    sb_free(&text);
}

static void test_config_file_with_a_bad_line_changes_nothing(const void *arg) {
    wxface_config *cfg = sandbox_config(&shared_sb, pii_log_callback);
    wxface_client *c = NULL;
    wxface_error err;
    char *path = write_temp("api_base=http://127.0.0.1:1\ntimeout_ms=soon\n"), *vr, *key = NULL;
    (void)arg;
    if (path != NULL && cfg != NULL) {
        CHECK_NAMED(wxface_config_load_file(cfg, path, &err), &err, WXFACE_ERR_CONFIG, "line 2");
        CHECK_MSG(strstr(err.message, "timeout_ms") != NULL, "message does not name the key: %s", err.message);
        /* api_base from line 1 was not applied: the client still reaches the sandbox. */
        CHECK_CODE(wxface_client_new(cfg, &c, &err), &err, WXFACE_OK);
        vr = passed_verification(&shared_sb, c, &key, NULL);
        CHECK(vr != NULL);
        free(vr);
        unlink(path);
    }
    CHECK_CODE(wxface_config_load_file(cfg, "/nonexistent/wxface.conf", &err), &err, WXFACE_ERR_CONFIG);
    free(path);
    free(key);
    wxface_client_free(c);
    wxface_config_free(cfg);
}

static void test_client_copies_its_configuration(const void *arg) {
    wxface_config *cfg = sandbox_config(&shared_sb, pii_log_callback);
    wxface_client *c = NULL;
    wxface_error err;
    char *key;
    (void)arg;
    CHECK_CODE(wxface_client_new(cfg, &c, &err), &err, WXFACE_OK);
    /* Changing or freeing the configuration afterwards does not touch the client. */
    CHECK_CODE(wxface_config_set(cfg, "api_base", "http://127.0.0.1:1", &err), &err, WXFACE_OK);
    wxface_config_free(cfg);
    key = user_id_key_for(c, expected_name, expected_id);
    CHECK(key != NULL);
    free(key);
    wxface_client_free(c);
}

/* ---- tokens --------------------------------------------------------------- */

typedef struct {
    wxface_client *client;
    pthread_barrier_t *go;
    int32_t rc;
    char message[512];
} worker;

static void *get_key_worker(void *p) {
    worker *w = p;
    wxface_response *r = NULL;
    wxface_error err;
    pthread_barrier_wait(w->go);
    w->rc = wxface_v1_get_user_id_key(w->client, expected_name, expected_id, NULL, &r, &err);
    memcpy(w->message, err.message, sizeof w->message);
    wxface_response_free(r);
    return NULL;
}

static void test_sixteen_threads_at_a_cold_start_fetch_one_token(const void *arg) {
    enum { THREADS = 16 };
    sandbox sb;
    wxface_client *c;
    pthread_t t[THREADS];
    worker w[THREADS];
    pthread_barrier_t go;
    int i;
    (void)arg;
    if (!start(&sb)) return;
    c = client_for(&sb);
    pthread_barrier_init(&go, NULL, THREADS);
    for (i = 0; i < THREADS; i++) {
        w[i].client = c;
        w[i].go = &go;
        w[i].rc = -1;
        CHECK(pthread_create(&t[i], NULL, get_key_worker, &w[i]) == 0);
    }
    for (i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    for (i = 0; i < THREADS; i++) {
        pii_note_message(w[i].message);
        CHECK_MSG(w[i].rc == WXFACE_OK, "thread %d: %s %s", i, wxface_code_name(w[i].rc), w[i].message);
    }
    CHECK_INT(sandbox_stat(&sb, "token_fetches"), 1);
    CHECK_INT(sandbox_requests(&sb, GETUSERIDKEY), THREADS);
    pthread_barrier_destroy(&go);
    wxface_client_free(c);
    stop(&sb);
}

typedef struct {
    wxface_client *client;
    pthread_barrier_t *go;
    const char *verify_result, *key, *openid;
    int32_t rc;
    char message[512];
} verifier;

static void *verify_worker(void *p) {
    verifier *v = p;
    wxface_error err;
    pthread_barrier_wait(v->go);
    v->rc = wxface_v1_verify(v->client, v->verify_result, expected_name, expected_id, v->key, v->openid, NULL, &err);
    memcpy(v->message, err.message, sizeof v->message);
    return NULL;
}

static void test_sixteen_threads_verify_on_one_client(const void *arg) {
    enum { THREADS = 16 };
    pthread_t t[THREADS];
    verifier v[THREADS];
    char *vr[THREADS], *keys[THREADS], *openids[THREADS];
    pthread_barrier_t go;
    int i, ok = 0, replayed = 0;
    (void)arg;
    /* Round one: 16 different results, all verified. */
    for (i = 0; i < THREADS; i++) vr[i] = passed_verification(&shared_sb, shared_client, &keys[i], &openids[i]);
    pthread_barrier_init(&go, NULL, THREADS);
    for (i = 0; i < THREADS; i++) {
        verifier x = {shared_client, &go, vr[i], keys[i], openids[i], -1, ""};
        v[i] = x;
        pthread_create(&t[i], NULL, verify_worker, &v[i]);
    }
    for (i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    for (i = 0; i < THREADS; i++) {
        pii_note_message(v[i].message);
        CHECK_MSG(v[i].rc == WXFACE_OK, "thread %d: %s %s", i, wxface_code_name(v[i].rc), v[i].message);
    }
    /* Round two: one result raced by 16 threads is accepted exactly once. */
    free(vr[0]);
    vr[0] = passed_verification(&shared_sb, shared_client, NULL, NULL);
    for (i = 0; i < THREADS; i++) {
        verifier x = {shared_client, &go, vr[0], NULL, NULL, -1, ""};
        v[i] = x;
        pthread_create(&t[i], NULL, verify_worker, &v[i]);
    }
    for (i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    for (i = 0; i < THREADS; i++) {
        pii_note_message(v[i].message);
        ok += v[i].rc == WXFACE_OK;
        replayed += v[i].rc == WXFACE_ERR_REPLAYED;
    }
    CHECK_INT(ok, 1);
    CHECK_INT(replayed, THREADS - 1);
    pthread_barrier_destroy(&go);
    for (i = 0; i < THREADS; i++) {
        free(vr[i]);
        free(keys[i]);
        free(openids[i]);
    }
}

static void test_invalidated_token_is_refreshed_once_and_the_call_retried(const void *arg) {
    sandbox sb;
    wxface_client *c;
    char *key, *token;
    long long fetches, requests;
    (void)arg;
    if (!start(&sb)) return;
    c = client_for(&sb);
    key = user_id_key_for(c, expected_name, expected_id); /* warm: one token cached */
    free(key);
    token = sandbox_live_token(&sb);
    pii_forbid(token);
    free(token);
    fetches = sandbox_stat(&sb, "token_fetches");
    requests = sandbox_requests(&sb, GETUSERIDKEY);
    CHECK(sandbox_post(&sb, "/sandbox/token/invalidate", NULL));
    key = user_id_key_for(c, expected_name, expected_id);
    CHECK(key != NULL);
    free(key);
    CHECK_INT(sandbox_stat(&sb, "token_fetches"), fetches + 1);
    CHECK_INT(sandbox_requests(&sb, GETUSERIDKEY), requests + 2);
    /* And the fresh token is kept: the next call fetches nothing. */
    key = user_id_key_for(c, expected_name, expected_id);
    free(key);
    CHECK_INT(sandbox_stat(&sb, "token_fetches"), fetches + 1);
    CHECK_INT(sandbox_requests(&sb, GETUSERIDKEY), requests + 3);
    wxface_client_free(c);
    stop(&sb);
}

static void test_expired_token_is_refreshed_once(const void *arg) {
    sandbox sb;
    wxface_client *c;
    char *key;
    long long fetches;
    (void)arg;
    if (!start(&sb)) return;
    c = client_for(&sb);
    key = user_id_key_for(c, expected_name, expected_id);
    free(key);
    fetches = sandbox_stat(&sb, "token_fetches");
    CHECK(sandbox_post(&sb, "/sandbox/token/expire", NULL));
    key = user_id_key_for(c, expected_name, expected_id);
    CHECK(key != NULL);
    free(key);
    CHECK_INT(sandbox_stat(&sb, "token_fetches"), fetches + 1);
    wxface_client_free(c);
    stop(&sb);
}

static void test_persistent_40001_fails_after_one_refresh_not_a_loop(const void *arg) {
    sandbox sb;
    wxface_client *c;
    wxface_response *r = NULL;
    wxface_error err;
    char *key;
    long long fetches, requests;
    (void)arg;
    if (!start(&sb)) return;
    c = client_for(&sb);
    key = user_id_key_for(c, expected_name, expected_id);
    free(key);
    fetches = sandbox_stat(&sb, "token_fetches");
    requests = sandbox_requests(&sb, GETUSERIDKEY);
    CHECK(sandbox_post(&sb, "/sandbox/faults", "{\"path\":\"" GETUSERIDKEY "\",\"kind\":\"errcode\",\"errcode\":40001,\"count\":0}"));
    CHECK_CODE(wxface_v1_get_user_id_key(c, expected_name, expected_id, NULL, &r, &err), &err,
               WXFACE_ERR_ACCESS_TOKEN);
    CHECK_INT(err.wechat_errcode, 40001);
    CHECK_INT(sandbox_stat(&sb, "token_fetches"), fetches + 1);
    CHECK_INT(sandbox_requests(&sb, GETUSERIDKEY), requests + 2);
    /* Still usable once WeChat recovers. */
    json_free(sandbox_call(&sb, "DELETE", "/sandbox/faults", NULL, NULL));
    key = user_id_key_for(c, expected_name, expected_id);
    CHECK(key != NULL);
    free(key);
    CHECK(r == NULL);
    wxface_client_free(c);
    stop(&sb);
}

/* ---- faults ----------------------------------------------------------------- */

static void test_errcode_minus_one_once_is_retried_and_succeeds(const void *arg) {
    sandbox sb;
    wxface_client *c;
    char *key;
    long long requests;
    (void)arg;
    if (!start(&sb)) return;
    c = client_for(&sb);
    key = user_id_key_for(c, expected_name, expected_id);
    free(key);
    requests = sandbox_requests(&sb, GETUSERIDKEY);
    CHECK(sandbox_post(&sb, "/sandbox/faults", "{\"path\":\"" GETUSERIDKEY "\",\"kind\":\"errcode\",\"errcode\":-1,\"count\":1}"));
    key = user_id_key_for(c, expected_name, expected_id);
    CHECK(key != NULL);
    free(key);
    CHECK_INT(sandbox_requests(&sb, GETUSERIDKEY), requests + 2);
    wxface_client_free(c);
    stop(&sb);
}

static void test_persistent_errcode_minus_one_is_system_busy_after_max_retries(const void *arg) {
    const char *const extra[] = {"max_retries", "2", NULL};
    sandbox sb;
    wxface_client *c;
    wxface_response *r = NULL;
    wxface_error err;
    char *key;
    long long requests;
    (void)arg;
    if (!start(&sb)) return;
    c = client_with(&sb, extra);
    key = user_id_key_for(c, expected_name, expected_id);
    free(key);
    requests = sandbox_requests(&sb, GETUSERIDKEY);
    CHECK(sandbox_post(&sb, "/sandbox/faults", "{\"path\":\"" GETUSERIDKEY "\",\"kind\":\"errcode\",\"errcode\":-1,\"count\":0}"));
    CHECK_CODE(wxface_v1_get_user_id_key(c, expected_name, expected_id, NULL, &r, &err), &err,
               WXFACE_ERR_SYSTEM_BUSY);
    CHECK_INT(err.wechat_errcode, -1);
    CHECK_INT(sandbox_requests(&sb, GETUSERIDKEY), requests + 3);
    wxface_client_free(c);
    stop(&sb);
}

static void test_server_that_never_answers_times_out_within_the_bound(const void *arg) {
    const char *const extra[] = {"timeout_ms", "500", NULL};
    sandbox sb;
    wxface_client *c;
    wxface_response *r = NULL;
    wxface_error err;
    char *key;
    double t0, elapsed;
    long long requests;
    (void)arg;
    if (!start(&sb)) return;
    c = client_with(&sb, extra);
    key = user_id_key_for(c, expected_name, expected_id);
    free(key);
    requests = sandbox_requests(&sb, GETUSERIDKEY);
    CHECK(sandbox_post(&sb, "/sandbox/faults", "{\"path\":\"" GETUSERIDKEY "\",\"kind\":\"hang\",\"count\":1}"));
    t0 = now_s();
    CHECK_CODE(wxface_v1_get_user_id_key(c, expected_name, expected_id, NULL, &r, &err), &err, WXFACE_ERR_TIMEOUT);
    elapsed = now_s() - t0;
    CHECK_MSG(elapsed < 5.0, "the timeout took %.2f s", elapsed);
    CHECK_MSG(elapsed > 0.3, "returned after %.2f s: the hang was not waited for", elapsed);
    CHECK_INT(sandbox_requests(&sb, GETUSERIDKEY), requests + 1); /* timeouts are not retried */
    key = user_id_key_for(c, expected_name, expected_id);           /* and the client recovers */
    CHECK(key != NULL);
    free(key);
    wxface_client_free(c);
    stop(&sb);
}

static void test_client_with_timeout_bounds_each_call(const void *arg) {
    sandbox sb;
    wxface_client *c, *quick = NULL;
    wxface_error err;
    wxface_response *r = NULL;
    char *key;
    double t0, elapsed;
    (void)arg;
    if (!start(&sb)) return;
    c = client_for(&sb); /* default timeout_ms: 15 s */
    key = user_id_key_for(c, expected_name, expected_id);
    free(key);
    CHECK_CODE(wxface_client_with_timeout(c, 300, &quick, &err), &err, WXFACE_OK);
    CHECK(sandbox_post(&sb, "/sandbox/faults", "{\"path\":\"" GETINFO "\",\"kind\":\"hang\",\"count\":1}"));
    t0 = now_s();
    CHECK_CODE(wxface_v1_get_info(quick, "any-verify-result-0000000000000001", &r, &err), &err, WXFACE_ERR_TIMEOUT);
    elapsed = now_s() - t0;
    CHECK_MSG(elapsed < 5.0, "the timeout took %.2f s", elapsed);
    wxface_client_free(quick);
    /* The original handle shares the token and still works after the second is freed. */
    key = user_id_key_for(c, expected_name, expected_id);
    CHECK(key != NULL);
    free(key);
    CHECK_INT(sandbox_stat(&sb, "token_fetches"), 1);
    wxface_client_free(c);
    stop(&sb);
}

/* getinfo behind a fault (`fault_members`, JSON members without braces)
   must fail with `expected` and `http_status` in at most `max_requests`
   requests, and leave the client usable. */
static void fault_on_getinfo(const char *fault_members, int32_t expected, const char *code_name,
                             int32_t http_status, long long max_requests) {
    const char *const extra[] = {"max_retries", "1", NULL};
    sandbox sb;
    wxface_client *c;
    wxface_response *r = NULL;
    wxface_error err;
    strbuf fault = {0};
    char *key = NULL, *vr;
    long long requests;
    int32_t rc;
    if (!start(&sb)) return;
    c = client_with(&sb, extra);
    vr = passed_verification(&sb, c, &key, NULL);
    requests = sandbox_requests(&sb, GETINFO);
    sb_printf(&fault, "{\"path\":\"" GETINFO "\",%s}", fault_members);
    CHECK(sandbox_post(&sb, "/sandbox/faults", sb_str(&fault)));
    rc = wxface_v1_get_info(c, vr ? vr : "x", &r, &err);
    check_code(__FILE__, __LINE__, rc, &err, expected, code_name);
    CHECK_INT(err.http_status, http_status);
    CHECK_MSG(sandbox_requests(&sb, GETINFO) - requests <= max_requests, "%lld requests for one call",
              sandbox_requests(&sb, GETINFO) - requests);
    CHECK(r == NULL);
    json_free(sandbox_call(&sb, "DELETE", "/sandbox/faults", NULL, NULL));
    /* The client is still usable, and the result still verifies. */
    if (vr != NULL)
        CHECK_CODE(wxface_v1_verify(c, vr, expected_name, expected_id, key, NULL, NULL, &err), &err, WXFACE_OK);
    free(vr);
    free(key);
    sb_free(&fault);
    wxface_client_free(c);
    stop(&sb);
}

static void test_http_502_with_html_is_http_error_with_status(const void *arg) {
    (void)arg;
    fault_on_getinfo("\"kind\":\"http_status\",\"status\":502,\"count\":0", WXFACE_ERR_HTTP, "WXFACE_ERR_HTTP", 502, 2);
}

static void test_http_502_on_a_write_is_not_retried(const void *arg) {
    sandbox sb;
    wxface_client *c;
    wxface_response *r = NULL;
    wxface_error err;
    char *key;
    long long requests;
    (void)arg;
    if (!start(&sb)) return;
    c = client_for(&sb);
    key = user_id_key_for(c, expected_name, expected_id);
    free(key);
    requests = sandbox_requests(&sb, GETUSERIDKEY);
    CHECK(sandbox_post(&sb, "/sandbox/faults", "{\"path\":\"" GETUSERIDKEY "\",\"kind\":\"http_status\",\"status\":502,\"count\":0}"));
    CHECK_CODE(wxface_v1_get_user_id_key(c, expected_name, expected_id, NULL, &r, &err), &err, WXFACE_ERR_HTTP);
    CHECK_INT(err.http_status, 502);
    CHECK_INT(sandbox_requests(&sb, GETUSERIDKEY), requests + 1);
    wxface_client_free(c);
    stop(&sb);
}

static void test_truncated_json_is_bad_response(const void *arg) {
    (void)arg;
    fault_on_getinfo("\"kind\":\"truncated\",\"count\":1", WXFACE_ERR_BAD_RESPONSE, "WXFACE_ERR_BAD_RESPONSE", 200, 1);
}

static void test_five_mib_body_is_bad_response(const void *arg) {
    (void)arg;
    fault_on_getinfo("\"kind\":\"huge\",\"count\":1", WXFACE_ERR_BAD_RESPONSE, "WXFACE_ERR_BAD_RESPONSE", 200, 1);
}

static void test_empty_body_is_bad_response(const void *arg) {
    (void)arg;
    fault_on_getinfo("\"kind\":\"empty\",\"count\":1", WXFACE_ERR_BAD_RESPONSE, "WXFACE_ERR_BAD_RESPONSE", 200, 1);
}

/* ---- callbacks -------------------------------------------------------------- */

typedef struct {
    const sandbox *sb;
    int calls;
    int first_stale_was_null;
    char last_token[WXFACE_TOKEN_MAX];
    char stale_seen[WXFACE_TOKEN_MAX];
    int32_t fail_with;
} token_server;

/* A central token server in miniature: fetches from the sandbox's
   stable_token endpoint with the test's own HTTP client. */
static int32_t WXFACE_CALL token_callback(void *user_data, const char *stale_token, char *token_out, size_t token_out_len,
                              int64_t *expires_in_s) {
    token_server *ts = user_data;
    char *token;
    ts->calls++;
    if (ts->calls == 1) ts->first_stale_was_null = stale_token == NULL;
    if (stale_token != NULL) snprintf(ts->stale_seen, sizeof ts->stale_seen, "%s", stale_token);
    if (ts->fail_with != 0) return ts->fail_with;
    token = sandbox_live_token(ts->sb);
    if (token == NULL || strlen(token) + 1 > token_out_len) {
        free(token);
        return 1;
    }
    pii_forbid(token);
    strcpy(token_out, token);
    snprintf(ts->last_token, sizeof ts->last_token, "%s", token);
    *expires_in_s = 7200;
    free(token);
    return WXFACE_OK;
}

static wxface_client *callback_client(const sandbox *sb, token_server *ts) {
    wxface_config *cfg = wxface_config_new();
    wxface_client *c = NULL;
    wxface_error err;
    CHECK_CODE(wxface_config_set(cfg, "api_base", sb->base, &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_config_set(cfg, "proxy", "none", &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_config_set(cfg, "log_level", "trace", &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_config_set_log_callback(cfg, pii_log_callback, NULL, &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_config_set_token_callback(cfg, token_callback, ts, &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_client_new(cfg, &c, &err), &err, WXFACE_OK);
    wxface_config_free(cfg);
    return c;
}

static void test_token_callback_supplies_tokens_and_sees_the_stale_one(const void *arg) {
    sandbox sb;
    token_server ts;
    wxface_client *c;
    char *key, first[WXFACE_TOKEN_MAX];
    (void)arg;
    memset(&ts, 0, sizeof ts);
    if (!start(&sb)) return;
    ts.sb = &sb;
    c = callback_client(&sb, &ts);
    key = user_id_key_for(c, expected_name, expected_id);
    free(key);
    key = user_id_key_for(c, expected_name, expected_id);
    free(key);
    CHECK_INT(ts.calls, 1);
    CHECK(ts.first_stale_was_null);
    snprintf(first, sizeof first, "%s", ts.last_token);
    CHECK(sandbox_post(&sb, "/sandbox/token/invalidate", NULL));
    key = user_id_key_for(c, expected_name, expected_id);
    CHECK(key != NULL);
    free(key);
    CHECK_INT(ts.calls, 2);
    CHECK_STR(ts.stale_seen, first);
    CHECK(strcmp(ts.last_token, first) != 0);
    wxface_client_free(c);
    stop(&sb);
}

static void test_failing_token_callback_is_access_token_error(const void *arg) {
    sandbox sb;
    token_server ts;
    wxface_client *c;
    wxface_response *r = NULL;
    wxface_error err;
    (void)arg;
    memset(&ts, 0, sizeof ts);
    if (!start(&sb)) return;
    ts.sb = &sb;
    ts.fail_with = 7;
    c = callback_client(&sb, &ts);
    CHECK_CODE(wxface_v1_get_user_id_key(c, expected_name, expected_id, NULL, &r, &err), &err,
               WXFACE_ERR_ACCESS_TOKEN);
    CHECK_INT(sandbox_requests(&sb, GETUSERIDKEY), 0);
    wxface_client_free(c);
    stop(&sb);
}

/* The integrator's own replay table in miniature: keys in an array under a
   mutex, shared by every client given it, as a database table is shared by
   every server. `fail_with` makes it answer like a database that is down. */
typedef struct {
    pthread_mutex_t lock;
    char keys[64][201];
    size_t count;
    int64_t last_ttl_s;
    int calls;
    int32_t fail_with;
} replay_table;

static int32_t WXFACE_CALL replay_callback(void *user_data, const char *key, int64_t ttl_s) {
    replay_table *t = user_data;
    size_t i;
    int32_t answer = WXFACE_REPLAY_NEW;
    pthread_mutex_lock(&t->lock);
    t->calls++;
    t->last_ttl_s = ttl_s;
    if (t->fail_with != 0) {
        answer = t->fail_with;
    } else {
        for (i = 0; i < t->count; i++)
            if (strcmp(t->keys[i], key) == 0) answer = WXFACE_REPLAY_SEEN;
        if (answer == WXFACE_REPLAY_NEW && t->count < 64 && strlen(key) <= 200) strcpy(t->keys[t->count++], key);
    }
    pthread_mutex_unlock(&t->lock);
    return answer;
}

static wxface_client *replay_callback_client(const sandbox *sb, replay_table *t) {
    wxface_config *cfg = sandbox_config(sb, pii_log_callback);
    wxface_client *c = NULL;
    wxface_error err;
    CHECK_CODE(wxface_config_set_replay_callback(cfg, replay_callback, t, &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_client_new(cfg, &c, &err), &err, WXFACE_OK);
    wxface_config_free(cfg);
    return c;
}

static void test_replay_callback_shared_by_two_clients_accepts_a_result_once(const void *arg) {
    sandbox sb;
    replay_table t;
    wxface_client *a, *b;
    wxface_error err;
    char *vr;
    (void)arg;
    memset(&t, 0, sizeof t);
    pthread_mutex_init(&t.lock, NULL);
    if (!start(&sb)) return;
    a = replay_callback_client(&sb, &t);
    b = replay_callback_client(&sb, &t);
    vr = passed_verification(&sb, a, NULL, NULL);
    if (vr != NULL) {
        CHECK_CODE(wxface_v1_verify(a, vr, expected_name, expected_id, NULL, NULL, NULL, &err), &err, WXFACE_OK);
        CHECK_CODE(wxface_v1_verify(b, vr, expected_name, expected_id, NULL, NULL, NULL, &err), &err,
                   WXFACE_ERR_REPLAYED);
        CHECK_INT(t.calls, 2);
        CHECK_INT((int)t.count, 1);
        CHECK_INT((int)t.last_ttl_s, 900);
        CHECK(strncmp(t.keys[0], "wxface:{", 8) == 0);
        CHECK(strstr(t.keys[0], vr) == NULL);
    }
    free(vr);
    wxface_client_free(a);
    wxface_client_free(b);
    stop(&sb);
    pthread_mutex_destroy(&t.lock);
}

static void test_replay_callback_error_fails_closed_with_state_store(const void *arg) {
    sandbox sb;
    replay_table t;
    wxface_client *c;
    wxface_error err;
    wxface_response *r = NULL;
    char *vr;
    int32_t answers[] = {0, -1, 3, WXFACE_OK};
    size_t i;
    (void)arg;
    memset(&t, 0, sizeof t);
    pthread_mutex_init(&t.lock, NULL);
    if (!start(&sb)) return;
    c = replay_callback_client(&sb, &t);
    for (i = 0; i < sizeof answers / sizeof answers[0]; i++) {
        t.fail_with = answers[i] == WXFACE_OK ? 0 : answers[i];
        vr = passed_verification(&sb, c, NULL, NULL);
        if (vr == NULL) break;
        if (answers[i] == WXFACE_OK) {
            /* The database is back: a verdict is possible again. */
            CHECK_CODE(wxface_v1_verify(c, vr, expected_name, expected_id, NULL, NULL, &r, &err), &err, WXFACE_OK);
        } else {
            CHECK_CODE(wxface_v1_verify(c, vr, expected_name, expected_id, NULL, NULL, &r, &err), &err,
                       WXFACE_ERR_STATE_STORE);
            CHECK(r == NULL);
        }
        wxface_response_free(r);
        r = NULL;
        free(vr);
    }
    CHECK_INT(wxface_config_set_replay_callback(NULL, replay_callback, &t, &err), WXFACE_ERR_INVALID_ARGUMENT);
    wxface_client_free(c);
    stop(&sb);
    pthread_mutex_destroy(&t.lock);
}

static void test_log_callback_at_trace_receives_debug_lines(const void *arg) {
    char *key = NULL, *openid = NULL, *vr;
    size_t before = pii_log_lines(), debug_before = pii_log_lines_at(WXFACE_LOG_DEBUG);
    wxface_error err;
    (void)arg;
    vr = passed_verification(&shared_sb, shared_client, &key, &openid);
    if (vr != NULL)
        CHECK_CODE(wxface_v1_verify(shared_client, vr, expected_name, expected_id, key, openid, NULL, &err), &err,
                   WXFACE_OK);
    CHECK(pii_log_lines() > before);
    CHECK(pii_log_lines_at(WXFACE_LOG_DEBUG) > debug_before);
    CHECK(pii_log_contains("VERIFIED"));
    CHECK(pii_log_contains("REJECTED"));
    free(vr);
    free(key);
    free(openid);
}

static size_t counted_lines;
static int32_t worst_level;
static void WXFACE_CALL counting_log(void *user_data, int32_t level, const char *message) {
    (void)user_data;
    counted_lines++;
    if (level > worst_level) worst_level = level;
    pii_log_callback(NULL, level, message);
}

static void test_log_level_warn_sends_no_info_or_debug_lines(const void *arg) {
    wxface_config *cfg = sandbox_config(&shared_sb, NULL);
    wxface_client *c = NULL;
    wxface_error err;
    wxface_response *r = NULL;
    char *vr;
    (void)arg;
    CHECK_CODE(wxface_config_set(cfg, "log_level", "warn", &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_config_set_log_callback(cfg, counting_log, NULL, &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_client_new(cfg, &c, &err), &err, WXFACE_OK);
    counted_lines = 0;
    worst_level = 0;
    vr = passed_verification(&shared_sb, c, NULL, NULL);
    CHECK_CODE(wxface_v1_get_info(c, vr ? vr : "x", &r, &err), &err, WXFACE_OK);
    wxface_response_free(r);
    CHECK_CODE(wxface_v1_verify(c, vr ? vr : "x", other_name, other_id, NULL, NULL, NULL, &err), &err,
               WXFACE_ERR_ID_MISMATCH);
    CHECK_MSG(counted_lines >= 1, "the REJECTED warning was not logged");
    CHECK_MSG(worst_level <= WXFACE_LOG_WARN, "a level %d line passed log_level=warn", worst_level);
    free(vr);
    wxface_client_free(c);
    wxface_config_free(cfg);
}

/* ---- codes, version, offline helpers ---------------------------------------- */

#define CODE(c) {c, #c}
static const struct {
    int32_t code;
    const char *name;
} codes[] = {
    CODE(WXFACE_OK),
    CODE(WXFACE_ERR_INVALID_ARGUMENT),
    CODE(WXFACE_ERR_INVALID_ENCODING),
    CODE(WXFACE_ERR_INVALID_ID_CARD),
    CODE(WXFACE_ERR_CONFIG),
    CODE(WXFACE_ERR_NOT_FOUND),
    CODE(WXFACE_ERR_NETWORK),
    CODE(WXFACE_ERR_TIMEOUT),
    CODE(WXFACE_ERR_TLS),
    CODE(WXFACE_ERR_HTTP),
    CODE(WXFACE_ERR_BAD_RESPONSE),
    CODE(WXFACE_ERR_PROXY),
    CODE(WXFACE_ERR_STATE_STORE),
    CODE(WXFACE_ERR_WECHAT),
    CODE(WXFACE_ERR_ACCESS_TOKEN),
    CODE(WXFACE_ERR_RATE_LIMITED),
    CODE(WXFACE_ERR_SYSTEM_BUSY),
    CODE(WXFACE_ERR_VERIFY_RESULT_INVALID),
    CODE(WXFACE_ERR_VERIFY_RESULT_EXPIRED),
    CODE(WXFACE_ERR_USER_INFO_NOT_FOUND),
    CODE(WXFACE_ERR_NOT_PASSED),
    CODE(WXFACE_ERR_ID_MISMATCH),
    CODE(WXFACE_ERR_NAME_MISMATCH),
    CODE(WXFACE_ERR_USER_ID_KEY_MISMATCH),
    CODE(WXFACE_ERR_OPENID_MISMATCH),
    CODE(WXFACE_ERR_STALE_RESULT),
    CODE(WXFACE_ERR_REPLAYED),
    CODE(WXFACE_ERR_PUSH_SIGNATURE),
    CODE(WXFACE_ERR_PUSH_DECRYPT),
    CODE(WXFACE_ERR_PUSH_APPID),
    CODE(WXFACE_ERR_PUSH_FORMAT),
    CODE(WXFACE_ERR_PUSH_STALE),
    CODE(WXFACE_ERR_PUSH_TOO_LARGE),
    CODE(WXFACE_ERR_INTERNAL),
};

static void test_code_name_for_every_code(const void *arg) {
    size_t i, j;
    (void)arg;
    for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        const char *d = wxface_code_description(codes[i].code);
        CHECK_STR(wxface_code_name(codes[i].code), codes[i].name);
        CHECK_MSG(d != NULL && d[0] != '\0', "%s has no description", codes[i].name);
        for (j = 0; j < i; j++) CHECK_MSG(codes[i].code != codes[j].code, "%s reuses a value", codes[i].name);
    }
    CHECK_STR(wxface_code_name(-1), "WXFACE_ERR_UNKNOWN");
    CHECK_STR(wxface_code_name(12345), "WXFACE_ERR_UNKNOWN");
    CHECK(wxface_code_description(12345) != NULL);
}

static void test_version_equals_the_header_version(const void *arg) {
    char expect[32];
    (void)arg;
    CHECK_STR(wxface_version(), WXFACE_VERSION);
    snprintf(expect, sizeof expect, "%d.%d.%d", WXFACE_VERSION_MAJOR, WXFACE_VERSION_MINOR, WXFACE_VERSION_PATCH);
    CHECK_STR(WXFACE_VERSION, expect);
}

static void test_get_verify_id_returns_the_cert_hash_of_the_normalised_number(const void *arg) {
    wxface_response *r = NULL;
    wxface_error err;
    (void)arg;
    CHECK_CODE(wxface_v2_get_verify_id(shared_client, "seq-cert-hash", "o_v2_cert_hash_user_00001", expected_name,
                                       "11010519491231002x", &r, &err),
               &err, WXFACE_OK);
    CHECK_STR(wxface_response_str(r, "cert_hash"), "471b502b022b21f3e120c5deb08295259bd77cac82956ebffc055c6fced73ce0");
    CHECK(wxface_response_str(r, "verify_id") != NULL);
    wxface_response_free(r);
}

/* ---- push ----------------------------------------------------------------- */

#define PUSH_TOKEN "cTestPushToken42"
#define PUSH_AES_KEY "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"

static wxface_client *push_client(int with_key) {
    wxface_config *cfg = wxface_config_new();
    wxface_client *c = NULL;
    wxface_error err;
    pii_forbid(PUSH_TOKEN);
    pii_forbid(PUSH_AES_KEY);
    CHECK_CODE(wxface_config_set(cfg, "appid", SANDBOX_APPID, &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_config_set(cfg, "secret", SANDBOX_SECRET, &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_config_set(cfg, "push_token", PUSH_TOKEN, &err), &err, WXFACE_OK);
    if (with_key) CHECK_CODE(wxface_config_set(cfg, "push_aes_key", PUSH_AES_KEY, &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_config_set(cfg, "log_level", "trace", &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_config_set_log_callback(cfg, pii_log_callback, NULL, &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_client_new(cfg, &c, &err), &err, WXFACE_OK);
    wxface_config_free(cfg);
    return c;
}

#define PUSH_VR "vr-push-round-trip-000000000000000000000001"
static const char *push_json =
    "{\"ToUserName\":\"gh_3f1c9a7b2e4d\",\"FromUserName\":\"oPushUser000000000000000001\",\"CreateTime\":1703657835,"
    "\"MsgType\":\"event\",\"Event\":\"face_identify\",\"openid\":\"oPushUser000000000000000001\","
    "\"out_seq_no\":\"seq-push-1\",\"verify_result\":\"" PUSH_VR "\"}";
static const char *push_xml =
    "<xml><ToUserName><![CDATA[gh_3f1c9a7b2e4d]]></ToUserName><FromUserName><![CDATA[oPushUser000000000000000001]]>"
    "</FromUserName><CreateTime>1703657835</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA["
    "face_identify]]></Event><openid><![CDATA[oPushUser000000000000000001]]></openid><out_seq_no><![CDATA["
    "seq-push-1]]></out_seq_no><verify_result><![CDATA[" PUSH_VR "]]></verify_result></xml>";

/* Seals `message` as `format`/`mode` at `timestamp`; query and body into *out. */
static int seal(wxface_client *c, const char *format, const char *mode, long long timestamp, wxface_response **out) {
    const char *message = strcmp(format, "json") == 0 ? push_json : push_xml;
    wxface_error err;
    int32_t rc = wxface_push_seal(c, format, mode, message, strlen(message), timestamp, "1320562132", out, &err);
    CHECK_CODE(rc, &err, WXFACE_OK);
    return rc == WXFACE_OK;
}

static void seal_and_open(wxface_client *c, const char *format, const char *mode) {
    wxface_response *sealed = NULL, *event = NULL;
    wxface_error err;
    const char *query, *body;
    int64_t created = 0;
    if (!seal(c, format, mode, (long long)time(NULL), &sealed)) return;
    query = wxface_response_str(sealed, "query");
    body = wxface_response_str(sealed, "body");
    CHECK(query != NULL && body != NULL);
    if (query != NULL && body != NULL) {
        CHECK_MSG(strcmp(mode, "plain") == 0 || strstr(query, "msg_signature=") != NULL, "%s/%s: no msg_signature",
                  format, mode);
        CHECK_MSG(strcmp(mode, "plain") == 0 || strstr(body, PUSH_VR) == NULL || strcmp(mode, "compatible") == 0,
                  "%s/%s: the verify_result is in clear", format, mode);
        CHECK_CODE(wxface_push_open(c, query, body, strlen(body), &event, &err), &err, WXFACE_OK);
        CHECK_STR(wxface_response_str(event, "Event"), "face_identify");
        CHECK_STR(wxface_response_str(event, "verify_result"), PUSH_VR);
        CHECK_STR(wxface_response_str(event, "out_seq_no"), "seq-push-1");
        CHECK_CODE(wxface_response_int(event, "CreateTime", &created, &err), &err, WXFACE_OK);
        CHECK_INT(created, 1703657835);
        wxface_response_free(event);
    }
    wxface_response_free(sealed);
}

static void test_push_seal_then_open_round_trips_encrypted(const void *arg) {
    wxface_client *c = push_client(1);
    const char *formats[] = {"json", "xml"}, *modes[] = {"compatible", "safe"};
    size_t f, m;
    (void)arg;
    for (f = 0; f < 2; f++)
        for (m = 0; m < 2; m++) seal_and_open(c, formats[f], modes[m]);
    wxface_client_free(c);
}

static void test_push_seal_then_open_round_trips_plain(const void *arg) {
    wxface_client *c = push_client(0);
    (void)arg;
    seal_and_open(c, "json", "plain");
    seal_and_open(c, "xml", "plain");
    wxface_client_free(c);
}

static void test_plain_push_is_refused_when_an_aes_key_is_set(const void *arg) {
    wxface_client *plain = push_client(0), *keyed = push_client(1);
    wxface_response *sealed = NULL, *event = NULL;
    wxface_error err;
    const char *query, *body;
    (void)arg;
    if (seal(plain, "json", "plain", (long long)time(NULL), &sealed)) {
        query = wxface_response_str(sealed, "query");
        body = wxface_response_str(sealed, "body");
        CHECK_CODE(wxface_push_open(keyed, query, body, strlen(body), &event, &err), &err, WXFACE_ERR_PUSH_SIGNATURE);
        CHECK(event == NULL);
    }
    wxface_response_free(sealed);
    wxface_client_free(plain);
    wxface_client_free(keyed);
}

static void test_tampered_push_is_refused(const void *arg) {
    wxface_client *c = push_client(1);
    wxface_response *sealed = NULL, *event = NULL;
    wxface_error err;
    char *body;
    const char *query;
    size_t n;
    (void)arg;
    if (seal(c, "json", "safe", (long long)time(NULL), &sealed)) {
        query = wxface_response_str(sealed, "query");
        body = dup_str(wxface_response_str(sealed, "body"));
        n = strlen(body);
        /* One base64 character of the ciphertext changed. */
        body[n / 2] = body[n / 2] == 'A' ? 'B' : 'A';
        CHECK_CODE(wxface_push_open(c, query, body, n, &event, &err), &err, WXFACE_ERR_PUSH_SIGNATURE);
        free(body);
    }
    wxface_response_free(sealed);
    wxface_client_free(c);
}

static void test_push_older_than_the_skew_is_stale(const void *arg) {
    wxface_client *c = push_client(1);
    wxface_response *sealed = NULL, *event = NULL;
    wxface_error err;
    const char *body;
    (void)arg;
    if (seal(c, "xml", "safe", (long long)time(NULL) - 3600, &sealed)) {
        body = wxface_response_str(sealed, "body");
        CHECK_CODE(wxface_push_open(c, wxface_response_str(sealed, "query"), body, strlen(body), &event, &err), &err,
                   WXFACE_ERR_PUSH_STALE);
    }
    wxface_response_free(sealed);
    wxface_client_free(c);
}

static void test_push_body_over_64_kib_is_too_large(const void *arg) {
    wxface_client *c = push_client(1);
    wxface_response *sealed = NULL, *event = NULL;
    wxface_error err;
    size_t n = 64 * 1024 + 1;
    char *body = malloc(n);
    (void)arg;
    if (body != NULL && seal(c, "json", "safe", (long long)time(NULL), &sealed)) {
        memset(body, ' ', n);
        body[0] = '{';
        body[n - 1] = '}';
        CHECK_CODE(wxface_push_open(c, wxface_response_str(sealed, "query"), body, n, &event, &err), &err,
                   WXFACE_ERR_PUSH_TOO_LARGE);
    }
    free(body);
    wxface_response_free(sealed);
    wxface_client_free(c);
}

static void test_push_url_check_echoes_echostr(const void *arg) {
    wxface_client *c = push_client(1);
    wxface_response *sealed = NULL, *echo = NULL;
    wxface_error err;
    strbuf q = {0};
    char *bad, *sig;
    (void)arg;
    /* A plain seal's query carries the URL check's signature over (token, timestamp, nonce). */
    if (seal(c, "json", "plain", (long long)time(NULL), &sealed)) {
        sb_printf(&q, "%s&echostr=echo-4711", wxface_response_str(sealed, "query"));
        CHECK_CODE(wxface_push_check_url(c, sb_str(&q), &err), &err, WXFACE_OK);
        CHECK_CODE(wxface_push_url_echo(c, sb_str(&q), &echo, &err), &err, WXFACE_OK);
        CHECK_STR(wxface_response_str(echo, "echostr"), "echo-4711");
        wxface_response_free(echo);
        bad = dup_str(sb_str(&q));
        sig = strstr(bad, "signature=");
        if (sig != NULL) {
            sig += strlen("signature=");
            *sig = *sig == '0' ? '1' : '0';
            CHECK_CODE(wxface_push_check_url(c, bad, &err), &err, WXFACE_ERR_PUSH_SIGNATURE);
        }
        free(bad);
    }
    sb_free(&q);
    wxface_response_free(sealed);
    wxface_client_free(c);
}

/* One line of tests/vectors/push_vectors*.tsv, opened under its file's header. */
typedef struct {
    wxface_client *client;
    char *name, *code, *query, *body_b64, *verify_result;
} push_vector;

static void push_vector_test(const void *arg) {
    const push_vector *v = arg;
    wxface_response *event = NULL;
    wxface_error err;
    size_t len = 0;
    unsigned char *body = base64_decode(v->body_b64, &len);
    int32_t rc;
    CHECK_MSG(body != NULL, "body_base64 does not decode");
    if (body == NULL || v->client == NULL) {
        free(body);
        return;
    }
    rc = wxface_push_open(v->client, v->query, (const char *)body, len, &event, &err);
    pii_note_message(err.message);
    CHECK_MSG(strcmp(wxface_code_name(rc), v->code) == 0, "got %s, expected %s: %s", wxface_code_name(rc), v->code,
              err.message);
    if (rc == WXFACE_OK && strcmp(v->verify_result, "-") != 0)
        CHECK_STR(wxface_response_str(event, "verify_result"), v->verify_result);
    if (rc != WXFACE_OK) CHECK(event == NULL);
    wxface_response_free(event);
    free(body);
}

static char *header_value(const char *text, const char *key) {
    strbuf k = {0};
    const char *p, *end;
    char *v = NULL;
    sb_printf(&k, "# %s=", key);
    p = strstr(text, sb_str(&k));
    if (p != NULL) {
        p += k.len;
        end = strchr(p, '\n');
        if (end == NULL) end = p + strlen(p);
        v = malloc((size_t)(end - p) + 1);
        if (v != NULL) {
            memcpy(v, p, (size_t)(end - p));
            v[end - p] = '\0';
        }
    }
    sb_free(&k);
    return v;
}

/* The client a vector file's header describes. */
typedef struct {
    wxface_client *client;
    const char *appid, *token, *aes_key;
} vector_setup;

static void setup_vector_client(const void *arg) {
    vector_setup *v = (vector_setup *)arg;
    wxface_config *cfg = wxface_config_new();
    wxface_error err;
    CHECK_CODE(wxface_config_set(cfg, "appid", v->appid, &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_config_set(cfg, "secret", SANDBOX_SECRET, &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_config_set(cfg, "push_token", v->token, &err), &err, WXFACE_OK);
    if (v->aes_key[0] != '\0') CHECK_CODE(wxface_config_set(cfg, "push_aes_key", v->aes_key, &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_config_set(cfg, "push_max_skew_s", "0", &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_config_set(cfg, "log_level", "trace", &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_config_set_log_callback(cfg, pii_log_callback, NULL, &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_client_new(cfg, &v->client, &err), &err, WXFACE_OK);
    wxface_config_free(cfg);
}

static void run_push_vectors(const char *file) {
    strbuf path = {0}, title = {0};
    char *text, *line, *save = NULL, *token, *aes_key, *appid;
    vector_setup setup;
    size_t n = 0;
    sb_printf(&path, "%s/tests/vectors/%s", repo_root, file);
    text = read_file(sb_str(&path), NULL);
    sb_free(&path);
    if (text == NULL) {
        fprintf(stderr, "cannot read %s\n", file);
        exit(2);
    }
    token = header_value(text, "token");
    aes_key = header_value(text, "aes_key");
    appid = header_value(text, "appid");
    if (token == NULL || aes_key == NULL || appid == NULL) {
        fprintf(stderr, "%s: no token/aes_key/appid header\n", file);
        exit(2);
    }
    pii_forbid(token);
    pii_forbid(aes_key);
    memset(&setup, 0, sizeof setup);
    setup.appid = appid;
    setup.token = token;
    setup.aes_key = aes_key;
    sb_printf(&title, "push_vectors_client_from_the_header_of_%s", file);
    test_run(sb_str(&title), setup_vector_client, &setup);
    sb_free(&title);
    for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        push_vector v;
        char *cols[5], *p = line, *tab;
        int i;
        if (line[0] == '#' || line[0] == '\0') continue;
        for (i = 0; i < 5; i++) {
            cols[i] = p;
            tab = p != NULL ? strchr(p, '\t') : NULL;
            if (tab != NULL) *tab = '\0';
            p = tab != NULL ? tab + 1 : NULL;
        }
        if (cols[4] == NULL) {
            fprintf(stderr, "%s: a line without 5 columns\n", file);
            exit(2);
        }
        v.client = setup.client;
        v.name = cols[0];
        v.code = cols[1];
        v.query = cols[2];
        v.body_b64 = cols[3];
        v.verify_result = cols[4];
        if (strcmp(v.verify_result, "-") != 0) pii_forbid(v.verify_result);
        sb_printf(&title, "push_vector_%s", v.name);
        test_run(sb_str(&title), push_vector_test, &v);
        sb_free(&title);
        n++;
    }
    if (n == 0) {
        fprintf(stderr, "%s: no vectors\n", file);
        exit(2);
    }
    wxface_client_free(setup.client);
    free(token);
    free(aes_key);
    free(appid);
    free(text);
}

/* ---- PII, last ----------------------------------------------------------- */

static void test_no_error_message_or_log_line_contains_pii(const void *arg) {
    (void)arg;
    pii_forbid(SANDBOX_SECRET);
    CHECK_MSG(pii_messages() >= 100, "only %zu error messages were collected", pii_messages());
    CHECK_MSG(pii_log_lines() >= 100, "only %zu log lines were collected", pii_log_lines());
    CHECK_INT(pii_report_leaks(), 0);
    printf("    checked %zu error messages and %zu log lines\n", pii_messages(), pii_log_lines());
}

/* ---- main ------------------------------------------------------------------ */

#define RUN(fn) test_run(#fn + 5, fn, NULL)

/* ---- 2.0: out_seq_no and the bounded wait -------------------------------- */

static void *make_out_seq_nos(void *arg) {
    char (*seqs)[WXFACE_OUT_SEQ_NO_SIZE] = arg;
    wxface_error err;
    int i;
    for (i = 0; i < 500; i++) {
        if (wxface_out_seq_no_new(seqs[i], WXFACE_OUT_SEQ_NO_SIZE, &err) != WXFACE_OK) seqs[i][0] = '\0';
    }
    return NULL;
}

static int compare_seqs(const void *a, const void *b) { return strcmp(a, b); }

static void test_fresh_out_seq_nos_are_valid_ordered_and_unique_across_threads(const void *arg) {
    enum { THREADS = 8, EACH = 500 };
    static char seqs[THREADS * EACH][WXFACE_OUT_SEQ_NO_SIZE];
    pthread_t t[THREADS];
    char small[WXFACE_OUT_SEQ_NO_SIZE - 1], a[WXFACE_OUT_SEQ_NO_SIZE], b[WXFACE_OUT_SEQ_NO_SIZE];
    wxface_error err;
    size_t i, j;
    (void)arg;
    CHECK_CODE(wxface_out_seq_no_new(a, sizeof a, &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_out_seq_no_new(b, sizeof b, &err), &err, WXFACE_OK);
    CHECK_INT(strlen(a), 32);
    CHECK_MSG(strspn(a, "0123456789abcdef") == 32, "not 32 hex digits: %s", a);
    CHECK_MSG(strcmp(a, b) < 0, "not in creation order: %s then %s", a, b);
    CHECK_NAMED(wxface_out_seq_no_new(small, sizeof small, &err), &err, WXFACE_ERR_INVALID_ARGUMENT, "len");
    CHECK_NAMED(wxface_out_seq_no_new(NULL, 64, &err), &err, WXFACE_ERR_INVALID_ARGUMENT, "buf");
    for (i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, make_out_seq_nos, seqs[i * EACH]);
    for (i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    for (i = 0; i < THREADS; i++) {
        for (j = 1; j < EACH; j++) {
            CHECK_MSG(strcmp(seqs[i * EACH + j - 1], seqs[i * EACH + j]) < 0, "thread %zu: out of order", i);
        }
    }
    qsort(seqs, THREADS * EACH, WXFACE_OUT_SEQ_NO_SIZE, compare_seqs);
    for (i = 1; i < THREADS * EACH; i++) {
        CHECK_MSG(seqs[i][0] != '\0' && strcmp(seqs[i - 1], seqs[i]) != 0, "duplicate or empty at %zu", i);
    }
}

/* A started 2.0 verification on `c`: verify_id and cert_hash (malloc'd), seq filled. */
static int start_v2(wxface_client *c, char seq[WXFACE_OUT_SEQ_NO_SIZE], char **verify_id, char **cert_hash) {
    wxface_response *r = NULL;
    wxface_error err;
    *verify_id = *cert_hash = NULL;
    if (wxface_out_seq_no_new(seq, WXFACE_OUT_SEQ_NO_SIZE, &err) != WXFACE_OK) return 0;
    CHECK_CODE(wxface_v2_get_verify_id(c, seq, "o_v2_wait_user_000000000001", expected_name, expected_id, &r, &err),
               &err, WXFACE_OK);
    if (r == NULL) return 0;
    *verify_id = dup_str(wxface_response_str(r, "verify_id"));
    *cert_hash = dup_str(wxface_response_str(r, "cert_hash"));
    CHECK_MSG(wxface_response_str(r, "expires_at") != NULL, "no expires_at");
    wxface_response_free(r);
    return *verify_id != NULL && *cert_hash != NULL;
}

static void test_wait_never_runs_past_its_deadline(const void *arg) {
    char seq[WXFACE_OUT_SEQ_NO_SIZE], *vid, *hash;
    wxface_error err;
    double started, took;
    (void)arg;
    if (!start_v2(shared_client, seq, &vid, &hash)) goto done;
    started = now_s();
    CHECK_CODE(wxface_v2_wait(shared_client, vid, seq, "o_v2_wait_user_000000000001", hash, 700, NULL, NULL, &err),
               &err, WXFACE_ERR_PENDING);
    took = now_s() - started;
    CHECK_INT(err.verify_ret, 10300);
    CHECK_MSG(took <= 0.7 + 0.25, "waited %.3f s for a 700 ms deadline", took); /* scheduling slack under valgrind */
    CHECK_MSG(took >= 0.3, "gave up after %.3f s of a 700 ms deadline", took);
done:
    free(vid);
    free(hash);
}

static void test_wait_rejects_a_zero_timeout_and_null_arguments(const void *arg) {
    wxface_error err;
    (void)arg;
    CHECK_NAMED(wxface_v2_wait(shared_client, "v", "seq-1", "o_x_00000001", "h", 0, NULL, NULL, &err), &err,
                WXFACE_ERR_INVALID_ARGUMENT, "timeout_ms");
    CHECK_NULL_ARG(wxface_v2_wait(NULL, "v", "seq-1", "o", "h", 10, NULL, NULL, &err), &err, "client");
    CHECK_NULL_ARG(wxface_v2_wait(shared_client, NULL, "seq-1", "o", "h", 10, NULL, NULL, &err), &err, "verify_id");
    CHECK_NULL_ARG(wxface_v2_wait(shared_client, "v", "seq-1", "o", NULL, 10, NULL, NULL, &err), &err, "cert_hash");
    wxface_cancel_fire(NULL);
    wxface_cancel_free(NULL);
}

typedef struct {
    wxface_cancel *cancel;
} firing;

static void *fire_after_200_ms(void *arg) {
    struct timespec pause = {0, 200 * 1000 * 1000};
    nanosleep(&pause, NULL);
    wxface_cancel_fire(((firing *)arg)->cancel);
    return NULL;
}

static void test_cancel_from_another_thread_ends_the_wait(const void *arg) {
    char seq[WXFACE_OUT_SEQ_NO_SIZE], *vid, *hash;
    firing f;
    pthread_t t;
    wxface_error err;
    double started, took;
    (void)arg;
    f.cancel = wxface_cancel_new();
    CHECK(f.cancel != NULL);
    if (!start_v2(shared_client, seq, &vid, &hash)) goto done;
    pthread_create(&t, NULL, fire_after_200_ms, &f);
    started = now_s();
    CHECK_CODE(wxface_v2_wait(shared_client, vid, seq, "o_v2_wait_user_000000000001", hash, 60000, f.cancel, NULL,
                              &err),
               &err, WXFACE_ERR_PENDING);
    took = now_s() - started;
    pthread_join(t, NULL);
    CHECK_MSG(strstr(err.message, "cancelled") != NULL, "%s", err.message);
    CHECK_MSG(took < 2.0, "a cancelled wait took %.3f s", took);
done:
    wxface_cancel_free(f.cancel);
    free(vid);
    free(hash);
}

static void test_wait_ends_with_the_verify_id_life_it_learned_from_getverifyid(const void *arg) {
    static const char *const fast[] = {"wait_interval_ms", "20", NULL};
    sandbox sb;
    wxface_client *c;
    char seq[WXFACE_OUT_SEQ_NO_SIZE], *vid = NULL, *hash = NULL;
    wxface_error err;
    double started, took;
    (void)arg;
    if (!start(&sb)) return;
    c = client_with(&sb, fast);
    if (c == NULL) {
        stop(&sb);
        return;
    }
    CHECK(sandbox_post(&sb, "/sandbox/v2/verify-id-life", "{\"expires_in\":1}"));
    if (!start_v2(c, seq, &vid, &hash)) goto done;
    started = now_s();
    CHECK_CODE(wxface_v2_wait(c, vid, seq, "o_v2_wait_user_000000000001", hash, 60000, NULL, NULL, &err), &err,
               WXFACE_ERR_VERIFY_ID_EXPIRED);
    took = now_s() - started;
    CHECK_MSG(took <= 1.25, "waited %.3f s on a verify_id living 1 s", took);
done:
    free(vid);
    free(hash);
    wxface_client_free(c);
    stop(&sb);
}

int main(int argc, char **argv) {
    int status;
#ifdef SIGPIPE
    signal(SIGPIPE, SIG_IGN);
#endif
    setvbuf(stdout, NULL, _IOLBF, 0);
    repo_root = argc > 1 ? argv[1] : ".";
    if (getenv("WXFACE_TEST_LOG") != NULL && !pii_log_to_file(getenv("WXFACE_TEST_LOG"))) {
        fprintf(stderr, "cannot write %s\n", getenv("WXFACE_TEST_LOG"));
        return 2;
    }
#ifndef _WIN32 /* there the launcher of WXFACE_SANDBOX_LAUNCHER starts them */
    if (getenv("WXFACE_SANDBOX") == NULL) {
        strbuf bin = {0};
        sb_printf(&bin, "%s/target/debug/wxface-sandbox", repo_root);
        setenv("WXFACE_SANDBOX", sb_str(&bin), 1);
        sb_free(&bin);
    }
#endif
    v1_list = load_list("v1_verify.json");
    v2_list = load_list("v2_query.json");
    v2_start_list = load_list("v2_start.json");
    bad_input_list = load_list("bad_input.json");
    offline_list = load_list("offline.json");
    config_list = load_list("config_errors.json");
    {
        const json *people = json_get(v1_list, "people");
        expected_name = json_str(json_get(json_get(people, "expected"), "name"));
        expected_id = json_str(json_get(json_get(people, "expected"), "id_card_number"));
        other_name = json_str(json_get(json_get(people, "other"), "name"));
        other_id = json_str(json_get(json_get(people, "other"), "id_card_number"));
        if (!expected_name || !expected_id || !other_name || !other_id) {
            fprintf(stderr, "v1_verify.json: people are incomplete\n");
            return 2;
        }
    }
    if (sandbox_start(&shared_sb) != 0) {
        fprintf(stderr, "cannot start the sandbox (WXFACE_SANDBOX=%s)\n", getenv("WXFACE_SANDBOX"));
        return 2;
    }
    {
        wxface_config *cfg = sandbox_config(&shared_sb, pii_log_callback);
        wxface_error err;
        /* Short pauses so the wait scenarios take milliseconds. */
        if (cfg == NULL || wxface_config_set(cfg, "wait_interval_ms", "20", &err) != WXFACE_OK ||
            wxface_config_set_audit_callback(cfg, audit_collect, NULL, &err) != WXFACE_OK ||
            wxface_client_new(cfg, &shared_client, &err) != WXFACE_OK) {
            fprintf(stderr, "cannot make the shared client\n");
            return 2;
        }
        wxface_config_free(cfg);
    }

    run_scenarios("v1_verify_scenario_", v1_list, v1_scenario);
    run_scenarios("v2_start_scenario_", v2_start_list, v2_start_scenario);
    run_scenarios("v2_query_scenario_", v2_list, v2_scenario);
    run_audit_scenario_check(v1_list, v2_start_list, v2_list);
    run_call_list("bad_input", bad_input_list, 1);
    run_call_list("offline", offline_list, 0);
    run_scenarios("config_errors/", config_list, config_scenario);
    RUN(test_verify_accepts_null_user_id_key_openid_and_out);
    RUN(test_verify_returns_getinfo_fields_on_success);
    RUN(test_get_info_reports_without_judging);
    RUN(test_v1_image_is_a_jpeg_read_with_response_bytes);
    RUN(test_verify_accepts_lower_case_x);

    RUN(test_config_functions_reject_null_pointers);
    RUN(test_client_functions_reject_null_pointers);
    RUN(test_push_functions_reject_null_pointers);
    RUN(test_offline_helpers_reject_null_pointers);
    RUN(test_response_texts_pairs_every_text_field_and_leaves_out_the_photo);
    RUN(test_response_accessors_tolerate_null);
    RUN(test_gbk_name_verifies_with_input_encoding_gbk);
    RUN(test_gbk_caller_reads_the_message_in_gbk_with_text_encoding_gbk);

    RUN(test_unknown_config_key_is_config_error_naming_it);
    RUN(test_config_file_loads_every_key);
    RUN(test_config_file_with_a_bad_line_changes_nothing);
    RUN(test_client_copies_its_configuration);

    RUN(test_sixteen_threads_at_a_cold_start_fetch_one_token);
    RUN(test_sixteen_threads_verify_on_one_client);
    RUN(test_invalidated_token_is_refreshed_once_and_the_call_retried);
    RUN(test_expired_token_is_refreshed_once);
    RUN(test_persistent_40001_fails_after_one_refresh_not_a_loop);
    RUN(test_errcode_minus_one_once_is_retried_and_succeeds);
    RUN(test_persistent_errcode_minus_one_is_system_busy_after_max_retries);
    RUN(test_server_that_never_answers_times_out_within_the_bound);
    RUN(test_client_with_timeout_bounds_each_call);
    RUN(test_http_502_with_html_is_http_error_with_status);
    RUN(test_http_502_on_a_write_is_not_retried);
    RUN(test_truncated_json_is_bad_response);
    RUN(test_five_mib_body_is_bad_response);
    RUN(test_empty_body_is_bad_response);

    RUN(test_token_callback_supplies_tokens_and_sees_the_stale_one);
    RUN(test_failing_token_callback_is_access_token_error);
    RUN(test_replay_callback_shared_by_two_clients_accepts_a_result_once);
    RUN(test_replay_callback_error_fails_closed_with_state_store);
    RUN(test_log_callback_at_trace_receives_debug_lines);
    RUN(test_log_level_warn_sends_no_info_or_debug_lines);

    RUN(test_code_name_for_every_code);
    RUN(test_version_equals_the_header_version);
    RUN(test_get_verify_id_returns_the_cert_hash_of_the_normalised_number);
    RUN(test_fresh_out_seq_nos_are_valid_ordered_and_unique_across_threads);
    RUN(test_wait_never_runs_past_its_deadline);
    RUN(test_wait_rejects_a_zero_timeout_and_null_arguments);
    RUN(test_cancel_from_another_thread_ends_the_wait);
    RUN(test_wait_ends_with_the_verify_id_life_it_learned_from_getverifyid);

    RUN(test_push_seal_then_open_round_trips_encrypted);
    RUN(test_push_seal_then_open_round_trips_plain);
    RUN(test_plain_push_is_refused_when_an_aes_key_is_set);
    RUN(test_tampered_push_is_refused);
    RUN(test_push_older_than_the_skew_is_stale);
    RUN(test_push_body_over_64_kib_is_too_large);
    RUN(test_push_url_check_echoes_echostr);
    run_push_vectors("push_vectors.tsv");
    run_push_vectors("push_vectors_plain.tsv");
    run_push_vectors("push_sealed.tsv");
    run_audit_tests(expected_name, expected_id);

    wxface_client_free(shared_client);
    {
        char *token = sandbox_live_token(&shared_sb);
        pii_forbid(token);
        free(token);
    }
    sandbox_stop(&shared_sb);
    RUN(test_no_error_message_or_log_line_contains_pii);

    status = test_summary();
    json_free(v1_list);
    json_free(v2_list);
    json_free(v2_start_list);
    json_free(bad_input_list);
    json_free(offline_list);
    json_free(config_list);
    pii_free_all();
    return status;
}
