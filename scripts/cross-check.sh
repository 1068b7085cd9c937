#!/usr/bin/env bash
# `make cross`: builds every platform as `make dist` ships it (build.sh) and
# runs the whole C suite (tests/c) against each staged library, with the
# sandbox running natively on loopback:
#   linux-x86_64, linux-i686   natively (glibc 2.17 builds, zig-linked)
#   linux-aarch64              under qemu-user
#   windows-x64, windows-x86   under wine (the suite built with MinGW and
#                              linked against the shipped import library;
#                              its sandboxes started and killed by
#                              tests/c/sandbox_launcher.py, running natively)
# plus, on Windows, the LoadLibrary/GetProcAddress program of stdcall
# callers, a check of each DLL's import table against the Windows 7 list
# (scripts/platforms/windows7-imports.txt) and of its export names, and of
# each Linux library's glibc symbol versions (nothing above 2.17).
# Every run must print its summary with 0 failures and the same pass count
# as every other: a run that dies fails the target.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/platforms/env.sh"
cd "$root"
install_build_tools
install_test_tools
platforms=("$@")
[ ${#platforms[@]} -gt 0 ] || platforms=("${ALL_PLATFORMS[@]}")
# The import check must be able to fail before it is trusted to pass.
bash "$here/platforms/check-imports-selftest.sh"
bash "$here/platforms/build.sh" "${platforms[@]}"
# The sandbox runs natively on loopback for every platform; the debug
# build `make test` already made serves as well as a release one.
cargo build --bin wxface-sandbox
sandbox="$root/target/debug/wxface-sandbox"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
out="$PLATFORMS_OUT/tests"
# The suite writes its scratch files (configuration files) under
# target/c-tests, as tests/c/run.sh arranges for it natively.
mkdir -p "$out" "$root/target/c-tests"
export WINEDEBUG=-all WINEPREFIX="$PLATFORMS_OUT/wineprefix"

sources=(tests/c/test_wxface.c tests/c/test_audit.c tests/c/check.c tests/c/json.c tests/c/text.c tests/c/http.c tests/c/sandbox.c)
cflags=(-std=c99 -Wall -Wextra -Werror -pedantic -O1 -g -Iinclude -Itests/c)
failures=()
declare -A results=()

# Runs "$@" with its output in a file (not a pipe: a sandbox that outlives
# a crashed suite must not hold the pipeline open), within 20 minutes, and
# records the summary line. $1 is the label.
run_suite() {
    local label=$1 rc summary
    shift
    echo "== $label: $*"
    set +e
    WXFACE_TEST_LOG="$out/$label-wxface.log" timeout 1200 "$@" >"$out/$label.log" 2>&1
    rc=$?
    set -e
    tr -d '\r' <"$out/$label.log" | sed "s/^/[$label] /" | grep -E '^\[[^]]*\] (FAIL |    [^ ]+:[0-9]+: |[0-9]+ passed, )' || true
    # Programs run under wine end their lines with CRLF.
    summary=$(tr -d '\r' <"$out/$label.log" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1 || true)
    if [[ -z $summary ]]; then
        results[$label]="died (exit status $rc, no summary)"
        failures+=("$label")
    elif [[ $rc -ne 0 || $summary != *", 0 failed" ]]; then
        results[$label]="$summary (exit status $rc)"
        failures+=("$label")
    else
        results[$label]=$summary
    fi
}

# The suite built for Windows gets its sandboxes from a launcher running
# natively on loopback (tests/c/sandbox_launcher.py): wine would start the
# Linux sandbox detached, with no handle to wait on or kill it by.
launcher_pid=
start_launcher() {
    local line= tries
    python3 tests/c/sandbox_launcher.py "$sandbox" >"$out/launcher.out" 2>"$out/launcher.log" &
    launcher_pid=$!
    trap 'kill "$launcher_pid" 2>/dev/null; wait "$launcher_pid" 2>/dev/null' EXIT
    for tries in $(seq 100); do
        line=$(head -n 1 "$out/launcher.out")
        [[ -n $line ]] && break
        sleep 0.1
    done
    [[ $line == "sandbox launcher listening on http://127.0.0.1:"* ]] ||
        { echo "the sandbox launcher did not start: $(cat "$out/launcher.log")" >&2; exit 1; }
    export WXFACE_SANDBOX_LAUNCHER=${line##*:}
}

for plat in "${platforms[@]}"; do
    stage="$PLATFORMS_OUT/$plat/wxface-$version-$plat"
    case $plat in
        linux-*)
            case $plat in
                linux-x86_64) cc=gcc run=() max=GLIBC_2.17 ;;
                linux-i686) cc=i686-linux-gnu-gcc run=() max=GLIBC_2.17 ;;
                linux-aarch64) cc=aarch64-linux-gnu-gcc run=(qemu-aarch64 -L /usr/aarch64-linux-gnu) max=GLIBC_2.17 ;;
            esac
            newest=$(readelf -W -V "$stage/lib/libwxface.so.$version" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n 1)
            if [[ $(printf '%s\n%s\n' "$newest" "$max" | sort -V | tail -n 1) != "$max" ]]; then
                echo "$plat: needs $newest, more than $max" >&2
                failures+=("$plat-glibc")
            fi
            echo "$plat: newest glibc symbol version $newest"
            "$cc" "${cflags[@]}" -pthread -o "$out/test_wxface-$plat" "${sources[@]}" \
                -L"$stage/lib" -lwxface -Wl,-rpath,"$stage/lib"
            WXFACE_SANDBOX="$sandbox" run_suite "$plat" "${run[@]}" "$out/test_wxface-$plat" "$root"
            ;;
        windows-*)
            case $plat in
                windows-x64) arch=x86_64 wine=wine ;;
                windows-x86) arch=i686 wine=wine ;;
            esac
            bash "$here/platforms/check-imports.sh" "$stage/bin/wxface.dll" || failures+=("$plat-imports")
            dir="$out/$plat"
            mkdir -p "$dir"
            cp "$stage/bin/wxface.dll" "$dir/"
            [[ -n $launcher_pid ]] || start_launcher
            # -static: no libwinpthread or libgcc DLL beside the test program.
            "$arch-w64-mingw32-gcc" "${cflags[@]}" -static -pthread -o "$dir/test_wxface.exe" "${sources[@]}" \
                -L"$stage/lib" -l:libwxface.dll.a -lws2_32
            # As PowerBuilder and VB6 call it: LoadLibrary, GetProcAddress by
            # plain name, __stdcall pointers declared without wxface.h.
            "$arch-w64-mingw32-gcc" "${cflags[@]}" -DSANDBOX_WITHOUT_LIBRARY -static -o "$dir/stdcall_loadlibrary.exe" \
                tests/c/stdcall_loadlibrary.c tests/c/http.c tests/c/json.c tests/c/text.c tests/c/sandbox.c -lws2_32
            run_suite "$plat" "$wine" "$dir/test_wxface.exe" "Z:${root//\//\\}"
            run_suite "$plat-stdcall" "$wine" "$dir/stdcall_loadlibrary.exe" wxface.dll
            # Every export of include/wxface.exports under its plain name,
            # none decorated (`name@N`), on x86 as on x64.
            named=$(objdump -p "$stage/bin/wxface.dll" | sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p' |
                sed -n 's/^\s*\[\s*[0-9]*\] \(.*\)$/\1/p' | sort)
            decorated=$(grep -c '@' <<<"$named" || true)
            echo "$plat exports: $(grep -c '^wxface_' <<<"$named") named wxface_*, $decorated decorated"
            if [[ $decorated -ne 0 || $(grep '^wxface_' <<<"$named") != "$(grep '^wxface_' include/wxface.exports | sort)" ]]; then
                echo "$plat: the DLL's export names are not include/wxface.exports" >&2
                failures+=("$plat-exports")
            fi
            ;;
    esac
done

echo
echo "make cross:"
for label in "${!results[@]}"; do
    if [[ $label == *-stdcall ]]; then
        echo "  $label (LoadLibrary, __stdcall, 1.0 and 2.0): ${results[$label]}"
    fi
done
expected=
for plat in "${platforms[@]}"; do
    echo "  $plat: ${results[$plat]:-not run}"
    p=${results[$plat]%% passed*}
    [[ -z $expected ]] && expected=$p
    if [[ $p != "$expected" ]]; then
        echo "  $plat passed $p tests, $expected elsewhere" >&2
        failures+=("$plat-count")
    fi
done
if [ ${#failures[@]} -gt 0 ]; then
    echo "make cross failed: ${failures[*]}" >&2
    exit 1
fi
echo "make cross: every platform passed the C suite ($expected tests each)"
