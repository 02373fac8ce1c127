#!/usr/bin/env python3
"""A capturing HTTP server for the conformance runners (stdlib only).

Listens on 127.0.0.1 (port 0 unless --port), prints its port on the first line of
stdout, and records every request (but its own /_ paths) as {method, path (as sent,
not decoded), headers (lower-case names), body_base64 (raw bytes as received)}. A
request with a canned answer (POST /_answers) gets it; any other POST gets 200
{"accepted": n, "duplicates": 0, "rejected": []}, any other GET 404.

    GET  /_captured   JSON list of the recorded requests, oldest first
    POST /_reset      forget them, and the canned answers
    POST /_answers    [{"method", "path", "status", "body"}]: what those requests get
"""
import argparse
import base64
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_lock = threading.Lock()
_captured = []
_answers = {}  # (method, path) -> (status, body)


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

    def _record(self, body):
        headers = {}
        for name, value in self.headers.items():
            headers[name.lower()] = value
        with _lock:
            _captured.append({"method": self.command, "path": self.path, "headers": headers,
                              "body_base64": base64.b64encode(body).decode()})
            return _answers.get((self.command, self.path))

    def do_GET(self):
        if self.path == "/_captured":
            with _lock:
                self._reply(200, list(_captured))
            return
        answer = self._record(b"")
        self._reply(*(answer or (404, {"error": "not found"})))

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path == "/_reset":
            with _lock:
                _captured.clear()
                _answers.clear()
            self._reply(200, {"ok": True})
            return
        if self.path == "/_answers":
            with _lock:
                for a in json.loads(body):
                    _answers[(a["method"], a["path"])] = (a["status"], a["body"])
            self._reply(200, {"ok": True})
            return
        answer = self._record(body)
        self._reply(*(answer or (200, {"accepted": 0, "duplicates": 0, "rejected": []})))


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
