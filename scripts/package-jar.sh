#!/usr/bin/env bash
# The Java jar to ship: the binding with the stripped release library of
# each platform in JNA's resource layout, so that the jar and JNA on the
# classpath are enough on every one:
#   linux-x86-64/libwxface.so    (linux-x86_64, glibc 2.17)
#   linux-aarch64/libwxface.so   (linux-aarch64, glibc 2.17)
#   win32-x86-64/wxface.dll      (windows-x64, Windows 7)
#   win32-x86/wxface.dll         (windows-x86, Windows 7, stdcall)
# Each library is checked first (scripts/natives.sh: CPU, stripped, glibc
# 2.17 or the Windows 7 import list; natives-selftest.sh proves those checks
# can refuse) and a missing one fails the script.
#
# Usage: package-jar.sh [PLATFORMS_DIR [OUT_DIR]]
#   PLATFORMS_DIR: the staged builds of scripts/platforms/build.sh
#     (default target/platforms): PLATFORMS_DIR/<platform>/wxface-<version>-<platform>/
#   OUT_DIR: where the jar goes (default target/packages)
#   WXFACE_JAR_PLATFORMS="linux-x86_64 ...": a subset, for a test build
#     only (default: all four; the jar to ship has all four).
# bindings/java/test.sh with WXFACE_JAVA_JAR=OUT_DIR/wxface-<version>.jar
# runs the Java suite against the result.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
source "$here/natives.sh"
natives_arguments "$root" "$@"
read -r -a platforms <<<"${WXFACE_JAR_PLATFORMS:-linux-x86_64 linux-aarch64 windows-x64 windows-x86}"

declare -A JNA_PATH=(
    [linux-x86_64]=linux-x86-64/libwxface.so
    [linux-aarch64]=linux-aarch64/libwxface.so
    [windows-x64]=win32-x86-64/wxface.dll
    [windows-x86]=win32-x86/wxface.dll
)

natives="$(mktemp -d)"
trap 'rm -rf "$natives"' EXIT
for plat in "${platforms[@]}"; do
    dest=${JNA_PATH[$plat]:?"package-jar.sh: no JNA layout for platform $plat"}
    file=$(native_file "$platforms_dir" "$plat" "$version")
    check_native "$plat" "$file"
    install -D -m 644 "$file" "$natives/$dest"
done

# -Dwxface.natives replaces the one development library of an ordinary build.
(cd "$root/bindings/java" && mvn -B -q -Dstyle.color=never "-Dwxface.natives=$natives" clean package -DskipTests)
built="$root/bindings/java/target/wxface-$version.jar"

# The jar holds exactly these libraries, byte for byte.
want=$(cd "$natives" && find . -type f | sed 's:^\./::' | sort)
got=$(unzip -Z1 "$built" | grep -E '^(linux|win32)-[^/]+/[^/]+$' | sort)
[ "$want" = "$got" ] || { printf 'package-jar.sh: the jar holds\n%s\ninstead of\n%s\n' "$got" "$want" >&2; exit 1; }
while read -r entry; do
    cmp -s <(unzip -p "$built" "$entry") "$natives/$entry" ||
        { echo "package-jar.sh: $entry in the jar differs from the staged library" >&2; exit 1; }
done <<<"$want"

mkdir -p "$out"
install -m 644 "$built" "$out/wxface-$version.jar"
echo "$out/wxface-$version.jar: $(($(stat -c %s "$out/wxface-$version.jar") / 1024)) KiB, $(wc -l <<<"$want") libraries:"
sed 's/^/  /' <<<"$want"
