/*
 * A small JSON reader for the shared scenario lists and the sandbox's
 * control answers: a tree of values, numbers kept as their source text.
 */
#ifndef WXFACE_TEST_JSON_H
#define WXFACE_TEST_JSON_H

#include <stddef.h>

#include "text.h"

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

typedef struct json {
    json_type type;
    int boolean;
    char *text;          /* JSON_STRING: the decoded UTF-8; JSON_NUMBER: the literal */
    size_t count;        /* JSON_ARRAY, JSON_OBJECT: number of items */
    struct json *items;  /* the items (values of an object) */
    char **keys;         /* JSON_OBJECT: the keys, in source order */
} json;

/* The parsed document (free with json_free), or NULL if it is not JSON. */
json *json_parse(const char *text, size_t len);
void json_free(json *v);

/* An object's member, or NULL (also when `v` is NULL or not an object). */
const json *json_get(const json *v, const char *key);
/* A string's text, or NULL. */
const char *json_str(const json *v);
/* A whole number's value: 1 if `v` holds one, else 0. */
int json_int(const json *v, long long *out);
/* A member's whole number, or `fallback`. */
long long json_get_int(const json *v, const char *key, long long fallback);
/* Appends `v` as JSON text. */
void json_write(strbuf *b, const json *v);

#endif
