#!/usr/bin/env bash
# Proves that scripts/natives.sh can refuse: small libraries made here with
# the host's and MinGW's compilers must be refused for being unstripped,
# needing a glibc newer than 2.17, or being for another CPU, and a stripped
# library needing only old glibc symbols accepted. Run first by
# package-jar.sh and package-wheels.sh. Ends with "N passed, M failed".
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/natives.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

# expect WANT PLATFORM FILE: WANT is "ok" or a text the refusal must contain.
expect() {
    local want=$1 plat=$2 file=$3 out status=0
    out=$(check_native "$plat" "$file" 2>&1) || status=$?
    if { [ "$want" = ok ] && [ $status -eq 0 ]; } || { [ "$want" != ok ] && [ $status -ne 0 ] && [[ $out == *"$want"* ]]; }; then
        passed=$((passed + 1))
    else
        echo "natives-selftest: $plat $(basename "$file"): wanted '$want', got (status $status) $out" >&2
        failed=$((failed + 1))
    fi
}

# Needs only GLIBC_2.2.5-era symbols.
printf '#include <string.h>\nsize_t old_only(const char *s) { return strlen(s); }\n' >"$work/old.c"
# pthread_create is GLIBC_2.34 since glibc moved libpthread into libc.
printf '#include <pthread.h>\nstatic void *f(void *a) { return a; }\nint new_glibc(void) { pthread_t t; return pthread_create(&t, 0, f, 0); }\n' >"$work/new.c"
cc -shared -fPIC -g -o "$work/old-debug.so" "$work/old.c"
strip -o "$work/old.so" "$work/old-debug.so"
cc -shared -fPIC -o "$work/new.so" "$work/new.c" -pthread
strip "$work/new.so"

expect ok linux-x86_64 "$work/old.so"
expect "not stripped" linux-x86_64 "$work/old-debug.so"
if [ "$(glibc_needed "$work/new.so")" = 2.34 ]; then
    expect "newer than $GLIBC_FLOOR" linux-x86_64 "$work/new.so"
else
    echo "natives-selftest: this machine's glibc links pthread_create at GLIBC_$(glibc_needed "$work/new.so"), not 2.34" >&2
    failed=$((failed + 1))
fi
expect "not linux-aarch64" linux-aarch64 "$work/old.so"
expect "not found" linux-x86_64 "$work/missing.so"
if command -v i686-w64-mingw32-gcc >/dev/null; then
    printf '__declspec(dllexport) int one(void) { return 1; }\n' >"$work/one.c"
    i686-w64-mingw32-gcc -shared -s -o "$work/one.dll" "$work/one.c"
    expect "not windows-x64" windows-x64 "$work/one.dll"
fi
echo "natives-selftest: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
