/*
 * The audit trail (wxface_config_set_audit_callback, audit_file) and the
 * counters (wxface_client_stats) through the C ABI, as a C caller uses them.
 */
#include "test_audit.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <direct.h>
#include <process.h>
#define make_dir(p) _mkdir(p)
#define process_id() ((long)_getpid())
#else
#include <sys/stat.h>
#include <unistd.h>
#define make_dir(p) mkdir((p), 0755)
#define process_id() ((long)getpid())
#endif

#include "check.h"
#include "sandbox.h"
#include "text.h"

#define GET_INFO "/cityservice/face/identify/getinfo"

static const char *person_name, *person_id;

/* ---- the collector the shared client uses ------------------------------ */

static pthread_mutex_t collected_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *const calls[] = {"v1_verify", "v2_get_verify_id", "v2_query", "v2_wait", "push_open", "token_fetch"};
static long long collected[sizeof calls / sizeof calls[0]];

void WXFACE_CALL audit_collect(void *user_data, const wxface_response *record, const char *json) {
    const char *call = wxface_response_str(record, "call");
    size_t i;
    (void)user_data;
    pthread_mutex_lock(&collected_lock);
    for (i = 0; call != NULL && i < sizeof calls / sizeof calls[0]; i++)
        if (strcmp(call, calls[i]) == 0) collected[i]++;
    pthread_mutex_unlock(&collected_lock);
    pii_note_message(json);
}

static long long collected_of(const char *call) {
    size_t i;
    long long n = -1;
    pthread_mutex_lock(&collected_lock);
    for (i = 0; i < sizeof calls / sizeof calls[0]; i++)
        if (strcmp(call, calls[i]) == 0) n = collected[i];
    pthread_mutex_unlock(&collected_lock);
    return n;
}

/* Calls a list makes: one per scenario, two for those with then_again. */
static long long calls_of(const json *list, const char *only_with, int with) {
    const json *scenarios = json_get(list, "scenarios");
    long long n = 0;
    size_t i;
    for (i = 0; scenarios != NULL && i < scenarios->count; i++) {
        const json *s = &scenarios->items[i];
        if (only_with != NULL && (json_get(s, only_with) != NULL) != with) continue;
        n += json_get(s, "then_again") != NULL ? 2 : 1;
    }
    return n;
}

static const json *lists[3];

static void test_scenario_runs_left_one_audit_record_per_verdict_call(const void *arg) {
    (void)arg;
    CHECK_INT(collected_of("v1_verify"), calls_of(lists[0], NULL, 0));
    CHECK_INT(collected_of("v2_get_verify_id"), calls_of(lists[1], NULL, 0) + calls_of(lists[2], NULL, 0));
    CHECK_INT(collected_of("v2_query"), calls_of(lists[2], "wait_ms", 0));
    CHECK_INT(collected_of("v2_wait"), calls_of(lists[2], "wait_ms", 1));
    CHECK(collected_of("token_fetch") >= 1);
}

void run_audit_scenario_check(const json *v1_list, const json *v2_start_list, const json *v2_list) {
    lists[0] = v1_list;
    lists[1] = v2_start_list;
    lists[2] = v2_list;
    test_run("audit_scenario_runs_left_one_record_per_verdict_call",
             test_scenario_runs_left_one_audit_record_per_verdict_call, NULL);
}

/* ---- a recorder for one test ------------------------------------------- */

typedef struct {
    int count;
    char call[32], outcome[16], subject[96], openid[32], hash[80], json[2048];
    long long attempts, code;
} last_record;

static void copy_field(char *to, size_t cap, const wxface_response *r, const char *field) {
    const char *v = wxface_response_str(r, field);
    snprintf(to, cap, "%s", v != NULL ? v : "");
}

static void WXFACE_CALL record_last(void *user_data, const wxface_response *record, const char *json) {
    last_record *last = user_data;
    wxface_error err;
    int64_t v = -1;
    last->count++;
    copy_field(last->call, sizeof last->call, record, "call");
    copy_field(last->outcome, sizeof last->outcome, record, "outcome");
    copy_field(last->subject, sizeof last->subject, record, "subject");
    copy_field(last->openid, sizeof last->openid, record, "openid");
    copy_field(last->hash, sizeof last->hash, record, "verify_result_hash");
    last->attempts = wxface_response_int(record, "attempts", &v, &err) == WXFACE_OK ? v : -1;
    last->code = wxface_response_int(record, "code", &v, &err) == WXFACE_OK ? v : -1;
    snprintf(last->json, sizeof last->json, "%s", json);
    pii_note_message(json);
}

static wxface_client *audited_client(const sandbox *sb, last_record *last, const char *audit_file) {
    wxface_config *cfg = sandbox_config(sb, pii_log_callback);
    wxface_client *c = NULL;
    wxface_error err;
    if (cfg == NULL) return NULL;
    if (last != NULL) CHECK_CODE(wxface_config_set_audit_callback(cfg, record_last, last, &err), &err, WXFACE_OK);
    if (audit_file != NULL) CHECK_CODE(wxface_config_set(cfg, "audit_file", audit_file, &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_client_new(cfg, &c, &err), &err, WXFACE_OK);
    wxface_config_free(cfg);
    return c;
}

/* A passed 1.0 verification of the person: its verify_result (malloc'd,
   forbidden in every record and log line) and user_id_key. */
static char *passed_v1(const sandbox *sb, wxface_client *c, char *key, size_t key_cap) {
    wxface_response *r = NULL;
    wxface_error err;
    strbuf body = {0};
    json *answer;
    const char *vr;
    char *copy = NULL;
    int status = 0;
    CHECK_CODE(wxface_v1_get_user_id_key(c, person_name, person_id, NULL, &r, &err), &err, WXFACE_OK);
    snprintf(key, key_cap, "%s", r != NULL && wxface_response_str(r, "user_id_key") ? wxface_response_str(r, "user_id_key") : "");
    wxface_response_free(r);
    sb_puts(&body, "{\"user_id_key\":");
    sb_json_string(&body, key);
    sb_puts(&body, "}");
    answer = sandbox_call(sb, "POST", "/sandbox/v1/complete", sb_str(&body), &status);
    vr = json_str(json_get(answer, "verify_result"));
    if (vr != NULL) {
        copy = malloc(strlen(vr) + 1);
        if (copy != NULL) strcpy(copy, vr);
        pii_forbid(vr);
    }
    CHECK_MSG(copy != NULL, "no verify_result from the sandbox (HTTP %d)", status);
    json_free(answer);
    sb_free(&body);
    return copy;
}

/* A fresh path for an audit file: in $WXFACE_AUDIT_DIR (make test scans
   every file there for PII) or the temp directory. */
static void audit_path(char *out, size_t cap, const char *name) {
    const char *dir = getenv("WXFACE_AUDIT_DIR");
    if (dir == NULL || dir[0] == '\0') dir = getenv("TMPDIR");
    if (dir == NULL || dir[0] == '\0') dir = getenv("TEMP");
    if (dir == NULL || dir[0] == '\0') dir = "/tmp";
    if (make_dir(dir) != 0 && errno != EEXIST) check_fail(__FILE__, __LINE__, "cannot make %s", dir);
    snprintf(out, cap, "%s/c-%s-%ld.jsonl", dir, name, process_id());
    remove(out);
}

static int count_lines(const char *path, const char *needle) {
    FILE *f = fopen(path, "r");
    char line[4096];
    int n = 0;
    if (f == NULL) return -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (needle == NULL || strstr(line, needle) != NULL) n++;
    fclose(f);
    return n;
}

/* ---- the tests ----------------------------------------------------------- */

static void test_a_verdict_gives_one_masked_record_to_the_callback(const void *arg) {
    sandbox sb;
    last_record last;
    wxface_client *c;
    wxface_error err;
    char key[512], *vr;
    (void)arg;
    memset(&last, 0, sizeof last);
    if (sandbox_start(&sb) != 0) {
        CHECK_MSG(0, "the sandbox did not start");
        return;
    }
    c = audited_client(&sb, &last, NULL);
    vr = c != NULL ? passed_v1(&sb, c, key, sizeof key) : NULL;
    if (vr != NULL) {
        last.count = 0;
        CHECK_CODE(wxface_v1_verify(c, vr, person_name, person_id, key, NULL, NULL, &err), &err, WXFACE_OK);
        CHECK_INT(last.count, 1);
        CHECK_STR(last.call, "v1_verify");
        CHECK_STR(last.outcome, "VERIFIED");
        CHECK_INT(last.code, WXFACE_OK);
        CHECK_INT(last.attempts, 1);
        CHECK_STR(last.subject, "张* 110***********002X");
        CHECK_INT(strlen(last.hash), 64);
        CHECK_MSG(strstr(last.json, "\"outcome\":\"VERIFIED\"") != NULL, "json: %s", last.json);
        CHECK_MSG(strstr(last.json, last.hash) != NULL, "json: %s", last.json);
        CHECK_MSG(strstr(last.json, vr) == NULL && strstr(last.json, person_id) == NULL, "a PII value in %s", last.json);
        /* The same result again: a replay, recorded as REJECTED. */
        CHECK_CODE(wxface_v1_verify(c, vr, person_name, person_id, key, NULL, NULL, &err), &err, WXFACE_ERR_REPLAYED);
        CHECK_INT(last.count, 2);
        CHECK_STR(last.outcome, "REJECTED");
        CHECK_INT(last.code, WXFACE_ERR_REPLAYED);
    }
    free(vr);
    wxface_client_free(c);
    sandbox_stop(&sb);
}

static void test_audit_file_holds_each_record_and_follows_a_logrotate_rename(const void *arg) {
    sandbox sb;
    wxface_client *c;
    wxface_error err;
    char path[600], rotated[640], key[512], *vr, *vr2;
    (void)arg;
    if (sandbox_start(&sb) != 0) {
        CHECK_MSG(0, "the sandbox did not start");
        return;
    }
    audit_path(path, sizeof path, "rotate");
    snprintf(rotated, sizeof rotated, "%s.1", path);
    /* Windows' rename() refuses to replace a file, and wine reuses small
       process ids, so a rotated file of an earlier run may be in the way. */
    remove(rotated);
    c = audited_client(&sb, NULL, path);
    vr = c != NULL ? passed_v1(&sb, c, key, sizeof key) : NULL;
    if (vr != NULL) {
        CHECK_CODE(wxface_v1_verify(c, vr, person_name, person_id, NULL, NULL, NULL, &err), &err, WXFACE_OK);
        CHECK_INT(count_lines(path, NULL), 2); /* the token fetch, the verdict */
        CHECK_INT(count_lines(path, "\"call\":\"v1_verify\""), 1);
        CHECK_INT(rename(path, rotated), 0);
        vr2 = passed_v1(&sb, c, key, sizeof key);
        CHECK_CODE(wxface_v1_verify(c, vr2, person_name, person_id, NULL, NULL, NULL, &err), &err, WXFACE_OK);
        CHECK_INT(count_lines(rotated, NULL), 2);
        CHECK_INT(count_lines(path, "\"outcome\":\"VERIFIED\""), 1);
        CHECK_INT(count_lines(path, person_id), 0);
        CHECK_INT(count_lines(path, vr2), 0);
        free(vr2);
    }
    free(vr);
    wxface_client_free(c);
    sandbox_stop(&sb);
}

static long long stat_of(const wxface_response *s, const char *field) {
    int64_t v = -1;
    wxface_error err;
    if (wxface_response_int(s, field, &v, &err) != WXFACE_OK) return -1;
    return v;
}

static void test_client_stats_count_calls_codes_requests_and_latency(const void *arg) {
    sandbox sb;
    wxface_client *c;
    wxface_response *s = NULL;
    wxface_error err;
    char key[512], *vr;
    (void)arg;
    if (sandbox_start(&sb) != 0) {
        CHECK_MSG(0, "the sandbox did not start");
        return;
    }
    c = audited_client(&sb, NULL, NULL);
    vr = c != NULL ? passed_v1(&sb, c, key, sizeof key) : NULL;
    if (vr != NULL) {
        CHECK_CODE(wxface_v1_verify(c, vr, person_name, person_id, key, NULL, NULL, &err), &err, WXFACE_OK);
        CHECK_CODE(wxface_v1_verify(c, vr, person_name, person_id, key, NULL, NULL, &err), &err, WXFACE_ERR_REPLAYED);
        CHECK_CODE(wxface_client_stats(c, &s, &err), &err, WXFACE_OK);
        CHECK_INT(stat_of(s, "calls.v1_verify.WXFACE_OK"), 1);
        CHECK_INT(stat_of(s, "calls.v1_verify.WXFACE_ERR_REPLAYED"), 1);
        CHECK_INT(stat_of(s, "calls.v1_get_user_id_key.WXFACE_OK"), 1);
        CHECK_INT(stat_of(s, "calls.v1_verify.WXFACE_ERR_NAME_MISMATCH"), -1); /* never seen: absent */
        CHECK_INT(stat_of(s, "replay_rejections"), 1);
        CHECK_INT(stat_of(s, "token_fetches"), 1);
        CHECK_INT(stat_of(s, "retries"), 0);
        CHECK_INT(stat_of(s, "requests.getinfo"), sandbox_requests(&sb, GET_INFO));
        CHECK_INT(stat_of(s, "latency.v1_verify.count"), 2);
        CHECK(stat_of(s, "latency.v1_verify.p50_us") > 0);
        CHECK(stat_of(s, "latency.v1_verify.p99_us") <= stat_of(s, "latency.v1_verify.max_us"));
        CHECK_MSG(wxface_response_str(s, "prometheus") != NULL &&
                      strstr(wxface_response_str(s, "prometheus"),
                             "wxface_calls_total{call=\"v1_verify\",code=\"WXFACE_ERR_REPLAYED\"} 1\n") != NULL,
                  "prometheus text: %s", wxface_response_str(s, "prometheus"));
        wxface_response_free(s);
    }
    free(vr);
    wxface_client_free(c);
    sandbox_stop(&sb);
}

static void test_audit_and_stats_functions_reject_null_pointers(const void *arg) {
    wxface_error err;
    wxface_response *s = NULL;
    wxface_config *cfg = wxface_config_new();
    (void)arg;
    CHECK_CODE(wxface_config_set_audit_callback(NULL, record_last, NULL, &err), &err, WXFACE_ERR_INVALID_ARGUMENT);
    CHECK_CODE(wxface_config_set_audit_callback(cfg, NULL, NULL, &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_client_stats(NULL, &s, &err), &err, WXFACE_ERR_INVALID_ARGUMENT);
    CHECK(s == NULL);
    wxface_config_free(cfg);
}

static void test_an_audit_file_that_cannot_be_opened_is_a_config_error(const void *arg) {
    sandbox sb;
    wxface_config *cfg;
    wxface_client *c = NULL;
    wxface_error err;
    (void)arg;
    if (sandbox_start(&sb) != 0) {
        CHECK_MSG(0, "the sandbox did not start");
        return;
    }
    cfg = sandbox_config(&sb, pii_log_callback);
    CHECK_CODE(wxface_config_set(cfg, "audit_file", "/nonexistent-dir/wxface/audit.jsonl", &err), &err, WXFACE_OK);
    CHECK_CODE(wxface_client_new(cfg, &c, &err), &err, WXFACE_ERR_CONFIG);
    CHECK_MSG(strstr(err.message, "audit_file") != NULL, "message: %s", err.message);
    CHECK(c == NULL);
    wxface_config_free(cfg);
    sandbox_stop(&sb);
}

void run_audit_tests(const char *name, const char *id_card_number) {
    person_name = name;
    person_id = id_card_number;
    test_run("audit_a_verdict_gives_one_masked_record_to_the_callback",
             test_a_verdict_gives_one_masked_record_to_the_callback, NULL);
    test_run("audit_file_holds_each_record_and_follows_a_logrotate_rename",
             test_audit_file_holds_each_record_and_follows_a_logrotate_rename, NULL);
    test_run("audit_file_that_cannot_be_opened_is_a_config_error",
             test_an_audit_file_that_cannot_be_opened_is_a_config_error, NULL);
    test_run("client_stats_count_calls_codes_requests_and_latency",
             test_client_stats_count_calls_codes_requests_and_latency, NULL);
    test_run("audit_and_stats_functions_reject_null_pointers", test_audit_and_stats_functions_reject_null_pointers,
             NULL);
}
