#!/usr/bin/env bash
# `make dist`: builds and stages every shipped platform (build.sh), adds
# INSTALL (and the wxface command-line tool where it exists), and writes
# target/dist/wxface-<version>-<platform>.tar.gz (Linux) or .zip (Windows)
# with SHA256SUMS. Prints each archive's size and its library's floor.
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
            tar -C "$(dirname "$stage")" --owner=0 --group=0 -czf "$dist/$name.tar.gz" "$name"
            floor="glibc $(readelf -W -V "$stage/lib/libwxface.so.$version" | grep -o 'GLIBC_[0-9.]*' | sort -uV |
                tail -n 1 | cut -d_ -f2)"
            lib="$stage/lib/libwxface.so.$version"
            ;;
        windows-*)
            sed -e "s/@VERSION@/$version/g" -e "s/@PLATFORM@/$plat/g" -e 's/$/\r/' \
                "$here/INSTALL-windows" >"$stage/INSTALL.txt"
            sed 's/$/\r/' "$stage/LICENSE" >"$stage/LICENSE.txt" && rm "$stage/LICENSE"
            (cd "$(dirname "$stage")" && rm -f "$dist/$name.zip" && zip -qr "$dist/$name.zip" "$name")
            bash "$here/check-imports.sh" "$stage/bin/wxface.dll" >/dev/null
            floor="Windows 7 (imports checked)"
            lib="$stage/bin/wxface.dll"
            ;;
    esac
    printf '%-16s %-40s library %6s KiB, %s\n' "$plat" "$(basename "$dist/$name".*)" \
        "$(($(stat -c %s "$lib") / 1024))" "$floor"
done
(cd "$dist" && sha256sum wxface-* >SHA256SUMS)
ls -l "$dist"
