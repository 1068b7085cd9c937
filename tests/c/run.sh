#!/usr/bin/env bash
# The C test suite: builds tests/c against the committed include/wxface.h and
# the built libwxface.so (C99, warnings as errors), runs it, runs it again
# built with AddressSanitizer and UndefinedBehaviorSanitizer, and once more
# under valgrind memcheck. Ends with one line "N passed, M failed".
# Each run's output and its trace-level log lines (every line the library
# logged, PII-checked by the suite) stay in target/c-tests/.
#
# WXFACE_LIBRARY (libwxface.so) and WXFACE_SANDBOX (wxface-sandbox) default
# to target/debug/, built with `cargo build` when unset.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [[ -z ${WXFACE_LIBRARY:-} || -z ${WXFACE_SANDBOX:-} ]]; then
    (cd "$root" && cargo build --quiet)
fi
lib="${WXFACE_LIBRARY:-$root/target/debug/libwxface.so}"
export WXFACE_SANDBOX="${WXFACE_SANDBOX:-$root/target/debug/wxface-sandbox}"
libdir="$(cd "$(dirname "$lib")" && pwd)"
libname="$(basename "$lib" .so)"
libname="${libname#lib}"
"$root/scripts/soname-link.sh" "$libdir"
[[ -f $lib ]] || { echo "no library at $lib" >&2; exit 2; }
[[ -x $WXFACE_SANDBOX ]] || { echo "no sandbox at $WXFACE_SANDBOX" >&2; exit 2; }

out="$root/target/c-tests"
mkdir -p "$out"
sources=("$here"/test_wxface.c "$here"/test_audit.c "$here"/check.c "$here"/json.c "$here"/text.c "$here"/http.c "$here"/sandbox.c)
cflags=(-std=c99 -Wall -Wextra -Werror -pedantic -g -pthread -I"$root/include" -I"$here")
link=(-L"$libdir" -l"$libname" -Wl,-rpath,"$libdir")

gcc "${cflags[@]}" -O1 -o "$out/test_wxface" "${sources[@]}" "${link[@]}"
# Counts threads and lookups by defining pthread_create and getaddrinfo,
# which the sanitizers' and valgrind's own interceptors would fight: plain only.
gcc "${cflags[@]}" -O1 -o "$out/test_per_call" "$here"/test_per_call.c "$here"/check.c "$here"/json.c \
    "$here"/text.c "$here"/http.c "$here"/sandbox.c "${link[@]}" -ldl
gcc "${cflags[@]}" -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer \
    -o "$out/test_wxface_asan" "${sources[@]}" "${link[@]}"

passed=0
failed=0
# Runs one build, prefixing its lines with [label], and adds its counts.
run() {
    local label=$1 rc summary p f
    shift
    echo "== $label: $*"
    set +e
    WXFACE_TEST_LOG="$out/$label-wxface.log" "$@" "$root" 2>&1 | tee "$out/$label.log" | sed -u "s/^/[$label] /"
    rc=${PIPESTATUS[0]}
    set -e
    summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out/$label.log" | tail -n 1 || true)"
    if [[ -z $summary ]]; then
        echo "[$label] no summary: the run died (exit status $rc)"
        failed=$((failed + 1))
        return
    fi
    p="${summary%% passed*}"
    f="${summary#*, }"
    f="${f%% failed}"
    passed=$((passed + p))
    failed=$((failed + f))
    if [[ $rc -ne 0 && $f -eq 0 ]]; then
        echo "[$label] exit status $rc with every test passing: the sanitizer or valgrind found errors"
        failed=$((failed + 1))
    fi
}

run plain "$out/test_wxface"
run per-call "$out/test_per_call"
# LeakSanitizer also sees the Rust side: libwxface allocates with malloc.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run asan "$out/test_wxface_asan"
supp=()
[[ -f $here/valgrind.supp ]] && supp=(--suppressions="$here/valgrind.supp")
run valgrind valgrind --quiet --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --error-exitcode=1 \
    "${supp[@]}" "$out/test_wxface"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
