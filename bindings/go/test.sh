#!/usr/bin/env bash
# Lints and tests the Go binding against the sandbox: go vet, gofmt, then
# go test -race. Runnable from any directory.
#
# WXFACE_LIBRARY: libwxface.so to test, from any directory (linked
#   dynamically; WXFACE_GO_LINK=static links that directory's libwxface.a
#   instead). Unset: the checkout's target/debug, built here first.
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
if [ -z "${WXFACE_LIBRARY:-}" ]; then
    # Keep the static library in step with the header the package reads.
    (cd "$root" && cargo build --quiet)
    libdir="$root/target/debug"
else
    libdir="$(cd "$(dirname "$WXFACE_LIBRARY")" && pwd)"
    if [ "$libdir" != "$root/target/debug" ] && [ "${WXFACE_GO_LINK:-dynamic}" = static ]; then
        # Another build's static library (e.g. a release archive's lib/),
        # linked as the README tells users to.
        tags=(-tags wxface_external)
        export CGO_LDFLAGS="$libdir/libwxface.a -ldl -lm -lpthread ${CGO_LDFLAGS:-}"
    elif [ "$libdir" != "$root/target/debug" ]; then
        # Another build (e.g. release): link it dynamically, found through an
        # absolute rpath in the test binary only. The program records the
        # SONAME (libwxface.so.0.2), which a cargo build directory lacks.
        "$root/scripts/soname-link.sh" "$libdir"
        tags=(-tags wxface_dynamic)
        export CGO_LDFLAGS="-L$libdir -Wl,-rpath,$libdir ${CGO_LDFLAGS:-}"
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
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
go test "${tags[@]}" -race -count=1 -v ./... >"$log" 2>&1 || status=$?
grep -v "^ *=== \(RUN\|PAUSE\|CONT\|NAME\)" "$log" || true
passed="$(grep -c -- '--- PASS' "$log" || true)"
failed="$(grep -c -- '--- FAIL' "$log" || true)"
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$passed" -gt 0 ] && [ "$failed" -eq 0 ] || exit 1

if [ "${WXFACE_GO_BENCH:-0}" = 1 ]; then
    echo "== go test -bench CertHash"
    go test "${tags[@]}" -run '^$' -bench CertHash -benchtime 2s ./...
fi
