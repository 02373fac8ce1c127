#!/usr/bin/env python3
"""A capturing HTTP server for the conformance runners (stdlib only).

Listens on 127.0.0.1 (port 0 unless --port), prints its port on the first line of
stdout, and records every POST as {headers (lower-case names), body_base64 (raw bytes
as received)}, answering 200 {"accepted": n, "duplicates": 0, "rejected": []}.

    GET  /_captured   JSON list of the recorded requests, oldest first
    POST /_reset      forget them
"""
import argparse
import base64
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_lock = threading.Lock()
_captured = []


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the SDKs reuse connections

    def log_message(self, format, *args):  # quiet
        pass

    def _reply(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/_captured":
            with _lock:
                self._reply(200, list(_captured))
        else:
            self._reply(404, {"error": "not found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path == "/_reset":
            with _lock:
                _captured.clear()
            self._reply(200, {"ok": True})
            return
        headers = {}
        for name, value in self.headers.items():
            headers[name.lower()] = value
        with _lock:
            _captured.append({"path": self.path, "headers": headers,
                              "body_base64": base64.b64encode(body).decode()})
        self._reply(200, {"accepted": 0, "duplicates": 0, "rejected": []})


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--watch-stdin", action="store_true",
                    help="exit when stdin closes (the runner that started it has gone)")
    args = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    if args.watch_stdin:
        def watch():
            sys.stdin.buffer.read()
            server.shutdown()
        threading.Thread(target=watch, daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
