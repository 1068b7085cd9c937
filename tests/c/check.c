/* The harness behind check.h. Assertions may fire from worker threads, so
   the shared state sits behind one mutex. */
#define _POSIX_C_SOURCE 200809L

#include "check.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static const char *current = "(none)";
static int current_failures;
static int passed, failed;

void check_fail(const char *file, int line, const char *fmt, ...) {
    va_list ap;
    pthread_mutex_lock(&lock);
    fprintf(stdout, "    %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    fflush(stdout);
    current_failures++;
    pthread_mutex_unlock(&lock);
}

int check_failed(void) {
    int f;
    pthread_mutex_lock(&lock);
    f = current_failures;
    pthread_mutex_unlock(&lock);
    return f != 0;
}

void check_code(const char *file, int line, int32_t rc, const wxface_error *err,
                int32_t expected, const char *expected_name) {
    if (err != NULL) pii_note_message(err->message);
    if (rc != expected) {
        check_fail(file, line, "got %s (%d), expected %s: %s", wxface_code_name(rc), rc,
                   expected_name, err ? err->message : "(no error struct)");
        return;
    }
    if (err != NULL && err->code != rc)
        check_fail(file, line, "wxface_error.code %d differs from the return value %d", err->code, rc);
    if (err != NULL && rc == WXFACE_OK && err->message[0] != '\0')
        check_fail(file, line, "success left a message: %s", err->message);
    if (err != NULL && rc != WXFACE_OK && err->message[0] == '\0')
        check_fail(file, line, "%s came with an empty message", expected_name);
}

void test_run(const char *name, test_fn fn, const void *arg) {
    pthread_mutex_lock(&lock);
    current = name;
    current_failures = 0;
    pthread_mutex_unlock(&lock);
    fn(arg);
    pthread_mutex_lock(&lock);
    if (current_failures == 0) {
        passed++;
        printf("ok   %s\n", current);
    } else {
        failed++;
        printf("FAIL %s\n", current);
    }
    fflush(stdout);
    pthread_mutex_unlock(&lock);
}

int test_summary(void) {
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}

/* ---- PII collector ---------------------------------------------------- */

typedef struct {
    char **items;
    int32_t *levels;
    size_t len, cap;
} text_list;

static text_list messages, log_lines, forbidden;
static FILE *log_file;

int pii_log_to_file(const char *path) {
    log_file = fopen(path, "w");
    return log_file != NULL;
}

static void list_push(text_list *l, const char *s, int32_t level) {
    if (l->len == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        char **items = realloc(l->items, cap * sizeof *items);
        int32_t *levels = realloc(l->levels, cap * sizeof *levels);
        if (items == NULL || levels == NULL) {
            fprintf(stderr, "out of memory\n");
            abort();
        }
        l->items = items;
        l->levels = levels;
        l->cap = cap;
    }
    l->items[l->len] = malloc(strlen(s) + 1);
    if (l->items[l->len] == NULL) abort();
    strcpy(l->items[l->len], s);
    l->levels[l->len] = level;
    l->len++;
}

static void list_free(text_list *l) {
    size_t i;
    for (i = 0; i < l->len; i++) free(l->items[i]);
    free(l->items);
    free(l->levels);
    memset(l, 0, sizeof *l);
}

void pii_note_message(const char *message) {
    pthread_mutex_lock(&lock);
    if (message[0] != '\0') list_push(&messages, message, 0);
    pthread_mutex_unlock(&lock);
}

void WXFACE_CALL pii_log_callback(void *user_data, int32_t level, const char *message) {
    (void)user_data;
    pthread_mutex_lock(&lock);
    list_push(&log_lines, message, level);
    if (log_file != NULL) fprintf(log_file, "%d %s\n", level, message);
    pthread_mutex_unlock(&lock);
}

/* ID numbers also leak in full width (legacy input is echoed as given). */
static void forbid_full_width(const char *s, const char *x) {
    char wide[3 * 40 + 1];
    size_t i, n = strlen(s), o = 0;
    if (n < 15 || n > 40) return;
    for (i = 0; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            wide[o++] = (char)0xEF;
            wide[o++] = (char)0xBC;
            wide[o++] = (char)(0x90 + (s[i] - '0'));
        } else if (s[i] == 'x' || s[i] == 'X') {
            memcpy(wide + o, x, 3);
            o += 3;
        } else {
            return;
        }
    }
    wide[o] = '\0';
    list_push(&forbidden, wide, 0);
}

void pii_forbid(const char *secret_text) {
    size_t i;
    if (secret_text == NULL || secret_text[0] == '\0') return;
    pthread_mutex_lock(&lock);
    for (i = 0; i < forbidden.len; i++) {
        if (strcmp(forbidden.items[i], secret_text) == 0) {
            pthread_mutex_unlock(&lock);
            return;
        }
    }
    list_push(&forbidden, secret_text, 0);
    forbid_full_width(secret_text, "\xEF\xBC\xB8"); /* Ｘ */
    forbid_full_width(secret_text, "\xEF\xBD\x98"); /* ｘ */
    pthread_mutex_unlock(&lock);
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* ASCII-case-insensitive substring search over bytes. */
static int contains_nocase(const char *hay, const char *needle) {
    size_t n = strlen(needle), i;
    for (; *hay; hay++) {
        for (i = 0; i < n && hay[i] && lower((unsigned char)hay[i]) == lower((unsigned char)needle[i]); i++)
            ;
        if (i == n) return 1;
    }
    return 0;
}

size_t pii_messages(void) { return messages.len; }
size_t pii_log_lines(void) { return log_lines.len; }

size_t pii_log_lines_at(int32_t level) {
    size_t i, n = 0;
    pthread_mutex_lock(&lock);
    for (i = 0; i < log_lines.len; i++) n += log_lines.levels[i] == level;
    pthread_mutex_unlock(&lock);
    return n;
}

int pii_log_contains(const char *needle) {
    size_t i;
    int found = 0;
    pthread_mutex_lock(&lock);
    for (i = 0; i < log_lines.len && !found; i++) found = strstr(log_lines.items[i], needle) != NULL;
    pthread_mutex_unlock(&lock);
    return found;
}

static size_t leaks_in(const text_list *texts, const char *what) {
    size_t i, j, leaks = 0;
    for (i = 0; i < texts->len; i++) {
        for (j = 0; j < forbidden.len; j++) {
            if (contains_nocase(texts->items[i], forbidden.items[j])) {
                printf("    PII leak in %s #%zu (forbidden string #%zu): %s\n", what, i, j, texts->items[i]);
                leaks++;
            }
        }
    }
    return leaks;
}

size_t pii_report_leaks(void) {
    size_t n;
    pthread_mutex_lock(&lock);
    n = leaks_in(&messages, "error message") + leaks_in(&log_lines, "log line");
    pthread_mutex_unlock(&lock);
    return n;
}

void pii_free_all(void) {
    pthread_mutex_lock(&lock);
    list_free(&messages);
    list_free(&log_lines);
    list_free(&forbidden);
    if (log_file != NULL) fclose(log_file);
    log_file = NULL;
    pthread_mutex_unlock(&lock);
}
