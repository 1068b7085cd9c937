#!/usr/bin/env bash
# Bounded libFuzzer run of every target, for CI: installs the pinned
# cargo-fuzz if missing, builds all targets once, fuzzes each for SECONDS
# (default 20) from the committed seeds, and fails if any target crashes.
#
#   fuzz/run.sh [seconds_per_target] [target...]
#
# Only stable Rust is assumed: RUSTC_BOOTSTRAP=1 lets it take the -Z flags
# cargo-fuzz passes (sanitizer, coverage). A crash leaves its input in
# fuzz/artifacts/<target>/; fuzz/README.md says how to turn it into a test.
set -uo pipefail

SECONDS_PER_TARGET="${1:-20}"
shift || true
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
export RUSTC_BOOTSTRAP=1

# Pinned like every other input of the run: this version, with its own
# Cargo.lock (--locked), and the targets' dependencies by fuzz/Cargo.lock.
CARGO_FUZZ_VERSION=0.13.2
if [ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
    echo "== installing cargo-fuzz $CARGO_FUZZ_VERSION"
    start=$(date +%s)
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked || { echo "0 passed, 1 failed"; exit 1; }
    echo "== cargo-fuzz installed in $(( $(date +%s) - start )) s"
fi

# One build of every target; the runs below use its binaries directly.
cp Cargo.lock "${TMPDIR:-/tmp}/wxface-fuzz-Cargo.lock.$$"
start=$(date +%s)
if ! cargo fuzz build; then
    echo "fuzz build failed"
    echo "0 passed, 1 failed"
    exit 1
fi
echo "== built in $(( $(date +%s) - start )) s"
# Cargo never moves a locked version by itself; it only adds what a changed
# wxface now needs. Say so, so that the addition gets committed.
if ! cmp -s Cargo.lock "${TMPDIR:-/tmp}/wxface-fuzz-Cargo.lock.$$"; then
    echo "== note: fuzz/Cargo.lock changed (wxface's dependencies did): commit it"
fi
rm -f "${TMPDIR:-/tmp}/wxface-fuzz-Cargo.lock.$$"
bin_dir="target/$(rustc -vV | sed -n 's/^host: //p')/release"

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi

passed=0
failed=0
failed_names=()
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    log="artifacts/$t/run.log"
    echo "== $t: ${SECONDS_PER_TARGET} s"
    # corpus/ (first) receives new inputs; seeds/ is read only.
    if "$bin_dir/$t" "corpus/$t" "seeds/$t" \
        -artifact_prefix="artifacts/$t/" -max_total_time="$SECONDS_PER_TARGET" -max_len=8192 -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
        passed=$((passed + 1))
        runs=$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
        rate=$(grep -m1 -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$')
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
        echo "   ok: ${runs:-?} runs, ${rate:-?} exec/s, ${cov:-cov: ?}"
    else
        failed=$((failed + 1))
        failed_names+=("$t")
        echo "   FAILED; log: fuzz/$log"
        grep -E -A12 "panicked at|ERROR: (libFuzzer|AddressSanitizer)" "$log" | head -40
        ls "artifacts/$t"/crash-* "artifacts/$t"/leak-* "artifacts/$t"/timeout-* "artifacts/$t"/oom-* 2>/dev/null
    fi
done

[ "$failed" -gt 0 ] && echo "failed targets: ${failed_names[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
