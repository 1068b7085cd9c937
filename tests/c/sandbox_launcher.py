#!/usr/bin/env python3
"""Starts and kills sandboxes for the C suite built for Windows (make cross).

A Windows program under wine cannot manage the Linux sandbox itself: wine's
CreateProcess starts a Unix binary detached and leaves PROCESS_INFORMATION
unfilled, so the program can neither wait for it, nor kill it, nor read
the port it bound.
This launcher runs natively beside wine, on loopback, and does for the
suite what tests/c/sandbox.c does with fork/exec on Linux:

    POST /start            a fresh `wxface-sandbox --listen 127.0.0.1:0`;
                           answers {"port": N} once it listens
    POST /stop  {"port":N} SIGKILL and reap it; answers {"stopped": N}

Usage: sandbox_launcher.py SANDBOX_BINARY. Prints
"sandbox launcher listening on http://127.0.0.1:PORT" once it listens, and
kills every sandbox it started when it ends (SIGTERM or SIGINT). The
sandboxes' stderr goes to the launcher's own.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LISTEN_PREFIX = "wxface-sandbox listening on http://127.0.0.1:"


class Sandboxes:
    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.lock = threading.Lock()
        self.running: dict[int, subprocess.Popen[bytes]] = {}

    def start(self) -> int:
        proc = subprocess.Popen(
            [self.binary, "--listen", "127.0.0.1:0"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
        )
        assert proc.stdout is not None
        line = proc.stdout.readline().decode("utf-8", "replace").strip()
        if not line.startswith(LISTEN_PREFIX):
            proc.kill()
            proc.wait()
            raise RuntimeError(f"unexpected first line {line!r}")
        port = int(line[len(LISTEN_PREFIX) :])
        with self.lock:
            self.running[port] = proc
        return port

    def stop(self, port: int) -> bool:
        with self.lock:
            proc = self.running.pop(port, None)
        if proc is None:
            return False
        proc.kill()
        proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()
        return True

    def stop_all(self) -> None:
        with self.lock:
            ports = list(self.running)
        for port in ports:
            self.stop(port)


def handler_for(sandboxes: Sandboxes) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            try:
                if self.path == "/start":
                    self.answer(200, {"port": sandboxes.start()})
                elif self.path == "/stop":
                    port = json.loads(body or b"{}").get("port")
                    if not isinstance(port, int):
                        self.answer(400, {"error": "the body needs an integer port"})
                    elif sandboxes.stop(port):
                        self.answer(200, {"stopped": port})
                    else:
                        self.answer(
                            404,
                            {"error": f"no sandbox of this launcher on port {port}"},
                        )
                else:
                    self.answer(404, {"error": "POST /start or /stop"})
            except (OSError, RuntimeError, ValueError) as e:
                self.answer(500, {"error": str(e)})

        def answer(self, status: int, body: dict[str, object]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)
            self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    sandboxes = Sandboxes(sys.argv[1])
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(sandboxes))
    server.daemon_threads = True

    def end(*_: object) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, end)
    signal.signal(signal.SIGINT, end)
    print(
        f"sandbox launcher listening on http://127.0.0.1:{server.server_address[1]}",
        flush=True,
    )
    try:
        server.serve_forever()
    finally:
        sandboxes.stop_all()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
