#!/usr/bin/env bash
# Checks that a DLL imports only functions Windows 7 SP1 has: every
# (dll, function) of its import table must be in windows7-imports.txt, a
# list of the system DLLs' functions that exist on Windows 7, reviewed
# entry by entry (no ProcessPrng, WaitOnAddress, WakeByAddress*,
# GetSystemTimePreciseAsFileTime, SetThreadDescription...). A MinGW runtime
# DLL (libgcc_s_*, libwinpthread-1) is never on it. Prints the DLLs imported.
# Usage: check-imports.sh wxface.dll
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dll=${1:?usage: check-imports.sh DLL}
allowed="$here/windows7-imports.txt"
imports=$(objdump -p "$dll" | awk '
    /^\tDLL Name: / { name = tolower($3); next }
    /^\t[ \t]*vma:/ { next }
    /^$/ { name = "" }
    name != "" && NF >= 3 && $1 ~ /^[0-9a-f]+$/ { print name, $3 }' | sort -u)
[ -n "$imports" ] || { echo "$dll: no imports read" >&2; exit 1; }
# Entries are "dll function", each optionally followed by "# note".
unknown=$(comm -23 <(echo "$imports") <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$allowed" | sort -u))
echo "$(basename "$dll"): $(wc -l <<<"$imports") imported functions from $(cut -d' ' -f1 <<<"$imports" | sort -u | tr '\n' ' ')"
if [ -n "$unknown" ]; then
    echo "$dll imports functions not on the Windows 7 list ($allowed):" >&2
    sed 's/^/  /' <<<"$unknown" >&2
    exit 1
fi
