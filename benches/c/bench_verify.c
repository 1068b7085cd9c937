/*
 * Verify calls per second through the C ABI against the sandbox, at 1 and
 * 8 threads, and TCP connections opened per 1,000 calls (the sandbox's
 * api_connections counter). Each timed call is a wxface_v1_verify of a
 * fresh, completed verification prepared beforehand (getuseridkey plus the
 * control API's complete), so only the verdict is timed.
 *
 * Usage: bench_verify [CALLS_PER_RUN]   (default 5000)
 * Needs WXFACE_SANDBOX; link against the release libwxface.so.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "sandbox.h"
#include "text.h"
#include "wxface.h"

#define NAME "\xE5\xBC\xA0\xE4\xB8\x89" /* 张三, the scenario lists' expected person */
#define ID "11010519491231002X"

typedef struct {
    char *verify_result, *user_id_key, *openid;
} verification;

typedef struct {
    wxface_client *client;
    const verification *items;
    size_t count;
    size_t failures;
    char first_failure[512];
} worker;

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char *dup_str(const char *s) {
    char *d = s ? malloc(strlen(s) + 1) : NULL;
    if (d != NULL) strcpy(d, s);
    return d;
}

static void die(const char *what, const wxface_error *err) {
    fprintf(stderr, "bench_verify: %s%s%s\n", what, err ? ": " : "", err ? err->message : "");
    exit(1);
}

/* A client as an integrator would configure one for this load: results
   may wait up to an hour before being verified, and the replay guard
   remembers every one of them. */
static wxface_client *new_client(const sandbox *sb) {
    wxface_config *cfg = sandbox_config(sb, NULL);
    wxface_client *c = NULL;
    wxface_error err;
    if (cfg == NULL) die("cannot configure the client", NULL);
    if (wxface_config_set(cfg, "replay_cache_size", "1000000", &err) != WXFACE_OK ||
        wxface_config_set(cfg, "max_result_age_s", "3600", &err) != WXFACE_OK ||
        wxface_client_new(cfg, &c, &err) != WXFACE_OK)
        die("cannot make the client", &err);
    wxface_config_free(cfg);
    return c;
}

static void prepare(const sandbox *sb, wxface_client *c, verification *v, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        wxface_response *r = NULL;
        wxface_error err;
        strbuf body = {0};
        json *answer;
        if (wxface_v1_get_user_id_key(c, NAME, ID, NULL, &r, &err) != WXFACE_OK) die("getuseridkey", &err);
        v[i].user_id_key = dup_str(wxface_response_str(r, "user_id_key"));
        wxface_response_free(r);
        sb_puts(&body, "{\"user_id_key\":");
        sb_json_string(&body, v[i].user_id_key);
        sb_puts(&body, ",\"result_ttl_s\":3600}");
        answer = sandbox_call(sb, "POST", "/sandbox/v1/complete", sb_str(&body), NULL);
        v[i].verify_result = dup_str(json_str(json_get(answer, "verify_result")));
        v[i].openid = dup_str(json_str(json_get(answer, "openid")));
        if (v[i].verify_result == NULL || v[i].openid == NULL) die("POST /sandbox/v1/complete failed", NULL);
        json_free(answer);
        sb_free(&body);
    }
}

static void *verify_all(void *p) {
    worker *w = p;
    size_t i;
    for (i = 0; i < w->count; i++) {
        const verification *v = &w->items[i];
        wxface_error err;
        if (wxface_v1_verify(w->client, v->verify_result, NAME, ID, v->user_id_key, v->openid, NULL, &err) !=
            WXFACE_OK) {
            if (w->failures++ == 0) snprintf(w->first_failure, sizeof w->first_failure, "%s", err.message);
        }
    }
    return NULL;
}

/* One timed run on a cold client: its token fetch and connections count. */
static int run(const sandbox *sb, const verification *items, size_t n, int threads) {
    pthread_t t[64];
    worker w[64];
    wxface_client *c = new_client(sb);
    long long before = sandbox_stat(sb, "api_connections"), opened;
    size_t per = n / (size_t)threads, failures = 0;
    double t0, elapsed;
    int i;
    t0 = now_s();
    for (i = 0; i < threads; i++) {
        w[i].client = c;
        w[i].items = items + (size_t)i * per;
        w[i].count = per;
        w[i].failures = 0;
        w[i].first_failure[0] = '\0';
        if (pthread_create(&t[i], NULL, verify_all, &w[i]) != 0) die("pthread_create", NULL);
    }
    for (i = 0; i < threads; i++) pthread_join(t[i], NULL);
    elapsed = now_s() - t0;
    opened = sandbox_stat(sb, "api_connections") - before;
    for (i = 0; i < threads; i++) {
        failures += w[i].failures;
        if (w[i].failures) fprintf(stderr, "thread %d: %zu failed, first: %s\n", i, w[i].failures, w[i].first_failure);
    }
    printf("verify calls per second, %d thread%s: %.0f (%zu calls in %.3f s, %zu failed)\n", threads,
           threads == 1 ? "" : "s", (double)(per * (size_t)threads) / elapsed, per * (size_t)threads, elapsed,
           failures);
    printf("TCP connections opened per 1000 calls, %d thread%s: %.2f (%lld connections for %zu calls)\n", threads,
           threads == 1 ? "" : "s", 1000.0 * (double)opened / (double)(per * (size_t)threads), opened,
           per * (size_t)threads);
    wxface_client_free(c);
    return failures == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
    const int thread_counts[] = {1, 8};
    size_t per_run = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 5000, total, i;
    verification *items;
    wxface_client *prep;
    sandbox sb;
    int status = 0, k;
    double t0;

    if (per_run < 8) per_run = 8;
    per_run -= per_run % 8;
    total = per_run * 2;
    if (sandbox_start(&sb) != 0) die("cannot start the sandbox (WXFACE_SANDBOX)", NULL);
    items = calloc(total, sizeof *items);
    if (items == NULL) die("out of memory", NULL);
    prep = new_client(&sb);
    t0 = now_s();
    prepare(&sb, prep, items, total);
    wxface_client_free(prep);
    printf("prepared %zu completed verifications in %.1f s (not timed)\n", total, now_s() - t0);

    for (k = 0; k < 2; k++) status |= run(&sb, items + (size_t)k * per_run, per_run, thread_counts[k]);

    for (i = 0; i < total; i++) {
        free(items[i].verify_result);
        free(items[i].user_id_key);
        free(items[i].openid);
    }
    free(items);
    sandbox_stop(&sb);
    return status;
}
