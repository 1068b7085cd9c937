#!/usr/bin/env bash
# Tests the samples: the legacy declarations equal what generate.py derives
# from include/wxface.h, and samples/c/verify.c, built with pkg-config
# against a `make install` prefix as an integrator would, verifies a person
# through the sandbox in its two steps (start, the phone, query).
# Ends with "N passed, 0 failed". (The Windows LoadLibrary/__stdcall program
# is tests/c/stdcall_loadlibrary.c, run under wine by `make cross`.)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="$root/target/samples"
rm -rf "$out"
mkdir -p "$out"
passed=0

python3 "$here/generate.py" --check
passed=$((passed + 1))

make -C "$root" --no-print-directory install PREFIX="$out/prefix" INSTALL_PROFILE=debug >/dev/null
export PKG_CONFIG_PATH="$out/prefix/lib/pkgconfig"
# shellcheck disable=SC2046 # pkg-config's output is meant to be split
gcc -std=c99 -Wall -Wextra -Werror "$here/c/verify.c" $(pkg-config --cflags --libs wxface) \
    -Wl,-rpath,"$out/prefix/lib" -o "$out/verify"

sandbox="${WXFACE_SANDBOX:-$root/target/debug/wxface-sandbox}"
"$sandbox" --listen 127.0.0.1:0 >"$out/sandbox.out" 2>/dev/null &
sandbox_pid=$!
trap 'kill $sandbox_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    grep -q 'listening on' "$out/sandbox.out" 2>/dev/null && break
    sleep 0.1
done
base=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$out/sandbox.out" | head -n 1)
[ -n "$base" ] || { echo "the sandbox did not start" >&2; exit 1; }
printf 'appid=wx5a3d6f1e2b4c8d90\nsecret=sandbox-secret-0123456789abcdef\napi_base=%s\nproxy=none\n' "$base" \
    >"$out/wxface.conf"
export WXFACE_CONFIG="$out/wxface.conf"

openid=o_sample_his_patient_00000001
"$out/verify" start "张三" 11010519491231002X "$openid" >"$out/start.txt"
seq=$(sed -n 's/^out_seq_no=//p' "$out/start.txt")
verify_id=$(sed -n 's/^verify_id=//p' "$out/start.txt")
cert_hash=$(sed -n 's/^cert_hash=//p' "$out/start.txt")
[ -n "$verify_id" ] && [ -n "$cert_hash" ] && passed=$((passed + 1))

# Before the phone finishes: PENDING (exit 3).
set +e
"$out/verify" query "$seq" "$verify_id" "$openid" "$cert_hash"
rc=$?
set -e
[ $rc -eq 3 ] || { echo "query before the phone: exit $rc, not 3 (PENDING)" >&2; exit 1; }
passed=$((passed + 1))

# The phone: the user passes wx.requestFacialVerify.
python3 - "$base" "$verify_id" <<'PY'
import json, sys, urllib.request
req = urllib.request.Request(sys.argv[1] + "/sandbox/v2/complete", data=json.dumps({"verify_id": sys.argv[2]}).encode(),
                             headers={"Content-Type": "application/json"}, method="POST")
urllib.request.urlopen(req, timeout=10).read()
PY
"$out/verify" query "$seq" "$verify_id" "$openid" "$cert_hash" | tee "$out/query.txt"
grep -qx VERIFIED "$out/query.txt" && passed=$((passed + 1))
echo "$passed passed, 0 failed"
[ $passed -eq 4 ]
