/* Growable strings, whole-file reads and base64 decoding for the tests. */
#ifndef WXFACE_TEST_TEXT_H
#define WXFACE_TEST_TEXT_H

#include <stddef.h>

typedef struct {
    char *data; /* NUL-terminated; NULL until something is appended */
    size_t len, cap;
} strbuf;

void sb_append(strbuf *b, const char *s, size_t n);
void sb_puts(strbuf *b, const char *s);
void sb_printf(strbuf *b, const char *fmt, ...);
/* s as a JSON string literal, quotes included. */
void sb_json_string(strbuf *b, const char *s);
void sb_free(strbuf *b);
/* The contents, "" if empty (never NULL). */
const char *sb_str(const strbuf *b);

/* The whole file, NUL-terminated (malloc'd), or NULL. */
char *read_file(const char *path, size_t *len);

/* Standard base64 (padding required); malloc'd bytes or NULL if malformed. */
unsigned char *base64_decode(const char *s, size_t *len);

#endif
