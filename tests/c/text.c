#define _POSIX_C_SOURCE 200809L
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void grow(strbuf *b, size_t extra) {
    size_t need = b->len + extra + 1, cap = b->cap ? b->cap : 64;
    char *data;
    if (need <= b->cap) return;
    while (cap < need) cap *= 2;
    data = realloc(b->data, cap);
    if (data == NULL) {
        fprintf(stderr, "out of memory\n");
        abort();
    }
    b->data = data;
    b->cap = cap;
}

void sb_append(strbuf *b, const char *s, size_t n) {
    grow(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void sb_puts(strbuf *b, const char *s) { sb_append(b, s, strlen(s)); }

void sb_printf(strbuf *b, const char *fmt, ...) {
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    grow(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void sb_json_string(strbuf *b, const char *s) {
    sb_puts(b, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            sb_append(b, esc, 2);
        } else if (c < 0x20) {
            sb_printf(b, "\\u%04x", c);
        } else {
            sb_append(b, s, 1);
        }
    }
    sb_puts(b, "\"");
}

void sb_free(strbuf *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

const char *sb_str(const strbuf *b) { return b->data ? b->data : ""; }

char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    strbuf b = {0};
    char chunk[8192];
    size_t n;
    if (f == NULL) return NULL;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) sb_append(&b, chunk, n);
    fclose(f);
    if (len) *len = b.len;
    if (b.data == NULL) {
        b.data = malloc(1);
        if (b.data) b.data[0] = '\0';
    }
    return b.data;
}

static int b64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

unsigned char *base64_decode(const char *s, size_t *len) {
    size_t n = strlen(s), i, o = 0;
    unsigned char *out;
    if (n % 4 != 0) return NULL;
    out = malloc(n / 4 * 3 + 1);
    if (out == NULL) return NULL;
    for (i = 0; i < n; i += 4) {
        int v[4], k, pad = 0;
        for (k = 0; k < 4; k++) {
            if (s[i + k] == '=' && i + 4 == n && k >= 2) {
                v[k] = 0;
                pad++;
            } else if ((v[k] = b64_value(s[i + k])) < 0 || pad) {
                free(out);
                return NULL;
            }
        }
        out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
        if (pad < 2) out[o++] = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
        if (pad < 1) out[o++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
    }
    out[o] = '\0';
    *len = o;
    return out;
}
