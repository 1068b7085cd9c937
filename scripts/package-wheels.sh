#!/usr/bin/env bash
# The Python wheels to ship: wxface-<version>-py3-none-manylinux2014_<arch>.whl
# for x86_64 and aarch64, each bundling the stripped glibc 2.17 release
# library of its platform. The floor is checked twice before a wheel is
# kept: the library's own GLIBC_ symbol versions (scripts/natives.sh: none
# newer than 2.17) and `auditwheel show` from PyPI, which must find the
# wheel consistent with manylinux_2_17 (manylinux2014) for its CPU.
# No Windows wheels: no Windows Python runs on the build machines to test
# them (README "Platforms").
#
# Usage: package-wheels.sh [PLATFORMS_DIR [OUT_DIR]]
#   PLATFORMS_DIR: the staged builds of scripts/platforms/build.sh
#     (default target/platforms): PLATFORMS_DIR/<platform>/wxface-<version>-<platform>/
#   OUT_DIR: where the wheels go (default target/packages)
#   WXFACE_WHEEL_PLATFORMS="linux-x86_64 ...": a subset (default both).
# bindings/python/test.sh with WXFACE_PY_WHEEL=OUT_DIR/<the x86_64 wheel>
# runs the Python suite against it, installed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
source "$here/natives.sh"
natives_arguments "$root" "$@"
read -r -a platforms <<<"${WXFACE_WHEEL_PLATFORMS:-linux-x86_64 linux-aarch64}"
AUDITWHEEL_VERSION=6.8.2

# Build tools in a venv of their own, pinned.
tools="$root/target/wheel-tools"
if ! "$tools/bin/auditwheel" --version 2>/dev/null | grep " $AUDITWHEEL_VERSION " >/dev/null; then
    python3 -m venv "$tools"
    "$tools/bin/pip" install -q --disable-pip-version-check "auditwheel==$AUDITWHEEL_VERSION" 'setuptools>=61' wheel
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$out"
for plat in "${platforms[@]}"; do
    case $plat in
        linux-x86_64) arch=x86_64 ;;
        linux-aarch64) arch=aarch64 ;;
        *) echo "package-wheels.sh: no wheel for $plat" >&2; exit 1 ;;
    esac
    tag="manylinux2014_$arch"
    file=$(native_file "$platforms_dir" "$plat" "$version")
    check_native "$plat" "$file"

    # A clean copy of the package for each wheel: no build/ of another CPU.
    src="$scratch/$plat"
    mkdir -p "$src"
    cp -r "$root/bindings/python/src" "$root/bindings/python/setup.py" "$root/bindings/python/pyproject.toml" \
        "$root/bindings/python/README.md" "$src/"
    rm -f "$src/src/wxface/libwxface.so"
    WXFACE_LIBRARY="$file" WXFACE_WHEEL_PLATFORM="$tag" "$tools/bin/python" -m pip wheel -q \
        --disable-pip-version-check --no-deps --no-build-isolation -w "$scratch/wheels-$plat" "$src"
    wheel="$scratch/wheels-$plat/wxface-$version-py3-none-$tag.whl"
    [ -f "$wheel" ] || { echo "package-wheels.sh: $wheel was not built" >&2; ls "$scratch/wheels-$plat" >&2; exit 1; }
    cmp -s <(unzip -p "$wheel" wxface/libwxface.so) "$file" ||
        { echo "package-wheels.sh: $wheel does not bundle $file" >&2; exit 1; }

    shown=$("$tools/bin/auditwheel" show "$wheel" 2>&1) || { echo "$shown" >&2; exit 1; }
    # auditwheel names the oldest policy the wheel satisfies, e.g.
    # "consistent with the following platform tag: "manylinux_2_17_x86_64"".
    if ! tr -s '\n ' '  ' <<<"$shown" | grep "platform tag: \"manylinux_2_17_$arch\"" >/dev/null; then
        echo "package-wheels.sh: auditwheel does not find $wheel consistent with manylinux_2_17_$arch:" >&2
        echo "$shown" >&2
        exit 1
    fi
    install -m 644 "$wheel" "$out/"
    echo "$out/$(basename "$wheel"): $(($(stat -c %s "$wheel") / 1024)) KiB, auditwheel $AUDITWHEEL_VERSION: manylinux_2_17_$arch"
done
