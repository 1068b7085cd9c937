/*
 * Nanoseconds per call of wxface_cert_hash straight from C: the figure the
 * bindings' own benchmarks compare their call overhead against.
 *
 * Usage: bench_offline [CALLS]   (default 1000000)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wxface.h"

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    const char *name = "\xE5\xBC\xA0\xE4\xB8\x89", *id = "11010519491231002X"; /* 张三 */
    unsigned long calls = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000UL, i;
    char out[65];
    wxface_error err;
    double t0, elapsed;

    for (i = 0; i < calls / 10 + 1; i++) /* warm-up */
        if (wxface_cert_hash("IDENTITY_CARD", name, id, out, &err) != WXFACE_OK) {
            fprintf(stderr, "wxface_cert_hash: %s\n", err.message);
            return 1;
        }
    t0 = now_s();
    for (i = 0; i < calls; i++) wxface_cert_hash("IDENTITY_CARD", name, id, out, &err);
    elapsed = now_s() - t0;
    if (strcmp(out, "471b502b022b21f3e120c5deb08295259bd77cac82956ebffc055c6fced73ce0") != 0) {
        fprintf(stderr, "wxface_cert_hash gave %s\n", out);
        return 1;
    }
    printf("wxface_cert_hash from C: %.0f ns per call (%lu calls)\n", elapsed * 1e9 / (double)calls, calls);
    return 0;
}
