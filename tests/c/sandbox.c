#define _POSIX_C_SOURCE 200809L
#include "sandbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "text.h"

#ifdef _WIN32


/* A port the system just handed out as free; the sandbox binds it a moment
   later. Wine starts a Unix program without the pipe a Windows child would
   inherit, so the port cannot come back on the sandbox's stdout. */
static int free_loopback_port(void) {
    struct sockaddr_in addr;
    int len = (int)sizeof addr, port = -1;
    WSADATA wsa;
    SOCKET s;
    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0 || (s = socket(AF_INET, SOCK_STREAM, 0)) == INVALID_SOCKET) return -1;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *)&addr, sizeof addr) == 0 &&
        getsockname(s, (struct sockaddr *)&addr, &len) == 0)
        port = ntohs(addr.sin_port);
    closesocket(s);
    return port;
}

int sandbox_start(sandbox *sb) {
    const char *bin = getenv("WXFACE_SANDBOX");
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    strbuf cmd = {0};
    int tries, status = -1;

    memset(sb, 0, sizeof *sb);
    if (bin == NULL || bin[0] == '\0') return -1;
    if ((sb->port = free_loopback_port()) <= 0) return -1;
    snprintf(sb->base, sizeof sb->base, "http://127.0.0.1:%d", sb->port);
    sb_printf(&cmd, "\"%s\" --listen 127.0.0.1:%d", bin, sb->port);
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    if (!CreateProcessA(NULL, cmd.data, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        fprintf(stderr, "sandbox %s: CreateProcess failed (%lu)\n", bin, (unsigned long)GetLastError());
        sb_free(&cmd);
        return -1;
    }
    sb_free(&cmd);
    CloseHandle(pi.hThread);
    sb->process = pi.hProcess;
    /* Up to 10 s for it to answer its control API. */
    for (tries = 0; tries < 200 && status != 200; tries++) {
        json_free(sandbox_call(sb, "GET", "/sandbox/stats", NULL, &status));
        if (status != 200) Sleep(50);
    }
    if (status != 200) {
        fprintf(stderr, "sandbox %s: no answer on port %d\n", bin, sb->port);
        sandbox_stop(sb);
        return -1;
    }
    return 0;
}

/* Wine cannot terminate a Unix process: the sandbox is asked to exit. */
void sandbox_stop(sandbox *sb) {
    if (sb->port > 0) sandbox_post(sb, "/sandbox/shutdown", NULL);
    if (sb->process != NULL) {
        CloseHandle(sb->process);
        sb->process = NULL;
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
    char *text = NULL;
    size_t len = 0;
    json *v;
    int st = http_request(sb->port, method, path, body, &text, &len);
    if (status) *status = st;
    if (text == NULL) return NULL;
    v = json_parse(text, len);
    free(text);
    return v;
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
