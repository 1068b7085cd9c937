#define _POSIX_C_SOURCE 200809L
#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#ifdef _WIN32
#include <winsock2.h>
typedef SOCKET socket_t;
#define close_socket closesocket
#define SEND_FLAGS 0
/* Winsock wants the timeout as milliseconds in a DWORD. */
static void set_timeouts(socket_t fd) {
    DWORD ms = 10000;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, (const char *)&ms, sizeof ms);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, (const char *)&ms, sizeof ms);
}
static int socket_ok(socket_t fd) { return fd != INVALID_SOCKET; }
/* WSAStartup counts its calls: one per socket costs nothing worth a flag. */
static socket_t new_socket(void) {
    WSADATA wsa;
    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) return INVALID_SOCKET;
    return socket(AF_INET, SOCK_STREAM, 0);
}
#else
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
typedef int socket_t;
#define close_socket close
#define SEND_FLAGS MSG_NOSIGNAL
static void set_timeouts(socket_t fd) {
    struct timeval tv = {10, 0}; /* a stuck sandbox fails the test, not the run */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}
static int socket_ok(socket_t fd) { return fd >= 0; }
static socket_t new_socket(void) { return socket(AF_INET, SOCK_STREAM, 0); }
#endif

static int send_all(socket_t fd, const char *p, size_t n) {
    while (n > 0) {
        int w = (int)send(fd, p, (int)n, SEND_FLAGS);
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int http_request(int port, const char *method, const char *path, const char *body, char **body_out,
                 size_t *body_len) {
    struct sockaddr_in addr;
    strbuf req = {0}, resp = {0};
    char chunk[16384], *head_end, *copy;
    int n, status = -1;
    socket_t fd;
    size_t blen;

    *body_out = NULL;
    fd = new_socket();
    if (!socket_ok(fd)) return -1;
    set_timeouts(fd);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) goto done;

    sb_printf(&req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n", method, path, port);
    if (body != NULL)
        sb_printf(&req, "Content-Type: application/json\r\nContent-Length: %zu\r\n", strlen(body));
    else if (strcmp(method, "GET") != 0)
        sb_puts(&req, "Content-Length: 0\r\n");
    sb_puts(&req, "\r\n");
    if (body != NULL) sb_puts(&req, body);
    if (send_all(fd, sb_str(&req), req.len) != 0) goto done;

    while ((n = (int)recv(fd, chunk, (int)sizeof chunk, 0)) > 0) sb_append(&resp, chunk, (size_t)n);
    if (n < 0 || resp.data == NULL) goto done;
    head_end = strstr(resp.data, "\r\n\r\n");
    if (head_end == NULL || sscanf(resp.data, "HTTP/1.%*c %d", &status) != 1) {
        status = -1;
        goto done;
    }
    blen = resp.len - (size_t)(head_end + 4 - resp.data);
    copy = malloc(blen + 1);
    if (copy == NULL) {
        status = -1;
        goto done;
    }
    memcpy(copy, head_end + 4, blen);
    copy[blen] = '\0';
    *body_out = copy;
    if (body_len) *body_len = blen;
done:
    close_socket(fd);
    sb_free(&req);
    sb_free(&resp);
    return status;
}
