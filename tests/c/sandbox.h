/*
 * The sandbox as the tests use it: spawned with fork/exec on 127.0.0.1:0,
 * its listen line read from stdout, its control API spoken over http.c.
 * Built for Windows (the suite under wine, `make cross`), it is the Linux
 * sandbox all the same, started and killed by a launcher running natively
 * on loopback (tests/c/sandbox_launcher.py): see sandbox.c.
 */
#ifndef WXFACE_TEST_SANDBOX_H
#define WXFACE_TEST_SANDBOX_H

#ifdef _WIN32
#include <winsock2.h> /* before windows.h, which it includes */
#else
#include <sys/types.h>
#endif

#include "json.h"
#include "wxface.h"

#define SANDBOX_APPID "wx5a3d6f1e2b4c8d90"
#define SANDBOX_SECRET "sandbox-secret-0123456789abcdef"

typedef struct {
#ifndef _WIN32
    pid_t pid;
    int stdout_fd;
#endif
    int port;
    char base[64]; /* http://127.0.0.1:PORT */
} sandbox;

/* Starts $WXFACE_SANDBOX (or target/debug/wxface-sandbox); on Windows asks
   the launcher on port $WXFACE_SANDBOX_LAUNCHER for one. 0 on success. */
int sandbox_start(sandbox *sb);
void sandbox_stop(sandbox *sb);

/* A control or WeChat request; the answer parsed (json_free it), or NULL if
   the exchange failed or the body is not JSON. *status gets the HTTP status. */
json *sandbox_call(const sandbox *sb, const char *method, const char *path, const char *body, int *status);
/* POST with a JSON body; 1 if the sandbox answered 200. */
int sandbox_post(const sandbox *sb, const char *path, const char *body);
/* A counter of GET /sandbox/stats (`token_fetches`, `api_connections`...), -1 on failure. */
long long sandbox_stat(const sandbox *sb, const char *counter);
/* Requests received on a WeChat path so far (0 if none), -1 on failure. */
long long sandbox_requests(const sandbox *sb, const char *path);
/* The live access token, as /cgi-bin/stable_token hands it out (malloc'd), or NULL. */
char *sandbox_live_token(const sandbox *sb);

/* A configuration for this sandbox: appid, secret, api_base, proxy=none,
   and `log` (if not NULL) at log_level=trace. NULL on failure. */
#ifndef SANDBOX_WITHOUT_LIBRARY
wxface_config *sandbox_config(const sandbox *sb, wxface_log_callback log);
#endif

#endif
