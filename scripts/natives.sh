# Sourced by package-jar.sh and package-wheels.sh: finds a platform's
# release library in the staged builds of scripts/platforms/build.sh
# (DIR/<platform>/wxface-<version>-<platform>/) and refuses one that is not
# what a package may ship: another CPU, not stripped, or (Linux) needing a
# glibc newer than 2.17.

# The newest glibc a shipped Linux library may need: CentOS 7's.
GLIBC_FLOOR=2.17

# natives_arguments ROOT [PLATFORMS_DIR [OUT_DIR]]: the arguments both
# packaging scripts take, as platforms_dir, out and version; first proves
# that the checks below can refuse (natives-selftest.sh).
natives_arguments() {
    local root=$1
    bash "$root/scripts/natives-selftest.sh"
    platforms_dir="$(cd "${2:-$root/target/platforms}" && pwd)"
    out="${3:-$root/target/packages}"
    version=$(natives_version "$root")
}

natives_version() {
    sed -n 's/^version = "\(.*\)"/\1/p' "$1/Cargo.toml" | head -n 1
}

# native_file DIR PLATFORM VERSION: the library file of a staged platform.
native_file() {
    local stage="$1/$2/wxface-$3-$2"
    case $2 in
        linux-*) echo "$stage/lib/libwxface.so.$3" ;;
        windows-*) echo "$stage/bin/wxface.dll" ;;
        *) echo "natives: unknown platform $2" >&2; return 1 ;;
    esac
}

# glibc_needed FILE: the newest GLIBC_x.y symbol version FILE needs.
glibc_needed() {
    readelf -W -V "$1" | sed -n '/Version needs section/,$p' | grep -o 'GLIBC_[0-9][0-9.]*' |
        cut -d_ -f2 | sort -uV | tail -n 1
}

# check_native PLATFORM FILE: fails naming the reason, else prints one line
# (platform, size, floor).
check_native() {
    local plat=$1 file=$2 want got floor
    [ -f "$file" ] || { echo "natives: $plat: $file not found (stage it with scripts/platforms/build.sh $plat)" >&2; return 1; }
    case $plat in
        linux-x86_64) want="Advanced Micro Devices X86-64" ;;
        linux-aarch64) want="AArch64" ;;
        windows-x64) want="pei-x86-64" ;;
        windows-x86) want="pei-i386" ;;
        *) echo "natives: unknown platform $plat" >&2; return 1 ;;
    esac
    case $plat in
        linux-*)
            got=$(readelf -h "$file" | sed -n 's/^ *Machine: *//p')
            [ "$got" = "$want" ] || { echo "natives: $file is for $got, not $plat" >&2; return 1; }
            if readelf -W -S "$file" | grep -E ' \.(symtab|debug_info) ' >/dev/null; then
                echo "natives: $file is not stripped" >&2
                return 1
            fi
            floor=$(glibc_needed "$file")
            [ -n "$floor" ] || { echo "natives: $file needs no GLIBC_ version: not a glibc library?" >&2; return 1; }
            if [ "$(printf '%s\n%s\n' "$floor" "$GLIBC_FLOOR" | sort -V | tail -n 1)" != "$GLIBC_FLOOR" ]; then
                echo "natives: $file needs GLIBC_$floor, newer than $GLIBC_FLOOR" >&2
                return 1
            fi
            floor="glibc $floor"
            ;;
        windows-*)
            got=$(objdump -f "$file" | sed -n 's/.*file format \(.*\)$/\1/p')
            [ "$got" = "$want" ] || { echo "natives: $file is $got, not $plat ($want)" >&2; return 1; }
            if objdump -h "$file" | grep -E ' \.debug_info ' >/dev/null; then
                echo "natives: $file is not stripped" >&2
                return 1
            fi
            bash "$(dirname "${BASH_SOURCE[0]}")/platforms/check-imports.sh" "$file" >/dev/null ||
                { echo "natives: $file imports what Windows 7 lacks" >&2; return 1; }
            floor="Windows 7 (every import on scripts/platforms/windows7-imports.txt)"
            ;;
    esac
    printf '%-14s %8s KiB  %s  %s\n' "$plat" "$(($(stat -c %s "$file") / 1024))" "$floor" "$file"
}
