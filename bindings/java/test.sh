#!/usr/bin/env bash
# Java binding: javac lint (-Xlint:all -Werror) and the JUnit 5 suite via
# `mvn verify`, a smoke run of the packaged jar with nothing but JNA beside
# it, and a short run of the offline benchmark.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export WXFACE_LIBRARY="${WXFACE_LIBRARY:-$root/target/debug/libwxface.so}"
export WXFACE_SANDBOX="${WXFACE_SANDBOX:-$root/target/debug/wxface-sandbox}"
for f in "$WXFACE_LIBRARY" "$WXFACE_SANDBOX"; do
    if [ ! -e "$f" ]; then
        echo "test.sh: $f not found: run \`cargo build\` in $root or set WXFACE_LIBRARY/WXFACE_SANDBOX" >&2
        exit 1
    fi
done
for tool in java mvn; do
    command -v "$tool" >/dev/null || { echo "test.sh: $tool is not installed" >&2; exit 1; }
done

cd "$here"
# First run downloads JNA, JUnit and the plugins from Maven Central.
mvn -B -q verify

# The jar alone (plus JNA) must be enough: no WXFACE_LIBRARY, no library path.
jar="$here/target/wxface-0.2.0.jar"
smoke="$(cd /tmp && env -u WXFACE_LIBRARY -u LD_LIBRARY_PATH \
    java -cp "$jar:$(cat "$here/target/runtime-classpath.txt")" io.wxface.WxFace)"
echo "$smoke"
case "$smoke" in
    "libwxface 0.2.0 loaded from "*) ;;
    *) echo "test.sh: unexpected smoke output" >&2; exit 1 ;;
esac

# Short benchmark run (iterations as the argument); the README has the full command.
mvn -B -q exec:java -Dexec.args="${WXFACE_BENCH_ITERATIONS:-20000}"
