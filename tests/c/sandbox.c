#define _POSIX_C_SOURCE 200809L
#include "sandbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "text.h"

/* An HTTP exchange on loopback, its answer parsed (NULL if it is not JSON). */
static json *http_json(int port, const char *method, const char *path, const char *body, int *status) {
    char *text = NULL;
    size_t len = 0;
    json *v;
    int st = http_request(port, method, path, body, &text, &len);
    if (status) *status = st;
    if (text == NULL) return NULL;
    v = json_parse(text, len);
    free(text);
    return v;
}

#ifdef _WIN32

/* Under wine the Linux sandbox cannot be a child of this Windows program:
   wine's CreateProcess starts a Unix binary detached and reports success
   without filling in PROCESS_INFORMATION, so there is no handle to wait on
   or terminate (closing what it leaves there closed unrelated handles of
   this program) and no pipe to read the sandbox's port from. A launcher
   running natively on loopback (tests/c/sandbox_launcher.py, started by
   make cross, its port in WXFACE_SANDBOX_LAUNCHER) starts and kills
   sandboxes for us instead, as fork/exec and SIGKILL do on Linux. */
static int launcher_port(void) {
    const char *port = getenv("WXFACE_SANDBOX_LAUNCHER");
    return port != NULL ? atoi(port) : 0;
}

int sandbox_start(sandbox *sb) {
    json *answer;
    int status = 0, launcher = launcher_port();

    memset(sb, 0, sizeof *sb);
    if (launcher <= 0) {
        fprintf(stderr, "WXFACE_SANDBOX_LAUNCHER is not the port of tests/c/sandbox_launcher.py\n");
        return -1;
    }
    answer = http_json(launcher, "POST", "/start", NULL, &status);
    sb->port = (int)json_get_int(answer, "port", -1);
    json_free(answer);
    if (status != 200 || sb->port <= 0) {
        fprintf(stderr, "sandbox launcher on port %d: no sandbox (HTTP %d)\n", launcher, status);
        sb->port = 0;
        return -1;
    }
    snprintf(sb->base, sizeof sb->base, "http://127.0.0.1:%d", sb->port);
    return 0;
}

void sandbox_stop(sandbox *sb) {
    char body[32];
    int status = 0;
    if (sb->port > 0) {
        snprintf(body, sizeof body, "{\"port\":%d}", sb->port);
        json_free(http_json(launcher_port(), "POST", "/stop", body, &status));
        if (status != 200) fprintf(stderr, "sandbox on port %d: not stopped (HTTP %d)\n", sb->port, status);
    }
    sb->port = 0;
}

#else

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define LISTEN_PREFIX "wxface-sandbox listening on http://127.0.0.1:"

int sandbox_start(sandbox *sb) {
    const char *bin = getenv("WXFACE_SANDBOX");
    char line[256];
    size_t n = 0;
    int fds[2];
    pid_t pid;

    memset(sb, 0, sizeof *sb);
    sb->stdout_fd = -1;
    if (bin == NULL || bin[0] == '\0') bin = "target/debug/wxface-sandbox";
    if (pipe(fds) != 0) return -1;
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        /* Only async-signal-safe calls between fork and exec. */
        int devnull = open("/dev/null", O_WRONLY);
        dup2(fds[1], STDOUT_FILENO);
        if (devnull >= 0) dup2(devnull, STDERR_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl(bin, bin, "--listen", "127.0.0.1:0", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    sb->pid = pid;
    sb->stdout_fd = fds[0];
    while (n + 1 < sizeof line) {
        char c;
        if (read(fds[0], &c, 1) != 1) break;
        if (c == '\n') break;
        line[n++] = c;
    }
    line[n] = '\0';
    if (strncmp(line, LISTEN_PREFIX, strlen(LISTEN_PREFIX)) != 0 ||
        (sb->port = atoi(line + strlen(LISTEN_PREFIX))) <= 0) {
        fprintf(stderr, "sandbox %s: unexpected first line \"%s\"\n", bin, line);
        sandbox_stop(sb);
        return -1;
    }
    snprintf(sb->base, sizeof sb->base, "http://127.0.0.1:%d", sb->port);
    return 0;
}

void sandbox_stop(sandbox *sb) {
    if (sb->pid > 0) {
        kill(sb->pid, SIGKILL);
        waitpid(sb->pid, NULL, 0);
        sb->pid = 0;
    }
    if (sb->stdout_fd >= 0) {
        close(sb->stdout_fd);
        sb->stdout_fd = -1;
    }
}

#endif

json *sandbox_call(const sandbox *sb, const char *method, const char *path, const char *body, int *status) {
    return http_json(sb->port, method, path, body, status);
}

int sandbox_post(const sandbox *sb, const char *path, const char *body) {
    int status;
    json_free(sandbox_call(sb, "POST", path, body, &status));
    return status == 200;
}

long long sandbox_stat(const sandbox *sb, const char *counter) {
    json *stats = sandbox_call(sb, "GET", "/sandbox/stats", NULL, NULL);
    long long n = json_get_int(stats, counter, -1);
    json_free(stats);
    return n;
}

long long sandbox_requests(const sandbox *sb, const char *path) {
    json *stats = sandbox_call(sb, "GET", "/sandbox/stats", NULL, NULL);
    long long n = stats == NULL ? -1 : json_get_int(json_get(stats, "requests"), path, 0);
    json_free(stats);
    return n;
}

char *sandbox_live_token(const sandbox *sb) {
    json *r = sandbox_call(sb, "POST", "/cgi-bin/stable_token",
                           "{\"grant_type\":\"client_credential\",\"appid\":\"" SANDBOX_APPID
                           "\",\"secret\":\"" SANDBOX_SECRET "\",\"force_refresh\":false}",
                           NULL);
    const char *t = json_str(json_get(r, "access_token"));
    char *copy = NULL;
    if (t != NULL && (copy = malloc(strlen(t) + 1)) != NULL) strcpy(copy, t);
    json_free(r);
    return copy;
}

/* Left out of programs that load the library themselves (tests/c/stdcall_loadlibrary.c). */
#ifndef SANDBOX_WITHOUT_LIBRARY
wxface_config *sandbox_config(const sandbox *sb, wxface_log_callback log) {
    wxface_config *cfg = wxface_config_new();
    const char *pairs[][2] = {
        {"appid", SANDBOX_APPID}, {"secret", SANDBOX_SECRET}, {"api_base", sb->base}, {"proxy", "none"}};
    size_t i;
    if (cfg == NULL) return NULL;
    for (i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        if (wxface_config_set(cfg, pairs[i][0], pairs[i][1], NULL) != WXFACE_OK) goto fail;
    }
    if (log != NULL && (wxface_config_set(cfg, "log_level", "trace", NULL) != WXFACE_OK ||
                        wxface_config_set_log_callback(cfg, log, NULL, NULL) != WXFACE_OK))
        goto fail;
    return cfg;
fail:
    wxface_config_free(cfg);
    return NULL;
}
#endif
