#define _POSIX_C_SOURCE 200809L
#include "json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *p, *end;
    int depth;
} reader;

static int parse_value(reader *r, json *out);
static void free_contents(json *v);

static void skip_ws(reader *r) {
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')) r->p++;
}

static int literal(reader *r, const char *word) {
    size_t n = strlen(word);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0) return 0;
    r->p += n;
    return 1;
}

static int hex4(reader *r, unsigned *out) {
    int i;
    *out = 0;
    if (r->end - r->p < 4) return 0;
    for (i = 0; i < 4; i++) {
        char c = *r->p++;
        *out <<= 4;
        if (c >= '0' && c <= '9') *out |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') *out |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') *out |= (unsigned)(c - 'A' + 10);
        else return 0;
    }
    return 1;
}

static void put_utf8(strbuf *b, unsigned cp) {
    char u[4];
    if (cp < 0x80) {
        u[0] = (char)cp;
        sb_append(b, u, 1);
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3F));
        sb_append(b, u, 2);
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12);
        u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        sb_append(b, u, 3);
    } else {
        u[0] = (char)(0xF0 | cp >> 18);
        u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        sb_append(b, u, 4);
    }
}

/* Reads a string literal (r->p at the opening quote) into a malloc'd copy. */
static char *parse_string(reader *r) {
    strbuf b = {0};
    r->p++;
    while (r->p < r->end && *r->p != '"') {
        char c = *r->p++;
        if ((unsigned char)c < 0x20) goto fail;
        if (c != '\\') {
            sb_append(&b, &c, 1);
            continue;
        }
        if (r->p >= r->end) goto fail;
        c = *r->p++;
        switch (c) {
        case '"': case '\\': case '/': sb_append(&b, &c, 1); break;
        case 'b': sb_puts(&b, "\b"); break;
        case 'f': sb_puts(&b, "\f"); break;
        case 'n': sb_puts(&b, "\n"); break;
        case 'r': sb_puts(&b, "\r"); break;
        case 't': sb_puts(&b, "\t"); break;
        case 'u': {
            unsigned cp, low;
            if (!hex4(r, &cp)) goto fail;
            if (cp >= 0xD800 && cp < 0xDC00) {
                if (!literal(r, "\\u") || !hex4(r, &low) || low < 0xDC00 || low > 0xDFFF) goto fail;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            }
            put_utf8(&b, cp);
            break;
        }
        default: goto fail;
        }
    }
    if (r->p >= r->end) goto fail;
    r->p++;
    if (b.data == NULL) sb_puts(&b, "");
    return b.data;
fail:
    sb_free(&b);
    return NULL;
}

static int parse_number(reader *r, json *out) {
    const char *start = r->p;
    while (r->p < r->end && strchr("+-0123456789.eE", *r->p) != NULL) r->p++;
    if (r->p == start) return 0;
    out->type = JSON_NUMBER;
    out->text = malloc((size_t)(r->p - start) + 1);
    if (out->text == NULL) return 0;
    memcpy(out->text, start, (size_t)(r->p - start));
    out->text[r->p - start] = '\0';
    return 1;
}

static int push_item(json *container, json *item, char *key) {
    json *items = realloc(container->items, (container->count + 1) * sizeof *items);
    if (items == NULL) return 0;
    container->items = items;
    if (container->type == JSON_OBJECT) {
        char **keys = realloc(container->keys, (container->count + 1) * sizeof *keys);
        if (keys == NULL) return 0;
        container->keys = keys;
        keys[container->count] = key;
    }
    items[container->count++] = *item;
    return 1;
}

static int parse_container(reader *r, json *out, char close) {
    out->type = close == '}' ? JSON_OBJECT : JSON_ARRAY;
    r->p++;
    skip_ws(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        return 1;
    }
    for (;;) {
        json item;
        char *key = NULL;
        memset(&item, 0, sizeof item);
        skip_ws(r);
        if (close == '}') {
            if (r->p >= r->end || *r->p != '"' || (key = parse_string(r)) == NULL) return 0;
            skip_ws(r);
            if (r->p >= r->end || *r->p++ != ':') {
                free(key);
                return 0;
            }
        }
        if (!parse_value(r, &item) || !push_item(out, &item, key)) {
            free(key);
            free_contents(&item);
            return 0;
        }
        skip_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == close) {
            r->p++;
            return 1;
        }
        return 0;
    }
}

static int parse_value(reader *r, json *out) {
    int ok;
    skip_ws(r);
    if (r->p >= r->end || ++r->depth > 64) return 0;
    switch (*r->p) {
    case '{': ok = parse_container(r, out, '}'); break;
    case '[': ok = parse_container(r, out, ']'); break;
    case '"':
        out->type = JSON_STRING;
        ok = (out->text = parse_string(r)) != NULL;
        break;
    case 't': out->type = JSON_BOOL; out->boolean = 1; ok = literal(r, "true"); break;
    case 'f': out->type = JSON_BOOL; ok = literal(r, "false"); break;
    case 'n': out->type = JSON_NULL; ok = literal(r, "null"); break;
    default: ok = parse_number(r, out); break;
    }
    r->depth--;
    return ok;
}

static void free_contents(json *v) {
    size_t i;
    free(v->text);
    for (i = 0; i < v->count; i++) {
        free_contents(&v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
}

void json_free(json *v) {
    if (v == NULL) return;
    free_contents(v);
    free(v);
}

json *json_parse(const char *text, size_t len) {
    reader r;
    json *v = calloc(1, sizeof *v);
    if (v == NULL) return NULL;
    r.p = text;
    r.end = text + len;
    r.depth = 0;
    if (!parse_value(&r, v)) {
        json_free(v);
        return NULL;
    }
    skip_ws(&r);
    if (r.p != r.end) {
        json_free(v);
        return NULL;
    }
    return v;
}

const json *json_get(const json *v, const char *key) {
    size_t i;
    if (v == NULL || v->type != JSON_OBJECT) return NULL;
    for (i = 0; i < v->count; i++)
        if (strcmp(v->keys[i], key) == 0) return &v->items[i];
    return NULL;
}

const char *json_str(const json *v) { return v != NULL && v->type == JSON_STRING ? v->text : NULL; }

int json_int(const json *v, long long *out) {
    char *end;
    long long n;
    if (v == NULL || v->type != JSON_NUMBER) return 0;
    errno = 0;
    n = strtoll(v->text, &end, 10);
    if (errno != 0 || *end != '\0') return 0;
    *out = n;
    return 1;
}

long long json_get_int(const json *v, const char *key, long long fallback) {
    long long n;
    return json_int(json_get(v, key), &n) ? n : fallback;
}

void json_write(strbuf *b, const json *v) {
    size_t i;
    switch (v->type) {
    case JSON_NULL: sb_puts(b, "null"); break;
    case JSON_BOOL: sb_puts(b, v->boolean ? "true" : "false"); break;
    case JSON_NUMBER: sb_puts(b, v->text); break;
    case JSON_STRING: sb_json_string(b, v->text); break;
    case JSON_ARRAY:
    case JSON_OBJECT:
        sb_puts(b, v->type == JSON_ARRAY ? "[" : "{");
        for (i = 0; i < v->count; i++) {
            if (i) sb_puts(b, ",");
            if (v->type == JSON_OBJECT) {
                sb_json_string(b, v->keys[i]);
                sb_puts(b, ":");
            }
            json_write(b, &v->items[i]);
        }
        sb_puts(b, v->type == JSON_ARRAY ? "]" : "}");
        break;
    }
}
