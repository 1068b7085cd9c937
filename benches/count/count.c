/*
 * LD_PRELOAD shim for the benchmarks: counts pthread_create and
 * getaddrinfo calls in the process and forwards them to the C library.
 * A benchmark reads the counts through dlsym(RTLD_DEFAULT, ...) of the two
 * functions below; without the shim they are absent and it prints "n/a".
 */
#define _GNU_SOURCE

#include <dlfcn.h>
#include <netdb.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static unsigned long threads_started;
static unsigned long lookups;

unsigned long wxface_bench_threads_started(void) { return __sync_add_and_fetch(&threads_started, 0); }
unsigned long wxface_bench_lookups(void) { return __sync_add_and_fetch(&lookups, 0); }

static void *next_symbol(const char *name) {
    void *sym = dlsym(RTLD_NEXT, name);
    if (sym == NULL) abort();
    return sym;
}

typedef int (*pthread_create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg) {
    static pthread_create_fn real;
    if (real == NULL) {
        void *sym = next_symbol("pthread_create");
        memcpy(&real, &sym, sizeof real);
    }
    __sync_fetch_and_add(&threads_started, 1);
    return real(thread, attr, start, arg);
}

typedef int (*getaddrinfo_fn)(const char *, const char *, const struct addrinfo *, struct addrinfo **);
int getaddrinfo(const char *restrict node, const char *restrict service, const struct addrinfo *restrict hints,
                struct addrinfo **restrict res) {
    static getaddrinfo_fn real;
    if (real == NULL) {
        void *sym = next_symbol("getaddrinfo");
        memcpy(&real, &sym, sizeof real);
    }
    __sync_fetch_and_add(&lookups, 1);
    return real(node, service, hints, res);
}
