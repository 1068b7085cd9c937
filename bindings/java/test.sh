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
rm -rf "$here/target/surefire-reports"
mvn -B -q -Dstyle.color=never verify
# -q hides Surefire's own summary: print it from its reports, and fail if
# the suite ran no test at all.
python3 - "$here/target/surefire-reports" <<'EOF'
import glob, sys, xml.etree.ElementTree as ET
totals = dict(tests=0, failures=0, errors=0, skipped=0)
for path in glob.glob(sys.argv[1] + "/TEST-*.xml"):
    suite = ET.parse(path).getroot()
    for key in totals:
        totals[key] += int(suite.get(key, "0"))
print("Tests run: %(tests)d, Failures: %(failures)d, Errors: %(errors)d, Skipped: %(skipped)d" % totals)
failed = totals["failures"] + totals["errors"]
print("%d passed, %d failed" % (totals["tests"] - failed - totals["skipped"], failed))
sys.exit(0 if totals["tests"] > 0 and failed == 0 else 1)
EOF

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
