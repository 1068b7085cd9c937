#!/usr/bin/env bash
# `make bench`: every benchmark, side by side with its reference in the same
# run, printing ratios (the machines are shared and noisy; absolute figures
# move, ratios much less). Not a test: nothing here fails on a figure.
#
# Installs what it needs on a fresh machine: Debian's nginx-light (the
# WeChat double), Debian's redis-server (the state store bench), and the
# Python references (requests, wechatpy) at the versions pinned in
# benches/python/requirements.txt into target/bench/venv.
# Go (net/http, crypto/aes) and Java (HttpClient, javax.crypto) references
# are their standard libraries; the Java binding's jar and JNA come from
# its pom (mvn package).
# Uses the release library: WXFACE_LIBRARY and WXFACE_SANDBOX as set by the
# Makefile. Optional: WXFACE_BENCH_ROUND_S, WXFACE_BENCH_ROUNDS.
#
# Every part runs even when an earlier one failed (a failed call on the
# wxface side, a build error, a crash, a failed install of what only that
# part needs); the parts that failed are named at the end and the script
# then exits 1. Only the double, which most parts use, stops it all.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="$root/target/bench"
mkdir -p "$out"

if ! command -v nginx > /dev/null && [[ ! -x /usr/sbin/nginx ]]; then
    echo "bench: installing nginx-light (the double)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light > /dev/null
fi
eval "$("$here/double/start.sh" "$out/double")"
trap 'kill "$WXFACE_BENCH_DOUBLE" 2> /dev/null || true' EXIT
echo "== the double: $("$(command -v nginx || echo /usr/sbin/nginx)" -v 2>&1) at $WXFACE_BENCH_BASE"

failed=()
# part TITLE COMMAND...: runs one comparison; a failure is recorded, not fatal.
part() {
    local title="$1" rc=0
    shift
    echo
    echo "== $title"
    "$@" || rc=$?
    if ((rc != 0)); then
        echo "bench: FAILED (exit $rc): $title"
        failed+=("$title")
    fi
}

part_verify_ratio() {
    # Counts threads started and host-name lookups in a process it is preloaded into.
    gcc -std=c99 -Wall -Wextra -Werror -pedantic -O2 -shared -fPIC -o "$out/libcount.so" "$here/count/count.c" -ldl ||
        return
    LD_PRELOAD="$out/libcount.so" "$root/target/release/examples/bench_verify_ratio"
}

part_store() {
    if ! command -v redis-server > /dev/null || ! command -v redis-cli > /dev/null; then
        echo "bench: installing redis-server (the state store bench)"
        apt-get update -qq || return
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server > /dev/null || return
    fi
    "$root/target/release/examples/bench_store"
}

part_python() {
    if [[ ! -x $out/venv/bin/python ]]; then
        python3 -m venv "$out/venv" || return
    fi
    "$out/venv/bin/python" -m pip install -q --disable-pip-version-check -r "$here/python/requirements.txt" || return
    "$out/venv/bin/python" "$here/python/bench_bindings.py"
}

part_go() {
    export PATH="$PATH:/usr/local/go/bin"
    local libdir
    libdir="$(dirname "$WXFACE_LIBRARY")"
    (cd "$here/go" && CGO_ENABLED=1 CGO_LDFLAGS="-L$libdir -Wl,-rpath,$libdir" \
        go build -tags wxface_dynamic -o "$out/gobench" .) || return
    "$out/gobench"
}

part_java() {
    (cd "$root/bindings/java" && mvn -B -q -DskipTests package) || return
    local jar
    jar="$(ls -t "$root"/bindings/java/target/wxface-*.jar | grep -v -e sources -e javadoc | head -n 1)" || return
    java -cp "$jar:$(cat "$root/bindings/java/target/runtime-classpath.txt")" "$here/java/BenchBindings.java"
}

part "wxface_v1_verify through the C ABI vs a bare ureq keep-alive loop (examples/bench_verify_ratio.rs)" \
    part_verify_ratio
part "v1_verify with the replay guard in memory vs standalone Redis vs a 3-master Cluster (examples/bench_store.rs)" \
    part_store
part "Python binding vs raw ctypes vs requests / wechatpy (benches/python/bench_bindings.py)" part_python
part "Go binding vs raw cgo vs net/http / crypto/aes (benches/go)" part_go
part "Java binding vs raw JNA vs HttpClient / javax.crypto (benches/java/BenchBindings.java)" part_java
part "safe-mode JSON pushes opened by the Rust core, one thread (examples/bench_push.rs)" \
    "$root/target/release/examples/bench_push"
part "counters and audit records per call vs the same work on the core (examples/bench_counters.rs)" \
    env -u WXFACE_LOG_FILE "$root/target/release/examples/bench_counters"
part "C ABI: offline call cost and verify against the sandbox (benches/c/run.sh)" \
    bash "$here/c/run.sh"

echo
if ((${#failed[@]} > 0)); then
    echo "bench: ${#failed[@]} part(s) failed:"
    printf '  %s\n' "${failed[@]}"
    exit 1
fi
echo "bench: every part ran to the end"
