#!/usr/bin/env bash
# Builds the release library for every platform of `make dist` (and i686
# Linux, tested by `make cross` but not shipped) and stages each one as it
# is shipped: target/platforms/<platform>/wxface-<version>-<platform>/.
# Usage: build.sh [PLATFORM...] (default: all).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$root"
install_build_tools

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
platforms=("$@")
[ ${#platforms[@]} -gt 0 ] || platforms=("${ALL_PLATFORMS[@]}")

# Splits the debug information of $2 into $3 and leaves $2 stripped, with a
# debug link that gdb and WinDbg-like tools follow.
split_debug() {
    local prefix=$1 bin=$2 debug=$3
    "${prefix}objcopy" --only-keep-debug "$bin" "$debug"
    "${prefix}strip" --strip-all "$bin"
    (cd "$(dirname "$debug")" && "${prefix}objcopy" --add-gnu-debuglink="$(basename "$debug")" "$bin")
}

# The exports of a DLL as a module-definition file. On 32-bit Windows the
# names carry the stdcall decoration a C compiler expects (`name@8`), taken
# from the compiler itself: a file referencing every export through
# wxface.h is compiled and its undefined symbols read back. With --kill-at,
# dlltool then makes import libraries whose decorated symbols resolve to
# the DLL's plain export names.
write_def() {
    local dll=$1 def=$2 arch=$3 names
    names=$(objdump -p "$dll" | sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/s/^\s*\[\s*[0-9]*\] \(wxface_[a-z0-9_]*\)$/\1/p')
    [ -n "$names" ] || { echo "no wxface_ exports in $dll" >&2; exit 1; }
    {
        echo "LIBRARY wxface.dll"
        echo "EXPORTS"
        if [ "$arch" = i686 ]; then
            local probe="$PLATFORMS_OUT/exports-probe.c"
            {
                echo '#include "wxface.h"'
                echo 'void *wxface_export_probe[] = {'
                sed 's/.*/    (void *)\&&,/' <<<"$names"
                echo '};'
            } >"$probe"
            i686-w64-mingw32-gcc -std=c99 -Iinclude -c "$probe" -o "$probe.o"
            i686-w64-mingw32-nm -u "$probe.o" | sed -n 's/^ *U _\(wxface_.*\)$/    \1/p' | sort
        else
            sed 's/^/    /' <<<"$names" | sort
        fi
    } >"$def"
    [ "$(grep -c wxface_ "$def")" -eq "$(wc -l <<<"$names")" ] || { echo "$def misses exports" >&2; exit 1; }
}

stage_linux() {
    local plat=$1 out=$2 dir prefix soname abi
    dir=$(target_dir "$plat")
    case $plat in
        linux-aarch64) prefix=aarch64-linux-gnu- ;;
        *) prefix= ;;
    esac
    install -d "$out/bin" "$out/lib/pkgconfig" "$out/include" "$out/debug"
    install -m 755 "$dir/wxface" "$out/bin/wxface"
    split_debug "$prefix" "$out/bin/wxface" "$out/debug/wxface.debug"
    soname=$(readelf -d "$dir/libwxface.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
    install -m 755 "$dir/libwxface.so" "$out/lib/libwxface.so.$version"
    split_debug "$prefix" "$out/lib/libwxface.so.$version" "$out/debug/libwxface.so.$version.debug"
    ln -sf "libwxface.so.$version" "$out/lib/$soname"
    ln -sf "$soname" "$out/lib/libwxface.so"
    install -m 644 "$dir/libwxface.a" "$out/lib/libwxface.a"
    "${prefix}strip" --strip-debug "$out/lib/libwxface.a"
    # Relocatable: the prefix is wherever the archive was unpacked.
    sed -e 's|^prefix=@PREFIX@|prefix=${pcfiledir}/../..|' -e "s|@VERSION@|$version|" wxface.pc.in \
        >"$out/lib/pkgconfig/wxface.pc"
}

stage_windows() {
    local plat=$1 out=$2 dir arch machine kill=()
    dir=$(target_dir "$plat")
    case $plat in
        windows-x64) arch=x86_64 machine=i386:x86-64 ;;
        windows-x86) arch=i686 machine=i386 kill=(-k) ;;
    esac
    install -d "$out/bin" "$out/lib" "$out/include" "$out/debug"
    install -m 755 "$dir/wxface.dll" "$out/bin/wxface.dll"
    install -m 755 "$dir/wxface.exe" "$out/bin/wxface.exe"
    split_debug "$arch-w64-mingw32-" "$out/bin/wxface.exe" "$out/debug/wxface.exe.debug"
    split_debug "$arch-w64-mingw32-" "$out/bin/wxface.dll" "$out/debug/wxface.dll.debug"
    write_def "$out/bin/wxface.dll" "$out/lib/wxface.def" "$arch"
    "$arch-w64-mingw32-dlltool" "${kill[@]}" -d "$out/lib/wxface.def" -D wxface.dll -l "$out/lib/libwxface.dll.a"
    llvm-dlltool -m "$machine" "${kill[@]}" -d "$out/lib/wxface.def" -D wxface.dll -l "$out/lib/wxface.lib"
    install -m 644 "$dir/libwxface.a" "$out/lib/libwxface.a"
    "$arch-w64-mingw32-strip" --strip-debug "$out/lib/libwxface.a"
}

mkdir -p "$PLATFORMS_OUT"
for plat in "${platforms[@]}"; do
    target=${RUST_TARGET[$plat]:?unknown platform $plat}
    echo "== build $plat ($target)"
    # The library, and the wxface command-line tool (cli/) beside it.
    for what in "-p wxface --lib" "-p wxface-cli --bin wxface"; do
        # shellcheck disable=SC2086 # two words each, on purpose
        case $plat in
            linux-*) cargo zigbuild --release $what --target "$target" ;;
            windows-*) cargo "+$NIGHTLY" build -Zbuild-std=std,panic_unwind --release $what --target "$target" ;;
        esac
    done
    out="$PLATFORMS_OUT/$plat/wxface-$version-$plat"
    rm -rf "$out"
    case $plat in
        linux-*) stage_linux "$plat" "$out" ;;
        windows-*) stage_windows "$plat" "$out" ;;
    esac
    install -m 644 include/wxface.h "$out/include/"
    install -m 644 LICENSE "$out/LICENSE"
    echo "$plat: staged in ${out#"$root"/}"
done
