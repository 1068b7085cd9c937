#!/usr/bin/env bash
# Lints and tests the Go binding against the sandbox: go vet, gofmt, then
# go test -race. Runnable from any directory.
#
# WXFACE_LIBRARY: the shared library to test, in any directory and under
#   any name (a cargo target/release, a release archive's
#   lib/libwxface.so.VERSION); nothing is written beside it. Linked
#   dynamically; WXFACE_GO_LINK=static links that directory's libwxface.a
#   instead, as the README tells users to. Unset: the checkout's
#   target/debug, built here first, linked statically (link_static.go).
# WXFACE_SANDBOX: the wxface-sandbox binary (default: next to the library).
# WXFACE_GO_BENCH=1 also runs the cert_hash benchmarks.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
    export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || { echo "test.sh: go is not installed" >&2; exit 1; }
export CGO_ENABLED=1

tags=()
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
if [ -z "${WXFACE_LIBRARY:-}" ]; then
    # Keep the static library in step with the header the package reads.
    (cd "$root" && cargo build --quiet)
    libdir="$root/target/debug"
else
    [ -f "$WXFACE_LIBRARY" ] || { echo "test.sh: WXFACE_LIBRARY=$WXFACE_LIBRARY not found" >&2; exit 1; }
    lib="$(cd "$(dirname "$WXFACE_LIBRARY")" && pwd -P)/$(basename "$WXFACE_LIBRARY")"
    libdir="$(dirname "$lib")"
    if [ "${WXFACE_GO_LINK:-dynamic}" = static ]; then
        [ -f "$libdir/libwxface.a" ] || { echo "test.sh: no libwxface.a beside $lib" >&2; exit 1; }
        tags=(-tags wxface_external)
        export CGO_LDFLAGS="$libdir/libwxface.a -ldl -lm -lpthread ${CGO_LDFLAGS:-}"
    elif [ "$libdir" != "$root/target/debug" ]; then
        # -lwxface through a directory of links made here: the test binary
        # records the SONAME (libwxface.so.0.2), which a cargo build
        # directory lacks, and finds it through an absolute rpath.
        soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
        ln -s "$lib" "$scratch/libwxface.so"
        [ -z "$soname" ] || [ "$soname" = libwxface.so ] || ln -s "$lib" "$scratch/$soname"
        tags=(-tags wxface_dynamic)
        export CGO_LDFLAGS="-L$scratch -Wl,-rpath,$scratch ${CGO_LDFLAGS:-}"
    fi
fi
export WXFACE_SANDBOX="${WXFACE_SANDBOX:-$libdir/wxface-sandbox}"
[ -x "$WXFACE_SANDBOX" ] || WXFACE_SANDBOX="$root/target/debug/wxface-sandbox"

echo "== go vet"
go vet "${tags[@]}" ./...

echo "== gofmt"
unformatted="$(gofmt -l .)"
if [ -n "$unformatted" ]; then
    echo "gofmt would change:" >&2
    echo "$unformatted" >&2
    exit 1
fi

echo "== go test -race"
# -v for the count: every test and subtest that passed or failed.
log="$scratch/go-test.log"
status=0
go test "${tags[@]}" -race -count=1 -v ./... >"$log" 2>&1 || status=$?
grep -v "^ *=== \(RUN\|PAUSE\|CONT\|NAME\)" "$log" || true
passed="$(grep -c -- '--- PASS' "$log" || true)"
failed="$(grep -c -- '--- FAIL' "$log" || true)"
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$passed" -gt 0 ] && [ "$failed" -eq 0 ] || exit 1

echo "== go test -run Allocates (without -race: the race detector's sync.Pool drops entries)"
go test "${tags[@]}" -count=1 -v -run 'Allocates' ./... >"$log" 2>&1 || status=$?
grep -- '--- \(PASS\|FAIL\|SKIP\)' "$log" || true
allocs_passed="$(grep -c -- '--- PASS' "$log" || true)"
[ "$status" -eq 0 ] && [ "$allocs_passed" -eq 1 ] || { cat "$log" >&2; echo "expected 1 allocation test to pass" >&2; exit 1; }

if [ "${WXFACE_GO_BENCH:-0}" = 1 ]; then
    echo "== go test -bench CertHash"
    go test "${tags[@]}" -run '^$' -bench CertHash -benchtime 2s ./...
fi
