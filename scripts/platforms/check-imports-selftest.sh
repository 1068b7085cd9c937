#!/usr/bin/env bash
# Proves that check-imports.sh can fail: three small DLLs are built with
# MinGW-w64 and checked. One imports only functions Windows 7 has and must
# pass; one imports GetSystemTimePreciseAsFileTime (Windows 8) and one
# ProcessPrng from bcryptprimitives.dll (Windows 10; what the stable Rust
# standard library imports), and each must be refused naming that function.
# Run by `make cross` before it checks the real DLLs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cc=x86_64-w64-mingw32-gcc
# No C runtime: the import table holds exactly what the source calls.
ldflags=(-shared -nostdlib -Wl,-e,entry)

cat >"$dir/good.c" <<'C'
#include <windows.h>
BOOL WINAPI entry(HINSTANCE h, DWORD reason, LPVOID reserved) {
    FILETIME t;
    (void)h; (void)reason; (void)reserved;
    GetSystemTimeAsFileTime(&t);
    return t.dwLowDateTime != 1;
}
C
cat >"$dir/win8.c" <<'C'
#define _WIN32_WINNT 0x0602
#include <windows.h>
BOOL WINAPI entry(HINSTANCE h, DWORD reason, LPVOID reserved) {
    FILETIME t;
    (void)h; (void)reason; (void)reserved;
    GetSystemTimePreciseAsFileTime(&t);
    return t.dwLowDateTime != 1;
}
C
cat >"$dir/win10.c" <<'C'
#include <windows.h>
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len);
BOOL WINAPI entry(HINSTANCE h, DWORD reason, LPVOID reserved) {
    BYTE b[4];
    (void)h; (void)reason; (void)reserved;
    return ProcessPrng(b, sizeof b);
}
C
printf 'LIBRARY bcryptprimitives.dll\nEXPORTS\nProcessPrng\n' >"$dir/bcryptprimitives.def"
x86_64-w64-mingw32-dlltool -d "$dir/bcryptprimitives.def" -l "$dir/libbcryptprimitives.a"

"$cc" "${ldflags[@]}" -o "$dir/good.dll" "$dir/good.c" -lkernel32
"$cc" "${ldflags[@]}" -o "$dir/win8.dll" "$dir/win8.c" -lkernel32
"$cc" "${ldflags[@]}" -o "$dir/win10.dll" "$dir/win10.c" -L"$dir" -lbcryptprimitives -lkernel32

failures=0
bash "$here/check-imports.sh" "$dir/good.dll" || { echo "selftest: a Windows 7 DLL was refused" >&2; failures=1; }
for bad in win8:'kernel32.dll GetSystemTimePreciseAsFileTime' win10:'bcryptprimitives.dll ProcessPrng'; do
    name=${bad%%:*} want=${bad#*:}
    if bash "$here/check-imports.sh" "$dir/$name.dll" >"$dir/$name.out" 2>&1; then
        echo "selftest: $name.dll passed the Windows 7 check" >&2
        failures=1
    elif ! grep -qx "  $want" "$dir/$name.out"; then
        echo "selftest: $name.dll was refused without naming $want:" >&2
        cat "$dir/$name.out" >&2
        failures=1
    else
        echo "selftest: $name.dll refused as it must be ($want)"
    fi
done
# The list itself: every entry MinGW-w64's headers can vouch for must be
# declared there for Windows 7 (_WIN32_WINNT=0x0601, where functions of
# Windows 8 and later are left out), and none of the Windows 8+ functions
# the Rust standard library reaches for may be on it (MinGW-w64 10 declares
# WaitOnAddress and WakeByAddress* whatever _WIN32_WINNT says).
list=$(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$here/windows7-imports.txt")
# Vouched for in the list's header instead: the C runtime and the NT
# native calls only the Windows Driver Kit declares.
unchecked='^(msvcrt\.dll .*|ntdll\.dll Nt(CreateNamedPipeFile|ReadFile|WriteFile))$'
{
    echo '#define _WIN32_WINNT 0x0601'
    echo '#define NTDDI_VERSION 0x06010000'
    echo '#define SECURITY_WIN32'
    for h in winsock2.h ws2tcpip.h windows.h mswsock.h tlhelp32.h bcrypt.h ncrypt.h wincrypt.h security.h \
        schannel.h userenv.h winternl.h ntsecapi.h; do
        echo "#include <$h>"
    done
    echo 'void *windows7_imports[] = {'
    grep -Ev "$unchecked" <<<"$list" | awk '{ print "    (void *)&" $2 "," }'
    echo '};'
} >"$dir/list.c"
if ! "$cc" -c -w -o "$dir/list.o" "$dir/list.c" 2>"$dir/list.err"; then
    echo "selftest: entries of windows7-imports.txt that MinGW-w64 does not declare for Windows 7:" >&2
    grep -o "'[A-Za-z0-9_]*' undeclared\|‘[A-Za-z0-9_]*’ undeclared" "$dir/list.err" | sort -u | sed 's/^/  /' >&2
    failures=1
fi
for f in ProcessPrng WaitOnAddress WakeByAddressSingle WakeByAddressAll GetSystemTimePreciseAsFileTime \
    SetThreadDescription GetThreadDescription CreateFile2; do
    if grep -q " $f\$" <<<"$list"; then
        echo "selftest: windows7-imports.txt lists $f, which Windows 7 does not have" >&2
        failures=1
    fi
done
echo "selftest: $(wc -l <<<"$list") entries of windows7-imports.txt checked against MinGW-w64's Windows 7 headers"
[ "$failures" -eq 0 ] || exit 1
echo "selftest: check-imports.sh passes a Windows 7 DLL and refuses Windows 8 and 10 imports"
