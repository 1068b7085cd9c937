# Sourced by build.sh, test.sh and package.sh: the pinned toolchains of the
# release builds, installed when missing, and the environment that points
# cargo and the C build scripts of dependencies (ring) at them.
#
# Why each pin:
# - Rust nightly-2026-05-20: the Windows 7 targets (x86_64-win7-windows-gnu,
#   i686-win7-windows-gnu) are tier 3, so no standard library is shipped for
#   them: it is built from source with -Zbuild-std, which only a nightly
#   allows. The stable `*-pc-windows-gnu` standard library imports
#   ProcessPrng (bcryptprimitives.dll), WaitOnAddress and
#   GetSystemTimePreciseAsFileTime, absent from Windows 7 (and stock wine 8).
#   The date is the nightly this was first built and tested with; move it
#   deliberately, re-running `make cross`.
# - zig 0.13.0 (PyPI `ziglang`) with cargo-zigbuild 0.20.1: link the Linux
#   libraries against glibc 2.17 symbols (CentOS 7) whatever the build
#   machine's glibc, and without libgcc_s.
# - Debian's MinGW-w64 (gcc 12), wine 8, qemu-user 7.2 and cross gcc: the
#   versions of Debian 12, installed with apt-get when missing.

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NIGHTLY=nightly-2026-05-20
ZIG_VERSION=0.13.0
ZIGBUILD_VERSION=0.20.1
TOOLS="$root/target/tools"
PLATFORMS_OUT="$root/target/platforms"
# Archive name -> Rust target. The Linux ones carry cargo-zigbuild's glibc
# suffix; i686 Linux is tested (make cross) but not shipped.
declare -A RUST_TARGET=(
    [linux-x86_64]=x86_64-unknown-linux-gnu.2.17
    [linux-aarch64]=aarch64-unknown-linux-gnu.2.17
    [linux-i686]=i686-unknown-linux-gnu.2.17
    [windows-x64]=x86_64-win7-windows-gnu
    [windows-x86]=i686-win7-windows-gnu
)
DIST_PLATFORMS=(linux-x86_64 linux-aarch64 windows-x64 windows-x86)
ALL_PLATFORMS=(linux-x86_64 linux-aarch64 linux-i686 windows-x64 windows-x86)

have() { command -v "$1" >/dev/null 2>&1; }

apt_install() {
    local need=() pkg
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
    done
    [ ${#need[@]} -eq 0 ] && return 0
    echo "platforms: installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}

# Everything the builds need (make dist, make cross).
install_build_tools() {
    apt_install gcc-mingw-w64-x86-64 gcc-mingw-w64-i686 binutils-mingw-w64-x86-64 binutils-mingw-w64-i686 \
        binutils-aarch64-linux-gnu llvm python3-venv xz-utils zip
    rustup toolchain list | grep -q "^$NIGHTLY" ||
        rustup toolchain install "$NIGHTLY" --profile minimal -c rust-src
    rustup component list --toolchain "$NIGHTLY" --installed | grep -q '^rust-src' ||
        rustup component add rust-src --toolchain "$NIGHTLY"
    local installed t
    installed=$(rustup target list --installed)
    for t in x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu i686-unknown-linux-gnu; do
        grep -qx "$t" <<<"$installed" || rustup target add "$t"
    done
    if ! "$TOOLS/venv/bin/python" -m ziglang version 2>/dev/null | grep -qx "$ZIG_VERSION"; then
        python3 -m venv "$TOOLS/venv"
        "$TOOLS/venv/bin/pip" install -q "ziglang==$ZIG_VERSION"
    fi
    if ! "$TOOLS/bin/cargo-zigbuild" --version 2>/dev/null | grep -q " $ZIGBUILD_VERSION\$"; then
        cargo install -q cargo-zigbuild --version "$ZIGBUILD_VERSION" --locked --root "$TOOLS"
    fi
    # cargo-zigbuild finds zig through the venv's `python3 -m ziglang`.
    export PATH="$TOOLS/bin:$TOOLS/venv/bin:$PATH"
    # ring compiles C and assembly: for the Windows targets with MinGW, not
    # the host compiler cargo's cc crate would otherwise pick for a target
    # it does not know.
    export CC_x86_64_win7_windows_gnu=x86_64-w64-mingw32-gcc AR_x86_64_win7_windows_gnu=x86_64-w64-mingw32-ar
    export CC_i686_win7_windows_gnu=i686-w64-mingw32-gcc AR_i686_win7_windows_gnu=i686-w64-mingw32-ar
    export CARGO_TARGET_X86_64_WIN7_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
    export CARGO_TARGET_I686_WIN7_WINDOWS_GNU_LINKER=i686-w64-mingw32-gcc
}

# What the tests need beyond the builds (make cross).
install_test_tools() {
    if ! dpkg --print-foreign-architectures | grep -qx i386; then
        dpkg --add-architecture i386
    fi
    apt_install wine wine64 wine32:i386 qemu-user gcc-i686-linux-gnu gcc-aarch64-linux-gnu \
        libc6-i386 libc6-dev-i386-cross libc6-dev-arm64-cross
}

# The Rust target directory name (cargo-zigbuild drops the glibc suffix).
target_dir() {
    local t=${RUST_TARGET[$1]}
    echo "$root/target/${t%.2.17}/release"
}
