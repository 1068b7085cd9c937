#!/usr/bin/env bash
# Builds libwxface for 32-bit Linux, aarch64 Linux and 32/64-bit Windows
# (MinGW); runs the whole C suite against the 32-bit library natively and
# against the aarch64 one under qemu-user; links a C program against each
# Windows DLL. Not part of `make test`: it needs rustup targets
# and Debian's multilib and MinGW packages, which it installs if missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

targets=(i686-unknown-linux-gnu aarch64-unknown-linux-gnu i686-pc-windows-gnu x86_64-pc-windows-gnu)
installed=$(rustup target list --installed)
for t in "${targets[@]}"; do
  grep -qx "$t" <<<"$installed" || rustup target add "$t"
done
need=()
# Cross compilers rather than gcc-multilib, which Debian will not install
# beside gcc-aarch64-linux-gnu.
command -v i686-linux-gnu-gcc >/dev/null || need+=(gcc-i686-linux-gnu)
[ -e /lib/ld-linux.so.2 ] || need+=(libc6-i386)
command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64)
command -v i686-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-i686)
command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu)
command -v qemu-aarch64 >/dev/null || need+=(qemu-user)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

cargo build --bin wxface-sandbox
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_I686_UNKNOWN_LINUX_GNU_LINKER=i686-linux-gnu-gcc CC_i686_unknown_linux_gnu=i686-linux-gnu-gcc
for t in "${targets[@]}"; do
  cargo build --lib --target "$t"
done

# The C suite, 32-bit, run natively (libc6-i386) against the sandbox built
# for the host.
lib32="$root/target/i686-unknown-linux-gnu/debug"
scripts/soname-link.sh "$lib32"
mkdir -p target/cross
i686-linux-gnu-gcc -std=c99 -Wall -Wextra -Werror -pedantic -g -pthread -Iinclude -Itests/c \
  tests/c/test_wxface.c tests/c/check.c tests/c/json.c tests/c/text.c tests/c/http.c tests/c/sandbox.c \
  -L"$lib32" -lwxface -Wl,-rpath,"$lib32" -o target/cross/test_wxface_i686
echo "i686 linux: $(WXFACE_SANDBOX="$root/target/debug/wxface-sandbox" target/cross/test_wxface_i686 | tail -n 1)"

# The C suite on aarch64 under qemu-user (the sandbox stays a host binary).
libarm="$root/target/aarch64-unknown-linux-gnu/debug"
scripts/soname-link.sh "$libarm"
aarch64-linux-gnu-gcc -std=c99 -Wall -Wextra -Werror -pedantic -g -pthread -Iinclude -Itests/c \
  tests/c/test_wxface.c tests/c/check.c tests/c/json.c tests/c/text.c tests/c/http.c tests/c/sandbox.c \
  -L"$libarm" -lwxface -Wl,-rpath,"$libarm" -o target/cross/test_wxface_aarch64
echo "aarch64 linux (qemu): $(WXFACE_SANDBOX="$root/target/debug/wxface-sandbox" \
  qemu-aarch64 -L /usr/aarch64-linux-gnu target/cross/test_wxface_aarch64 | tail -n 1)"

# Windows: the header compiles and every symbol links against the DLL's import library.
printf '#include <stdio.h>\n#include "wxface.h"\nint main(void){char out[65]; wxface_error e;\n  return wxface_cert_hash("IDENTITY_CARD", "n", "1", out, &e) || puts(wxface_version()) < 0;}\n' \
  > target/cross/win_check.c
for arch in x86_64 i686; do
  "$arch-w64-mingw32-gcc" -std=c99 -Wall -Wextra -Werror -Iinclude target/cross/win_check.c \
    -L"target/$arch-pc-windows-gnu/debug" -lwxface -o "target/cross/win_check_$arch.exe"
  echo "windows $arch: wxface.dll built, a C program links against it"
done
