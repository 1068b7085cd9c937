#!/usr/bin/env bash
# Makes DIR/<soname> -> libwxface.so, so that programs linked with -lwxface
# (which record the SONAME, e.g. libwxface.so.0.2) find the library in a
# build directory as they would in an installed one.
set -euo pipefail
dir=${1:?usage: soname-link.sh DIR}
lib="$dir/libwxface.so"
[ -f "$lib" ] || exit 0
soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ -n "$soname" ] && [ "$soname" != libwxface.so ] && ln -sf libwxface.so "$dir/$soname"
exit 0
