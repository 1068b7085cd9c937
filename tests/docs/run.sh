#!/usr/bin/env bash
# Docs that run: the READMEs' included blocks equal their files, every C
# example compiles with -std=c99 -Wall -Wextra -Werror -pedantic, and every
# README shell session (`<!-- session: NAME -->`) runs against its own
# sandbox (port 8700 in the text, a free port here) and prints what its
# `# => TEXT` comments say. Ends with "N passed, M failed".
#
# WXFACE_LIBRARY and WXFACE_SANDBOX default to target/debug/.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
lib="${WXFACE_LIBRARY:-$root/target/debug/libwxface.so}"
sandbox="${WXFACE_SANDBOX:-$root/target/debug/wxface-sandbox}"
for f in "$lib" "$sandbox"; do
    [[ -e $f ]] || { echo "run.sh: $f not found: run make build" >&2; echo "0 passed, 1 failed"; exit 1; }
done
"$root/scripts/soname-link.sh" "$(dirname "$lib")"
# Go's usual place when it is not on PATH (as bindings/go/test.sh does).
if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
    export PATH="/usr/local/go/bin:$PATH"
fi
out="$root/target/docs"
rm -rf "$out"
mkdir -p "$out/bin"

passed=0
failed=0
pass() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }

echo "== README blocks equal their files"
if python3 "$here/readme_blocks.py" check >"$out/check.log"; then
    sed '$d' "$out/check.log"
    n=$(tail -n 1 "$out/check.log" | sed 's/ passed.*//')
    passed=$((passed + n))
else
    cat "$out/check.log"
    fail "README blocks"
fi

echo "== C examples compile as C99 with every warning an error"
for src in "$root"/examples/c/*.c; do
    name="$(basename "$src" .c)"
    if gcc -std=c99 -Wall -Wextra -Werror -pedantic -I"$root/include" "$src" \
        -L"$(dirname "$lib")" -lwxface -Wl,-rpath,"$(dirname "$lib")" -o "$out/bin/$name" 2>"$out/$name.gcc.log"; then
        pass "examples/c/$name.c"
    else
        cat "$out/$name.gcc.log"
        fail "examples/c/$name.c"
    fi
done

echo "== README sessions against the sandbox"
python3 "$here/readme_blocks.py" sessions "$out/sessions" >/dev/null || fail "session extraction"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
for script in "$out"/sessions/*.sh; do
    [[ -e $script ]] || { fail "no README session found"; break; }
    name="$(basename "$script" .sh)"
    dir="$out/run-$name"
    mkdir -p "$dir"
    # The session runs in a scratch directory that sees the repository's
    # build, header and examples under their usual names.
    for link in target include examples bindings; do ln -s "$root/$link" "$dir/$link"; done
    port="$(free_port)"
    sed "s/127\.0\.0\.1:8700/127.0.0.1:$port/g" "$script" >"$dir/session.sh"
    # timeout(1) runs it in a process group of its own (its pid), so that a
    # sandbox the session left running ends with it.
    (cd "$dir" && exec timeout 300 bash session.sh >"$dir/output.txt" 2>&1) &
    group=$!
    wait "$group"
    rc=$?
    kill -TERM -- "-$group" 2>/dev/null
    if python3 "$here/readme_blocks.py" expect "$script" "$dir/output.txt"; then
        pass "session $name"
    else
        echo "--- output of session $name (exit $rc):"
        cat "$dir/output.txt"
        fail "session $name"
    fi
done

echo "$passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
