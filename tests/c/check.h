/*
 * A tiny test harness: named tests, assertions that record file:line and
 * let the test go on, and a collector of every error message and log line
 * the library produced, for the PII check at the end of the run.
 */
#ifndef WXFACE_TEST_CHECK_H
#define WXFACE_TEST_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "wxface.h"

/* Records a failure of the running test (message printed with file:line). */
void check_fail(const char *file, int line, const char *fmt, ...);

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond)) check_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);   \
    } while (0)

#define CHECK_MSG(cond, ...)                                               \
    do {                                                                   \
        if (!(cond)) check_fail(__FILE__, __LINE__, __VA_ARGS__);          \
    } while (0)

#define CHECK_INT(actual, expected)                                        \
    do {                                                                   \
        long long a_ = (long long)(actual), e_ = (long long)(expected);    \
        if (a_ != e_)                                                      \
            check_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", \
                       #actual, a_, #expected, e_);                        \
    } while (0)

#define CHECK_STR(actual, expected)                                        \
    do {                                                                   \
        const char *a_ = (actual), *e_ = (expected);                       \
        if (a_ == NULL || e_ == NULL || strcmp(a_, e_) != 0)               \
            check_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"",  \
                       #actual, a_ ? a_ : "(null)", e_ ? e_ : "(null)");   \
    } while (0)

/* A call's return code and error struct: code, the struct's copy of it,
   and the message collected for the PII check. */
#define CHECK_CODE(rc, err, expected)                                      \
    check_code(__FILE__, __LINE__, (rc), (err), (expected), #expected)
void check_code(const char *file, int line, int32_t rc, const wxface_error *err,
                int32_t expected, const char *expected_name);

/* Whether the running test has failed so far (to skip dependent steps). */
int check_failed(void);

/* Registering and running tests. A test's `arg` is handed back to it. */
typedef void (*test_fn)(const void *arg);
void test_run(const char *name, test_fn fn, const void *arg);
/* Prints "N passed, M failed"; returns the exit status. */
int test_summary(void);

/* The PII collector. `pii_note_message` keeps a copy of an error message,
   `pii_note_log` a log line; `pii_forbid` registers a string that must
   never appear in either (names, ID numbers, secrets, tokens...). */
void pii_note_message(const char *message);
void pii_forbid(const char *secret_text);
size_t pii_messages(void);
size_t pii_log_lines(void);
size_t pii_log_lines_at(int32_t level);
/* Every collected text containing a forbidden string (case-insensitive
   for ASCII); returns how many leaks were reported. */
size_t pii_report_leaks(void);
/* Whether some collected log line contains `needle`. */
int pii_log_contains(const char *needle);
void pii_free_all(void);

/* Also appends every log line to `path` ("LEVEL message"), for reading. */
int pii_log_to_file(const char *path);

/* A log callback that feeds the collector; user_data is unused. */
void WXFACE_CALL pii_log_callback(void *user_data, int32_t level, const char *message);

#endif
