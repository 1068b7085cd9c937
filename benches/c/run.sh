#!/usr/bin/env bash
# Benchmarks through the C ABI (not tests): verify throughput against the
# sandbox at 1 and 8 threads with TCP connections per 1,000 calls, and
# wxface_cert_hash's cost per call. Uses the release build:
# WXFACE_LIBRARY / WXFACE_SANDBOX default to target/release/, built with
# `cargo build --release` when unset. Optional: CALLS (verify calls per run).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [[ -z ${WXFACE_LIBRARY:-} || -z ${WXFACE_SANDBOX:-} ]]; then
    (cd "$root" && cargo build --release --quiet)
fi
lib="${WXFACE_LIBRARY:-$root/target/release/libwxface.so}"
export WXFACE_SANDBOX="${WXFACE_SANDBOX:-$root/target/release/wxface-sandbox}"
libdir="$(cd "$(dirname "$lib")" && pwd)"
libname="$(basename "$lib" .so)"
libname="${libname#lib}"
"$root/scripts/soname-link.sh" "$libdir"

out="$root/target/c-bench"
mkdir -p "$out"
cflags=(-std=c99 -Wall -Wextra -Werror -pedantic -O2 -pthread -I"$root/include" -I"$root/tests/c")
link=(-L"$libdir" -l"$libname" -Wl,-rpath,"$libdir")
helpers=("$root"/tests/c/sandbox.c "$root"/tests/c/http.c "$root"/tests/c/json.c "$root"/tests/c/text.c)

gcc "${cflags[@]}" -o "$out/bench_verify" "$here/bench_verify.c" "${helpers[@]}" "${link[@]}"
gcc "${cflags[@]}" -o "$out/bench_offline" "$here/bench_offline.c" "${link[@]}"

echo "library: $lib"
"$out/bench_offline"
"$out/bench_verify" "${CALLS:-5000}"
