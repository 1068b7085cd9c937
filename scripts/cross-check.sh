#!/usr/bin/env bash
# Builds libwxface for 32-bit Linux and 32/64-bit Windows (MinGW), runs the
# whole C suite against the 32-bit Linux library, and links a C program
# against each Windows DLL. Not part of `make test`: it needs rustup targets
# and Debian's multilib and MinGW packages, which it installs if missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

targets=(i686-unknown-linux-gnu i686-pc-windows-gnu x86_64-pc-windows-gnu)
installed=$(rustup target list --installed)
for t in "${targets[@]}"; do
  grep -qx "$t" <<<"$installed" || rustup target add "$t"
done
need=()
[ -e /usr/lib/gcc/x86_64-linux-gnu/12/32/libgcc.a ] || need+=(gcc-multilib)
command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64)
command -v i686-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-i686)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

cargo build --bin wxface-sandbox
for t in "${targets[@]}"; do
  cargo build --lib --target "$t"
done

# The C suite, 32-bit, against the sandbox built for the host.
lib32="$root/target/i686-unknown-linux-gnu/debug"
scripts/soname-link.sh "$lib32"
mkdir -p target/cross
gcc -m32 -std=c99 -Wall -Wextra -Werror -pedantic -g -pthread -Iinclude -Itests/c \
  tests/c/test_wxface.c tests/c/check.c tests/c/json.c tests/c/text.c tests/c/http.c tests/c/sandbox.c \
  -L"$lib32" -lwxface -Wl,-rpath,"$lib32" -o target/cross/test_wxface_i686
WXFACE_SANDBOX="$root/target/debug/wxface-sandbox" target/cross/test_wxface_i686 | tail -n 1

# Windows: the header compiles and every symbol links against the DLL's import library.
printf '#include <stdio.h>\n#include "wxface.h"\nint main(void){char out[65]; wxface_error e;\n  return wxface_cert_hash("IDENTITY_CARD", "n", "1", out, &e) || puts(wxface_version()) < 0;}\n' \
  > target/cross/win_check.c
for arch in x86_64 i686; do
  "$arch-w64-mingw32-gcc" -std=c99 -Wall -Wextra -Werror -Iinclude target/cross/win_check.c \
    -L"target/$arch-pc-windows-gnu/debug" -lwxface -o "target/cross/win_check_$arch.exe"
  echo "windows $arch: wxface.dll built, a C program links against it"
done
