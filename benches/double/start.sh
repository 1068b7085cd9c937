#!/usr/bin/env bash
# Starts the nginx double on a free loopback port; prints
# `export WXFACE_BENCH_BASE=http://127.0.0.1:PORT` and `WXFACE_BENCH_DOUBLE=PID`
# for eval. Stop it with `kill PID` (nginx's master ends its workers).
# Usage: start.sh DIR   (DIR holds its config, pid and temp files)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="$(mkdir -p "$1" && cd "$1" && pwd)"
nginx="$(command -v nginx || echo /usr/sbin/nginx)"
[[ -x $nginx ]] || { echo "start.sh: nginx is not installed (apt-get install nginx-light)" >&2; exit 2; }
for attempt in 1 2 3 4 5; do
    # A port the kernel just handed out and took back: nothing else holds it.
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    sed -e "s|@DIR@|$dir|g" -e "s|@PORT@|$port|g" "$here/nginx.conf.in" > "$dir/nginx.conf"
    rm -f "$dir/nginx.pid"
    "$nginx" -c "$dir/nginx.conf" -p "$dir" -e "$dir/error.log" > "$dir/nginx.out" 2>&1 &
    pid=$!
    for _ in $(seq 50); do
        if python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], b"{}", timeout=1)' \
            "http://127.0.0.1:$port/cgi-bin/stable_token" > /dev/null 2>&1; then
            echo "export WXFACE_BENCH_BASE=http://127.0.0.1:$port"
            echo "export WXFACE_BENCH_DOUBLE=$pid"
            exit 0
        fi
        kill -0 "$pid" 2> /dev/null || break
        sleep 0.1
    done
    kill "$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
    echo "start.sh: nginx did not come up on port $port (attempt $attempt)" >&2
done
cat "$dir/error.log" >&2 || true
exit 1
