/*
 * What a call costs the host process beyond its answer, counted rather
 * than timed: threads started, host-name lookups and socket calls. This
 * program defines pthread_create, getaddrinfo, ioctl, send and sendmsg
 * itself, counts each call and forwards it to the C library's own
 * (dlsym RTLD_NEXT): the library, linked dynamically, binds to these
 * first, as it would to an LD_PRELOAD shim.
 *
 * Run by tests/c/run.sh (plain build only: sanitizers and valgrind bring
 * their own pthread_create). Ends with "N passed, M failed".
 */
#define _GNU_SOURCE

#include <arpa/inet.h>
#include <dlfcn.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "json.h"
#include "sandbox.h"
#include "text.h"
#include "wxface.h"

#define NAME "\xE5\xBC\xA0\xE4\xB8\x89" /* 张三 */
#define ID "11010519491231002X"
#define CALLS 1000

static unsigned long threads_started;
static unsigned long lookups_of_localhost;

/* ISO C has no cast from dlsym's object pointer to a function pointer;
   POSIX guarantees the representation, so the bytes are copied. */
static void *next_symbol(const char *name) {
    void *sym = dlsym(RTLD_NEXT, name);
    if (sym == NULL) {
        fprintf(stderr, "dlsym(RTLD_NEXT, %s) failed\n", name);
        abort();
    }
    return sym;
}

/* Sets the function pointer `real` to the C library's `name` on first use. */
#define FIND(real, name)                                                                                      \
    do {                                                                                                      \
        if ((real) == NULL) {                                                                                 \
            void *sym_ = next_symbol(name);                                                                   \
            memcpy(&(real), &sym_, sizeof(real));                                                             \
        }                                                                                                     \
    } while (0)

typedef int (*pthread_create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg) {
    static pthread_create_fn real;
    FIND(real, "pthread_create");
    __sync_fetch_and_add(&threads_started, 1);
    return real(thread, attr, start, arg);
}

typedef int (*getaddrinfo_fn)(const char *, const char *, const struct addrinfo *, struct addrinfo **);
int getaddrinfo(const char *restrict node, const char *restrict service, const struct addrinfo *restrict hints,
                struct addrinfo **restrict res) {
    static getaddrinfo_fn real;
    FIND(real, "getaddrinfo");
    if (node != NULL && strcmp(node, "localhost") == 0) __sync_fetch_and_add(&lookups_of_localhost, 1);
    return real(node, service, hints, res);
}

static unsigned long ioctls, sends, sendmsgs;

typedef int (*ioctl_fn)(int, unsigned long, ...);
int ioctl(int fd, unsigned long request, ...) {
    static ioctl_fn real;
    va_list ap;
    void *arg;
    FIND(real, "ioctl");
    va_start(ap, request);
    arg = va_arg(ap, void *);
    va_end(ap);
    __sync_fetch_and_add(&ioctls, 1);
    return real(fd, request, arg);
}

typedef ssize_t (*send_fn)(int, const void *, size_t, int);
ssize_t send(int fd, const void *buf, size_t len, int flags) {
    static send_fn real;
    FIND(real, "send");
    __sync_fetch_and_add(&sends, 1);
    return real(fd, buf, len, flags);
}

typedef ssize_t (*sendmsg_fn)(int, const struct msghdr *, int);
ssize_t sendmsg(int fd, const struct msghdr *msg, int flags) {
    static sendmsg_fn real;
    FIND(real, "sendmsg");
    __sync_fetch_and_add(&sendmsgs, 1);
    return real(fd, msg, flags);
}

static unsigned long count(unsigned long *counter) { return __sync_add_and_fetch(counter, 0); }

static sandbox sb;

/* A client of the sandbox reached by name, not by address, with the
   replay guard off so that one completed verification verifies every time. */
static wxface_client *client_by_name(int port, const char *max_retries) {
    wxface_config *cfg = sandbox_config(&sb, pii_log_callback);
    wxface_client *c = NULL;
    wxface_error err;
    char base[64];
    snprintf(base, sizeof base, "http://localhost:%d", port);
    if (cfg == NULL) return NULL;
    if (wxface_config_set(cfg, "api_base", base, &err) != WXFACE_OK ||
        wxface_config_set(cfg, "replay_cache_size", "0", &err) != WXFACE_OK ||
        wxface_config_set(cfg, "max_retries", max_retries, &err) != WXFACE_OK ||
        wxface_client_new(cfg, &c, &err) != WXFACE_OK)
        c = NULL;
    wxface_config_free(cfg);
    return c;
}

typedef struct {
    char *verify_result, *user_id_key, *openid;
} verification;

static char *dup_str(const char *s) {
    char *d = s ? malloc(strlen(s) + 1) : NULL;
    if (d != NULL) strcpy(d, s);
    return d;
}

/* getuseridkey through the client, then the sandbox's control API plays
   the user who completes the verification. 0 on failure. */
static int complete_one(wxface_client *c, verification *v) {
    wxface_response *r = NULL;
    wxface_error err;
    strbuf body = {0};
    json *answer;
    if (wxface_v1_get_user_id_key(c, NAME, ID, NULL, &r, &err) != WXFACE_OK) return 0;
    v->user_id_key = dup_str(wxface_response_str(r, "user_id_key"));
    wxface_response_free(r);
    sb_puts(&body, "{\"user_id_key\":");
    sb_json_string(&body, v->user_id_key);
    sb_puts(&body, ",\"result_ttl_s\":3600}");
    answer = sandbox_call(&sb, "POST", "/sandbox/v1/complete", sb_str(&body), NULL);
    sb_free(&body);
    v->verify_result = dup_str(json_str(json_get(answer, "verify_result")));
    v->openid = dup_str(json_str(json_get(answer, "openid")));
    json_free(answer);
    return v->verify_result != NULL && v->openid != NULL;
}

static void verification_free(verification *v) {
    free(v->verify_result);
    free(v->user_id_key);
    free(v->openid);
}

static int verify(wxface_client *c, const verification *v, wxface_error *err) {
    return wxface_v1_verify(c, v->verify_result, NAME, ID, v->user_id_key, v->openid, NULL, err);
}

/* One completed verification and 10 verify calls of it: the token, the
   connection and the host's addresses in place. 0 on failure. */
static int warm(wxface_client *c, verification *v) {
    wxface_error err;
    int i;
    CHECK(complete_one(c, v));
    for (i = 0; i < 10 && !check_failed(); i++) CHECK_CODE(verify(c, v, &err), &err, WXFACE_OK);
    return !check_failed();
}

/* CALLS verify calls; how many did not verify (the first one's code is
   reported). */
static int verify_calls(wxface_client *c, const verification *v) {
    wxface_error err;
    int i, failed = 0;
    for (i = 0; i < CALLS; i++) {
        int32_t rc = verify(c, v, &err);
        if (rc != WXFACE_OK && failed++ == 0) CHECK_CODE(rc, &err, WXFACE_OK);
    }
    return failed;
}

static void warm_verify_calls_start_no_thread_and_look_the_host_up_once(const void *arg) {
    unsigned long lookups_before = count(&lookups_of_localhost), threads_before;
    wxface_client *c = client_by_name(sb.port, "2");
    verification v = {0};
    (void)arg;
    CHECK(c != NULL);
    if (c != NULL && warm(c, &v)) {
        threads_before = count(&threads_started);
        CHECK_INT(verify_calls(c, &v), 0);
        CHECK_MSG(count(&threads_started) == threads_before, "%lu threads started during %d warm verify calls",
                  count(&threads_started) - threads_before, CALLS);
        CHECK_MSG(count(&lookups_of_localhost) - lookups_before == 1,
                  "localhost looked up %lu times for a token, a getuseridkey and %d verify calls, expected once",
                  count(&lookups_of_localhost) - lookups_before, CALLS + 10);
    }
    verification_free(&v);
    wxface_client_free(c);
}

/* On a warm connection each request leaves in one gathering send (its head
   and body together: one segment), and checking that the pooled connection
   is still open switches no socket mode (ureq's own check: two ioctl). */
static void a_warm_verify_sends_its_request_in_one_call_and_switches_no_socket_mode(const void *arg) {
    wxface_client *c = client_by_name(sb.port, "0");
    verification v = {0};
    unsigned long ioctls_before, sends_before, sendmsgs_before;
    (void)arg;
    CHECK(c != NULL);
    if (c != NULL && warm(c, &v)) {
        ioctls_before = count(&ioctls);
        sends_before = count(&sends);
        sendmsgs_before = count(&sendmsgs);
        CHECK_INT(verify_calls(c, &v), 0);
        CHECK_MSG(count(&sendmsgs) - sendmsgs_before == CALLS,
                  "%lu sendmsg for %d warm verify calls, expected one each", count(&sendmsgs) - sendmsgs_before,
                  CALLS);
        CHECK_MSG(count(&sends) == sends_before, "%lu send beside them", count(&sends) - sends_before);
        CHECK_MSG(count(&ioctls) == ioctls_before, "%lu ioctl during %d warm verify calls",
                  count(&ioctls) - ioctls_before, CALLS);
    }
    verification_free(&v);
    wxface_client_free(c);
}

/* A bound socket that does not listen: connections to its port are
   refused, and no other process can take the port meanwhile. */
static int refusing_port(int *fd) {
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    *fd = socket(AF_INET, SOCK_STREAM, 0);
    if (*fd < 0 || bind(*fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(*fd, (struct sockaddr *)&a, &len) != 0)
        return -1;
    return ntohs(a.sin_port);
}

static void a_refused_connection_makes_the_next_call_look_the_host_up_again(const void *arg) {
    int fd = -1, port = refusing_port(&fd);
    wxface_client *c = port > 0 ? client_by_name(port, "0") : NULL;
    unsigned long before = count(&lookups_of_localhost);
    wxface_response *r = NULL;
    wxface_error err;
    (void)arg;
    CHECK(c != NULL);
    if (c != NULL) {
        CHECK_CODE(wxface_v1_get_user_id_key(c, NAME, ID, NULL, &r, &err), &err, WXFACE_ERR_NETWORK);
        CHECK_INT(count(&lookups_of_localhost) - before, 1);
        CHECK_CODE(wxface_v1_get_user_id_key(c, NAME, ID, NULL, &r, &err), &err, WXFACE_ERR_NETWORK);
        CHECK_INT(count(&lookups_of_localhost) - before, 2);
        wxface_client_free(c);
    }
    if (fd >= 0) close(fd);
}

static void no_error_message_or_log_line_contains_pii(const void *arg) {
    (void)arg;
    CHECK(pii_log_lines() > 0);
    CHECK_INT(pii_report_leaks(), 0);
}

#define RUN(fn) test_run(#fn, fn, NULL)

int main(int argc, char **argv) {
    int status;
    (void)argc;
    (void)argv;
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (getenv("WXFACE_TEST_LOG") != NULL && !pii_log_to_file(getenv("WXFACE_TEST_LOG"))) {
        fprintf(stderr, "cannot write %s\n", getenv("WXFACE_TEST_LOG"));
        return 2;
    }
    if (sandbox_start(&sb) != 0) {
        fprintf(stderr, "cannot start the sandbox (WXFACE_SANDBOX=%s)\n", getenv("WXFACE_SANDBOX"));
        return 2;
    }
    pii_forbid(NAME);
    pii_forbid(ID);
    RUN(warm_verify_calls_start_no_thread_and_look_the_host_up_once);
    RUN(a_refused_connection_makes_the_next_call_look_the_host_up_again);
    RUN(a_warm_verify_sends_its_request_in_one_call_and_switches_no_socket_mode);
    sandbox_stop(&sb);
    RUN(no_error_message_or_log_line_contains_pii);
    status = test_summary();
    pii_free_all();
    return status;
}
