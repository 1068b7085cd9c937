#!/usr/bin/env bash
# What the README's "Installing" section promises, on a scratch prefix:
# `make install`, then the 1.0 quickstart built four ways and each run
# against a sandbox (register, the phone via the control API, verdict):
#   1. pkg-config, rpath to the prefix's lib      (runs as is)
#   2. pkg-config, no rpath                       (the loader refuses it, naming the SONAME;
#                                                  LD_LIBRARY_PATH makes it run)
#   3. the static library                         (no libwxface at run time at all)
#   4. a program comparing wxface_version() with the header's WXFACE_VERSION
# Ends with "N passed, M failed".
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
prefix="$root/target/install-check"
out="$root/target/install-check-run"
sandbox_bin="${WXFACE_SANDBOX:-$root/target/debug/wxface-sandbox}"
rm -rf "$prefix" "$out"
mkdir -p "$out"

passed=0
failed=0
pass() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
finish() { echo "$passed passed, $failed failed"; [[ $failed -eq 0 && $passed -gt 0 ]]; exit $?; }

if ! make -C "$root" --no-print-directory install PREFIX="$prefix" INSTALL_PROFILE=debug >"$out/install.log" 2>&1; then
    cat "$out/install.log"
    fail "make install"
    finish
fi
pass "make install PREFIX=$prefix"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
libdir="$(pkg-config --variable=libdir wxface)"
if "$prefix/bin/wxface" version | grep -q "^wxface "; then
    pass "bin/wxface is installed and runs"
else
    fail "bin/wxface"
fi
[[ $libdir == "$prefix/lib" ]] && pass "pkg-config finds wxface through PKG_CONFIG_PATH" || fail "pkg-config libdir is '$libdir'"

app="$root/examples/c/quickstart_v1.c"
strict=(-std=c99 -Wall -Wextra -Werror)
# shellcheck disable=SC2046
gcc "${strict[@]}" "$app" $(pkg-config --cflags --libs wxface) -Wl,-rpath,"$libdir" -o "$out/app-rpath" &&
    pass "built with pkg-config and -Wl,-rpath" || fail "build with pkg-config and rpath"
# shellcheck disable=SC2046
gcc "${strict[@]}" "$app" $(pkg-config --cflags --libs wxface) -o "$out/app-norpath" &&
    pass "built with pkg-config alone" || fail "build with pkg-config alone"
# shellcheck disable=SC2046
gcc "${strict[@]}" "$app" $(pkg-config --cflags wxface) "$libdir/libwxface.a" -lpthread -ldl -lm -o "$out/app-static" &&
    pass "built with libwxface.a" || fail "build with libwxface.a"
if readelf -d "$out/app-static" | grep -q 'NEEDED.*libwxface'; then
    fail "the static build still needs libwxface.so"
else
    pass "the static build needs no libwxface.so"
fi

# A sandbox for the runs; killed (by its pid) on exit.
coproc SANDBOX { exec "$sandbox_bin" --listen 127.0.0.1:0 2>/dev/null; }
sandbox_pid=$SANDBOX_PID
trap 'kill "$sandbox_pid" 2>/dev/null' EXIT
read -r _ _ _ base <&"${SANDBOX[0]}"
printf 'appid=wx5a3d6f1e2b4c8d90\nsecret=sandbox-secret-0123456789abcdef\napi_base=%s\n' "$base" >"$out/wxface.conf"

# Registers, plays the phone, judges: "VERIFIED" and exit status 0.
flow() {
    local key result
    key="$("$@" "$out/wxface.conf" start)" || return 1
    result="$(curl -s "$base/sandbox/v1/complete" -d "{\"user_id_key\":\"$key\"}" |
        sed 's/.*"verify_result":"\([^"]*\)".*/\1/')"
    "$@" "$out/wxface.conf" finish "$key" "$result" | grep -q '^VERIFIED'
}

flow "$out/app-rpath" && pass "rpath build verifies against the sandbox" || fail "rpath build run"
flow "$out/app-static" && pass "static build verifies against the sandbox" || fail "static build run"
soname="$(readelf -d "$libdir/libwxface.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')"
loader="$(env -u LD_LIBRARY_PATH "$out/app-norpath" "$out/wxface.conf" start 2>&1)"
rc=$?
if [[ $rc -eq 127 && $loader == *"$soname: cannot open shared object file"* ]]; then
    pass "without rpath the loader refuses it, naming $soname"
else
    fail "without rpath: exit $rc, '$loader'"
fi
LD_LIBRARY_PATH="$libdir" flow "$out/app-norpath" && pass "LD_LIBRARY_PATH makes it run" || fail "LD_LIBRARY_PATH run"

printf '#include <stdio.h>\n#include <string.h>\n#include <wxface.h>\nint main(void){puts(wxface_version());return strcmp(wxface_version(), WXFACE_VERSION) != 0;}\n' >"$out/version.c"
# shellcheck disable=SC2046
gcc "${strict[@]}" "$out/version.c" $(pkg-config --cflags --libs wxface) -Wl,-rpath,"$libdir" -o "$out/version" &&
    "$out/version" >/dev/null && pass "wxface_version() equals the installed header's WXFACE_VERSION" ||
    fail "header and library versions differ"
finish
