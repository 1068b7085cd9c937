#!/usr/bin/env bash
# Java binding: javac lint (-Xlint:all -Werror, --release 8) and the JUnit 5
# suite, twice: with the JNA of pom.xml and with the oldest JNA the binding
# supports (JNA_MIN below, compiled against too); then a smoke run of the
# jar with nothing but JNA beside it, and a short run of the offline
# benchmark.
#
# Against what:
# - default: the classes built here with WXFACE_LIBRARY bundled (default:
#   the repository's target/debug/libwxface.so).
# - WXFACE_JAVA_JAR=/path/wxface-VERSION.jar (e.g. from
#   scripts/package-jar.sh): that jar's classes and the library it bundles
#   for this machine, WXFACE_LIBRARY unset; no benchmark.
# Each run proves which library it bound: the suite compares the SHA-256 of
# the loaded file with the one expected here.
set -euo pipefail

# The oldest JNA the binding supports (README "JNA versions").
JNA_MIN=5.0.0

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export WXFACE_SANDBOX="${WXFACE_SANDBOX:-$root/target/debug/wxface-sandbox}"
jar="${WXFACE_JAVA_JAR:-}"
if [ -n "$jar" ]; then
    jar="$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")"
    [ -f "$jar" ] || { echo "test.sh: WXFACE_JAVA_JAR=$jar not found" >&2; exit 1; }
    unset WXFACE_LIBRARY
else
    export WXFACE_LIBRARY="${WXFACE_LIBRARY:-$root/target/debug/libwxface.so}"
fi
for f in ${WXFACE_LIBRARY:+"$WXFACE_LIBRARY"} "$WXFACE_SANDBOX"; do
    if [ ! -e "$f" ]; then
        echo "test.sh: $f not found: run \`cargo build\` in $root or set WXFACE_LIBRARY/WXFACE_SANDBOX" >&2
        exit 1
    fi
done
# unzip only reads a given jar: the default run needs no more than a JDK.
for tool in java mvn sha256sum ${jar:+unzip}; do
    command -v "$tool" >/dev/null || { echo "test.sh: $tool is not installed" >&2; exit 1; }
done

cd "$here"
mvn=(mvn -B -q -Dstyle.color=never)
if [ -n "$jar" ]; then
    case "$(uname -m)" in
        x86_64) resource=linux-x86-64/libwxface.so ;;
        aarch64) resource=linux-aarch64/libwxface.so ;;
        *) echo "test.sh: no library of the jar for $(uname -m)" >&2; exit 1 ;;
    esac
    unzip -l "$jar" "$resource" >/dev/null || { echo "test.sh: $jar bundles no $resource" >&2; exit 1; }
    expect="$(unzip -p "$jar" "$resource" | sha256sum | cut -d' ' -f1)"
    echo "test.sh: testing $jar (its $resource, sha256 $expect)"
    # The build's own classes and library stay off the test classpath.
    mvn+=(-Dmaven.antrun.skip=true "-Dwxface.classes=$jar")
else
    expect="$(sha256sum <"$WXFACE_LIBRARY" | cut -d' ' -f1)"
    echo "test.sh: testing the classes built here with $WXFACE_LIBRARY"
fi
mvn+=("-Dwxface.expect.library.sha256=$expect")

# -q hides Surefire's own summary: print it from its reports; fail if the
# suite ran no test or another number of tests than the run before.
summary() {
    python3 - "$here/target/surefire-reports" "$1" <<'EOF'
import glob, sys, xml.etree.ElementTree as ET
totals = dict(tests=0, failures=0, errors=0, skipped=0)
for path in glob.glob(sys.argv[1] + "/TEST-*.xml"):
    suite = ET.parse(path).getroot()
    for key in totals:
        totals[key] += int(suite.get(key, "0"))
print("Tests run: %(tests)d, Failures: %(failures)d, Errors: %(errors)d, Skipped: %(skipped)d" % totals)
failed = totals["failures"] + totals["errors"]
print("%s: %d passed, %d failed" % (sys.argv[2], totals["tests"] - failed - totals["skipped"], failed))
with open(sys.argv[1] + "/../tests-run.txt", "w") as f:
    f.write("%d\n" % totals["tests"])
sys.exit(0 if totals["tests"] > 0 and failed == 0 else 1)
EOF
}

# First the oldest JNA, compiled against from scratch, then pom.xml's,
# whose build stays for the smoke run and the benchmark. The first run
# downloads JNA, JUnit and the plugins from Maven Central.
counts=()
for jna in "$JNA_MIN" ""; do
    label="JNA ${jna:-$(sed -n 's:.*<jna.version>\(.*\)</jna.version>.*:\1:p' pom.xml)}"
    goal=verify
    [ -n "$jar" ] && goal=test # nothing to package: the jar is given
    "${mvn[@]}" ${jna:+"-Djna.version=$jna"} clean "$goal"
    summary "$label"
    counts+=("$(cat "$here/target/tests-run.txt")")
done
if [ "${counts[0]}" != "${counts[1]}" ]; then
    echo "test.sh: the two runs ran ${counts[0]} and ${counts[1]} tests" >&2
    exit 1
fi

# The jar alone (plus JNA) must be enough: no WXFACE_LIBRARY, no library path.
if [ -z "$jar" ]; then
    jar="$here/target/wxface-0.2.0.jar"
    classpath="$(cat "$here/target/runtime-classpath.txt")"
else
    "${mvn[@]}" dependency:build-classpath -Dmdep.includeScope=runtime \
        "-Dmdep.outputFile=$here/target/runtime-classpath.txt"
    classpath="$(cat "$here/target/runtime-classpath.txt")"
    smoke_only=1
fi
smoke="$(cd /tmp && env -u WXFACE_LIBRARY -u LD_LIBRARY_PATH java -cp "$jar:$classpath" io.wxface.WxFace)"
echo "$smoke"
case "$smoke" in
    "libwxface 0.2.0 loaded from "*) ;;
    *) echo "test.sh: unexpected smoke output" >&2; exit 1 ;;
esac
[ -z "${smoke_only:-}" ] || exit 0

# Short benchmark run (iterations as the argument); the README has the full command.
"${mvn[@]}" exec:java -Dexec.args="${WXFACE_BENCH_ITERATIONS:-20000}"
