/*
 * wxface.dll as PowerBuilder, VB6, Delphi and .NET P/Invoke call it on
 * 32-bit Windows: loaded with LoadLibrary, every function looked up by its
 * plain name with GetProcAddress and called through a __stdcall pointer
 * declared here, not taken from wxface.h. Runs a whole 1.0 and 2.0
 * verification against the sandbox (built for Windows, run under wine by
 * `make cross`). Usage: stdcall_loadlibrary.exe [DLL], with WXFACE_SANDBOX_LAUNCHER
 * the port of tests/c/sandbox_launcher.py, which starts the sandbox.
 *
 * On x86 each call is also checked to leave the stack pointer where it was:
 * a cdecl export called as stdcall leaves its arguments on the stack, which
 * a real caller notices only later, as a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "json.h"
#include "sandbox.h"
#include "text.h"

typedef struct opaque opaque;
typedef struct {
    int32_t code, wechat_errcode, verify_ret, http_status;
    char message[512];
} error_t_;

typedef void(__stdcall *log_fn)(void *user_data, int32_t level, const char *line);
static struct {
    const char *(__stdcall *version)(void);
    const char *(__stdcall *code_name)(int32_t);
    opaque *(__stdcall *config_new)(void);
    int32_t(__stdcall *config_set)(opaque *, const char *, const char *, error_t_ *);
    int32_t(__stdcall *config_set_log_callback)(opaque *, log_fn, void *, error_t_ *);
    void(__stdcall *config_free)(opaque *);
    int32_t(__stdcall *client_new)(const opaque *, opaque **, error_t_ *);
    void(__stdcall *client_free)(opaque *);
    int32_t(__stdcall *v1_get_user_id_key)(opaque *, const char *, const char *, const char *, opaque **, error_t_ *);
    int32_t(__stdcall *v1_verify)(opaque *, const char *, const char *, const char *, const char *, const char *,
                                  opaque **, error_t_ *);
    int32_t(__stdcall *out_seq_no_new)(char *, size_t, error_t_ *);
    int32_t(__stdcall *v2_get_verify_id)(opaque *, const char *, const char *, const char *, const char *, opaque **,
                                         error_t_ *);
    int32_t(__stdcall *v2_query)(opaque *, const char *, const char *, const char *, const char *, opaque **,
                                 error_t_ *);
    const char *(__stdcall *response_str)(const opaque *, const char *);
    void(__stdcall *response_free)(opaque *);
} wx;

static int passed, failed;

static void check(int ok, const char *what) {
    if (ok) {
        passed++;
        printf("ok %s\n", what);
    } else {
        failed++;
        printf("FAIL %s\n", what);
    }
}

#if defined(__i386__)
#define READ_SP(v) __asm__ volatile("movl %%esp, %0" : "=r"(v))
#else
#define READ_SP(v) ((v) = 0)
#endif
static int stack_mismatches;
/* Evaluates `call` and counts a stack pointer that moved across it. */
#define STDCALL(call)                                                                                         \
    do {                                                                                                      \
        uintptr_t sp0_, sp1_;                                                                                 \
        READ_SP(sp0_);                                                                                        \
        call;                                                                                                 \
        READ_SP(sp1_);                                                                                        \
        if (sp0_ != sp1_) stack_mismatches++;                                                                 \
    } while (0)

static volatile long log_lines;
static void __stdcall on_log(void *user_data, int32_t level, const char *line) {
    (void)level;
    if (user_data == &wx && line != NULL && line[0] != '\0') InterlockedIncrement(&log_lines);
}

static FARPROC lookup(HMODULE dll, const char *name) {
    FARPROC f = GetProcAddress(dll, name);
    if (f == NULL) printf("GetProcAddress(\"%s\") failed: the export is missing or decorated\n", name);
    return f;
}

static char *copy_of(const char *s) {
    char *d = s == NULL ? NULL : malloc(strlen(s) + 1);
    if (d != NULL) strcpy(d, s);
    return d;
}

/* The phone's side, played by the sandbox: the control call's answer. */
static json *complete(const sandbox *sb, const char *path, const char *key_name, const char *key) {
    strbuf body = {0};
    json *answer;
    sb_printf(&body, "{\"%s\":", key_name);
    sb_json_string(&body, key);
    sb_puts(&body, "}");
    answer = sandbox_call(sb, "POST", path, sb_str(&body), NULL);
    sb_free(&body);
    return answer;
}

int main(int argc, char **argv) {
    /* 张三 and a valid number of the sandbox's test people (UTF-8). */
    const char *name = "\xe5\xbc\xa0\xe4\xb8\x89", *id = "11010519491231002X";
    const char *v2_openid = "o_stdcall_test_user_000000001";
    const char *dll_name = argc > 1 ? argv[1] : "wxface.dll";
    HMODULE dll = LoadLibraryA(dll_name);
    sandbox sb;
    opaque *cfg = NULL, *client = NULL, *r = NULL;
    error_t_ err;
    int32_t rc;
    char *key = NULL, *verify_result = NULL, *openid = NULL, *verify_id = NULL, *cert_hash = NULL, seq[64];
    const char *version = NULL;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (dll == NULL) {
        printf("LoadLibrary(\"%s\") failed (%lu)\n0 passed, 1 failed\n", dll_name, (unsigned long)GetLastError());
        return 1;
    }
#define LOOKUP(field, name) (*(FARPROC *)&wx.field = lookup(dll, name)) != NULL
    if (!(LOOKUP(version, "wxface_version") && LOOKUP(code_name, "wxface_code_name") &&
          LOOKUP(config_new, "wxface_config_new") && LOOKUP(config_set, "wxface_config_set") &&
          LOOKUP(config_set_log_callback, "wxface_config_set_log_callback") &&
          LOOKUP(config_free, "wxface_config_free") && LOOKUP(client_new, "wxface_client_new") &&
          LOOKUP(client_free, "wxface_client_free") && LOOKUP(v1_get_user_id_key, "wxface_v1_get_user_id_key") &&
          LOOKUP(v1_verify, "wxface_v1_verify") && LOOKUP(out_seq_no_new, "wxface_out_seq_no_new") &&
          LOOKUP(v2_get_verify_id, "wxface_v2_get_verify_id") && LOOKUP(v2_query, "wxface_v2_query") &&
          LOOKUP(response_str, "wxface_response_str") && LOOKUP(response_free, "wxface_response_free"))) {
        printf("0 passed, 1 failed\n");
        return 1;
    }
    if (sandbox_start(&sb) != 0) {
        printf("cannot start the sandbox\n0 passed, 1 failed\n");
        return 1;
    }

    STDCALL(version = wx.version());
    printf("wxface %s loaded from %s\n", version, dll_name);
    STDCALL(cfg = wx.config_new());
    {
        const char *pairs[][2] = {{"appid", SANDBOX_APPID},
                                  {"secret", SANDBOX_SECRET},
                                  {"api_base", sb.base},
                                  {"proxy", "none"},
                                  {"log_level", "debug"}};
        size_t i;
        int ok = cfg != NULL;
        for (i = 0; ok && i < sizeof pairs / sizeof pairs[0]; i++) {
            STDCALL(rc = wx.config_set(cfg, pairs[i][0], pairs[i][1], &err));
            ok = rc == 0;
        }
        STDCALL(rc = wx.config_set_log_callback(cfg, on_log, &wx, &err));
        check(ok && rc == 0, "configuration through stdcall pointers");
    }
    STDCALL(rc = wx.client_new(cfg, &client, &err));
    check(rc == 0 && client != NULL, "client");
    STDCALL(wx.config_free(cfg));

    /* 1.0: getuseridkey, the phone, then the verdict. */
    STDCALL(rc = wx.v1_get_user_id_key(client, name, id, NULL, &r, &err));
    if (rc == 0) {
        const char *k;
        STDCALL(k = wx.response_str(r, "user_id_key"));
        key = copy_of(k);
    }
    STDCALL(wx.response_free(r));
    r = NULL;
    check(key != NULL && key[0] != '\0', "1.0 getuseridkey gives a user_id_key");
    if (key != NULL) {
        json *answer = complete(&sb, "/sandbox/v1/complete", "user_id_key", key);
        verify_result = copy_of(json_str(json_get(answer, "verify_result")));
        openid = copy_of(json_str(json_get(answer, "openid")));
        json_free(answer);
    }
    STDCALL(rc = wx.v1_verify(client, verify_result, name, id, key, openid, NULL, &err));
    check(rc == 0, "1.0 verify of a passed verification is WXFACE_OK");
    if (rc != 0) printf("    %d: %s\n", rc, err.message);
    STDCALL(rc = wx.v1_verify(client, verify_result, name, id, key, NULL, NULL, &err));
    {
        const char *code;
        STDCALL(code = wx.code_name(rc));
        check(code != NULL && strcmp(code, "WXFACE_ERR_REPLAYED") == 0, "1.0 the same verify_result again is a replay");
    }

    /* 2.0: getverifyid, the phone, then queryverifyinfo. */
    STDCALL(rc = wx.out_seq_no_new(seq, sizeof seq, &err));
    check(rc == 0, "out_seq_no_new");
    STDCALL(rc = wx.v2_get_verify_id(client, seq, v2_openid, name, id, &r, &err));
    if (rc == 0) {
        const char *v, *h;
        STDCALL(v = wx.response_str(r, "verify_id"));
        STDCALL(h = wx.response_str(r, "cert_hash"));
        verify_id = copy_of(v);
        cert_hash = copy_of(h);
    }
    STDCALL(wx.response_free(r));
    check(verify_id != NULL && cert_hash != NULL, "2.0 getverifyid gives verify_id and cert_hash");
    if (verify_id != NULL) json_free(complete(&sb, "/sandbox/v2/complete", "verify_id", verify_id));
    STDCALL(rc = wx.v2_query(client, verify_id, seq, v2_openid, cert_hash, NULL, &err));
    check(rc == 0, "2.0 query of a passed verification is WXFACE_OK");
    if (rc != 0) printf("    %d: %s\n", rc, err.message);

    STDCALL(wx.client_free(client));
    sandbox_stop(&sb);
    check(log_lines > 0, "the __stdcall log callback received lines");
    check(stack_mismatches == 0, "every call left the stack pointer where it was (callee-popped arguments)");
    if (stack_mismatches != 0) printf("    %d calls moved the stack pointer: the exports are not stdcall\n", stack_mismatches);
    free(key);
    free(verify_result);
    free(openid);
    free(verify_id);
    free(cert_hash);
    FreeLibrary(dll);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
