#!/usr/bin/env bash
# `make dist`: builds and stages every shipped platform (build.sh), adds
# INSTALL, and writes to target/dist:
#   wxface-<version>-<platform>.tar.gz (Linux) or .zip (Windows): the
#     stripped library and tool, static and import libraries, header...
#   wxface-<version>-<platform>-debug.tar.gz / -debug.zip: the debug files
#     (two thirds of the bytes, needed only to read a crash), apart so that
#     the archive a workstation installs stays small;
#   wxface-<version>.jar (four platforms' natives) and the manylinux2014
#     wheels, from the same staged libraries;
#   SHA256SUMS over all of them.
# Prints each archive's size and its library's floor.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/env.sh"
cd "$root"
bash "$here/build.sh" "${DIST_PLATFORMS[@]}"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
minor=$(cut -d. -f2 <<<"$version")
dist="$root/target/dist"
rm -rf "$dist"
mkdir -p "$dist"
for plat in "${DIST_PLATFORMS[@]}"; do
    name="wxface-$version-$plat"
    stage="$PLATFORMS_OUT/$plat/$name"
    case $plat in
        linux-*)
            sed -e "s/@VERSION@/$version/g" -e "s/@PLATFORM@/$plat/g" -e "s/@ABI@/0.$minor/g" \
                "$here/INSTALL-linux" >"$stage/INSTALL"
            tar -C "$(dirname "$stage")" --owner=0 --group=0 --exclude="$name/debug" -czf "$dist/$name.tar.gz" "$name"
            tar -C "$(dirname "$stage")" --owner=0 --group=0 -czf "$dist/$name-debug.tar.gz" "$name/debug"
            floor="glibc $(readelf -W -V "$stage/lib/libwxface.so.$version" | grep -o 'GLIBC_[0-9.]*' | sort -uV |
                tail -n 1 | cut -d_ -f2)"
            lib="$stage/lib/libwxface.so.$version"
            archive="$dist/$name.tar.gz"
            ;;
        windows-*)
            sed -e "s/@VERSION@/$version/g" -e "s/@PLATFORM@/$plat/g" -e 's/$/\r/' \
                "$here/INSTALL-windows" >"$stage/INSTALL.txt"
            sed 's/$/\r/' "$stage/LICENSE" >"$stage/LICENSE.txt" && rm "$stage/LICENSE"
            (cd "$(dirname "$stage")" && zip -qr "$dist/$name.zip" "$name" -x "$name/debug/*" &&
                zip -qr "$dist/$name-debug.zip" "$name/debug")
            bash "$here/check-imports.sh" "$stage/bin/wxface.dll" >/dev/null
            floor="Windows 7 (imports checked)"
            lib="$stage/bin/wxface.dll"
            archive="$dist/$name.zip"
            ;;
    esac
    printf '%-16s %-40s %6s KiB, library %6s KiB, %s\n' "$plat" "$(basename "$archive")" \
        "$(($(stat -c %s "$archive") / 1024))" "$(($(stat -c %s "$lib") / 1024))" "$floor"
done
# The jar and the wheels carry the libraries staged above, checked again
# (CPU, stripped, floor) by the scripts that package them.
bash "$root/scripts/package-jar.sh" "$PLATFORMS_OUT" "$dist"
bash "$root/scripts/package-wheels.sh" "$PLATFORMS_OUT" "$dist"
(cd "$dist" && sha256sum wxface-* >SHA256SUMS)
(cd "$dist" && sha256sum -c --quiet SHA256SUMS)
ls -l "$dist"
