#!/usr/bin/env python3
"""An HTTP/1.1 server for yieldpipe's tests: slow answers, 5xx, connection resets, big bodies, invalid JSON,
redirects and a server that stops mid-run, on 127.0.0.1 only. Python's standard library only.

Usage: http_test_server.py [--port N] [--verbose]

Binds 127.0.0.1:N (N = 0, the default, lets the kernel choose), prints "PORT <port>" as the first line of
standard output, then serves until SIGTERM or SIGINT (exit status 0), until GET /stop, or until the process
that started it exits (so that a crashed test leaves no server behind). One thread per connection;
connections are kept alive (every answer has a Content-Length). No log lines unless --verbose.

Routes (GET; a query string is ignored unless said otherwise):
  /json/<id>                200 application/json {"id": <id>, "value": <2*id>, "name": "item-<id>"}
  /text/<id>                200 text/plain "hello <id>"
  /slow/<ms>[/<id>]         sleeps <ms> milliseconds, then 200 {"slept_ms": <ms>} (and "id": <id> when given)
  /status/<code>            that status (200-599), body {"status": <code>} (none for 204 and 304)
  /flaky/<key>/<n>          500 for the first <n> requests of <key>, then 200 {"key": "<key>", "attempt": <k>}
  /reset                    no answer: the connection is closed with SO_LINGER 0, so the client sees a reset
  /reset-flaky/<key>/<n>    a reset for the first <n> requests of <key>, then 200 as /flaky
  /big/<mib>                200 application/octet-stream, exactly <mib> MiB, streamed
  /bigjson/<mib>            200 application/json, a JSON array of numbers of <mib> MiB plus one byte, streamed
  /invalid-json             200 application/json '{"id": 1, "broken": ' (not JSON)
  /redirect/<n>             302 to /redirect/<n-1>; /redirect/0 is 200 {"redirected": true}
  /redirect-loop            302 to itself
  /truncated                200 with Content-Length 1000 but 10 bytes of body, then the connection closes
  /stop                     200 {"stopping": true} (Connection: close); new connections are refused from
                            before the answer is sent, and the process exits shortly after
  /count                    200 {"total": <requests>, "by_prefix": {"json": <requests>, ...}}: every request
                            so far, this one included, by the path's first segment; /count?reset=1 then
                            zeroes the counts (the flaky keys' attempts too)
  anything else             404 {"error": "not found", "path": "<path>"}
"""

import argparse
import http.server
import json
import os
import signal
import socket
import socketserver
import struct
import sys
import threading
import time
import urllib.parse

MIB = 1024 * 1024
# 1 MiB of zero bytes for /big, and for /bigjson 1 MiB of 131,072 seven-digit numbers, each with its comma.
ZEROS = bytes(MIB)
NUMBERS = "".join(f"{1000000 + i}," for i in range(MIB // 8)).encode()
assert len(NUMBERS) == MIB


class State:
    """What the handler threads share, under one lock."""

    lock = threading.Lock()
    total = 0
    by_prefix = {}
    attempts = {}  # ("flaky" or "reset-flaky", key) -> requests so far
    verbose = False
    stop_answered = threading.Event()


def count(prefix):
    with State.lock:
        State.total += 1
        State.by_prefix[prefix] = State.by_prefix.get(prefix, 0) + 1


def attempt(kind, key):
    """The number of this request among those for (kind, key), from 1."""
    with State.lock:
        k = State.attempts.get((kind, key), 0) + 1
        State.attempts[(kind, key)] = k
        return k


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body are two writes: without TCP_NODELAY, Nagle's algorithm and the client's delayed
    # acknowledgement hold the body back for 40 ms on every keep-alive request.
    disable_nagle_algorithm = True

    def log_message(self, format, *args):
        if State.verbose:
            super().log_message(format, *args)

    def answer(self, status, body, content_type="application/json", headers=()):
        if isinstance(body, str):
            body = body.encode()
        elif not isinstance(body, bytes):
            body = json.dumps(body).encode()
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if status in (204, 304):
            body = b""
        else:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def reset(self):
        """Closes the connection with no answer; SO_LINGER 0 makes the close send RST, not FIN."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        # The socket's descriptor is released when both it and rfile (made by makefile) are closed.
        self.connection.close()
        self.rfile.close()

    def stream(self, content_type, length, chunks):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        try:
            for chunk in chunks:
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client left before the end

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        parts = [p for p in url.path.split("/") if p]
        count(parts[0] if parts else "")
        try:
            self.route(url.path, parts, query)
        except ValueError:  # a malformed number in the path
            self.answer(400, {"error": "bad request", "path": url.path})

    def route(self, path, parts, query):
        name, args = (parts[0], parts[1:]) if parts else ("", [])
        if name == "json" and len(args) == 1:
            i = int(args[0])
            self.answer(200, {"id": i, "value": i * 2, "name": f"item-{i}"})
        elif name == "text" and len(args) == 1:
            self.answer(200, f"hello {args[0]}", "text/plain")
        elif name == "slow" and len(args) in (1, 2):
            ms = int(args[0])
            time.sleep(ms / 1000)
            body = {"slept_ms": ms}
            if len(args) == 2:
                body["id"] = int(args[1])
            self.answer(200, body)
        elif name == "status" and len(args) == 1:
            code = int(args[0])
            if not 200 <= code <= 599:
                raise ValueError(code)
            self.answer(code, {"status": code})
        elif name in ("flaky", "reset-flaky") and len(args) == 2:
            key, failures = args[0], int(args[1])
            k = attempt(name, key)
            if k > failures:
                self.answer(200, {"key": key, "attempt": k})
            elif name == "flaky":
                self.answer(500, {"key": key, "attempt": k})
            else:
                self.reset()
        elif path == "/reset":
            self.reset()
        elif name == "big" and len(args) == 1:
            mib = int(args[0])
            self.stream("application/octet-stream", mib * MIB, (ZEROS for _ in range(mib)))
        elif name == "bigjson" and len(args) == 1:
            mib = int(args[0])
            # "[" then mib blocks of numbers, the last one's final comma replaced by "]".
            chunks = [b"["] + [NUMBERS] * (mib - 1) + [NUMBERS[:-1] + b"]"] if mib > 0 else [b"[]"]
            self.stream("application/json", mib * MIB + 1 if mib > 0 else 2, chunks)
        elif path == "/invalid-json":
            self.answer(200, '{"id": 1, "broken": ')
        elif name == "redirect" and len(args) == 1:
            n = int(args[0])
            if n <= 0:
                self.answer(200, {"redirected": True})
            else:
                self.answer(302, {"location": f"/redirect/{n - 1}"}, headers=[("Location", f"/redirect/{n - 1}")])
        elif path == "/redirect-loop":
            self.answer(302, {"location": "/redirect-loop"}, headers=[("Location", "/redirect-loop")])
        elif path == "/truncated":
            self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"0123456789")
        elif path == "/stop":
            self.stop()
        elif path == "/count":
            with State.lock:
                body = {"total": State.total, "by_prefix": dict(State.by_prefix)}
                if query.get("reset") == ["1"]:
                    State.total = 0
                    State.by_prefix.clear()
                    State.attempts.clear()
            self.answer(200, body)
        else:
            self.answer(404, {"error": "not found", "path": path})

    def stop(self):
        # Shutting the listening socket down takes it out of the LISTEN state at once (Linux): connections
        # attempted after the client reads this answer are refused, not queued for a server that is leaving.
        # serve_forever then sees the socket readable, fails to accept (ignored) and sees the shutdown flag.
        threading.Thread(target=self.server.shutdown, daemon=True).start()
        try:
            self.server.socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.close_connection = True
        try:
            self.answer(200, {"stopping": True}, headers=[("Connection", "close")])
        finally:
            State.stop_answered.set()


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 1024  # the default 5 drops connections when a test opens 64 at once

    def server_bind(self):
        # HTTPServer.server_bind asks DNS for the host's name (socket.getfqdn), which can take seconds.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address):
        if State.verbose:
            super().handle_error(request, client_address)


def watch_parent():
    """Exits when the process that started this one does (this one is then adopted by another)."""
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def main():
    parser = argparse.ArgumentParser(description="yieldpipe's HTTP test server (127.0.0.1 only)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default 0: any free port)")
    parser.add_argument("--verbose", action="store_true", help="log every request and error on stderr")
    options = parser.parse_args()
    State.verbose = options.verbose

    def terminate(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGINT, terminate)
    httpd = Server(("127.0.0.1", options.port), Handler)
    print(f"PORT {httpd.server_address[1]}", flush=True)
    # Nothing more goes to standard output: whoever read the port may have closed the pipe.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    threading.Thread(target=watch_parent, daemon=True).start()
    try:
        httpd.serve_forever(poll_interval=0.1)
        # Stopped by /stop: let its answer leave before the process (and the answering thread) ends.
        State.stop_answered.wait(2)
    finally:
        httpd.server_close()


if __name__ == "__main__":
    main()
