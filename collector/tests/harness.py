"""harness.py: start spoor-collector on a free port and talk wire format v1 (and
Segment's format) to it.

Only the Python standard library, so the collector's tests run on a fresh machine
after ci/setup. The signature is computed here with hmac, independently of the
core's C code, so the two implementations check each other.
"""
import base64
import gzip as gz
import hashlib
import hmac
import http.client
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import uuid

BINARY = os.environ.get("SPOOR_COLLECTOR", "")
START_TIMEOUT = 10.0


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return "<%d %r>" % (self.status, self.body[:300])


def micro_credentials(args, env=None):
    """The headers that open /micro/* on a collector started with args (and
    env): the admin key when there is one, else an api key or the basic pair."""
    args, env = list(args), env or {}

    def value(option):
        if option in args:
            return args[args.index(option) + 1]
        if option + "-file" in args:
            with open(args[args.index(option + "-file") + 1]) as f:
                return f.read().split("\n")[0].strip()
        return env.get("SPOOR_COLLECTOR_" + option[2:].upper().replace("-", "_")) or None

    key = value("--admin-key") or value("--api-key")
    if key:
        return {"X-API-Key": key}
    basic = value("--basic")
    return {"Authorization": "Basic " + base64.b64encode(basic.encode()).decode()} if basic else {}


def fingerprint(secret):
    """How /micro/requests shows a credential: a short hash, never the value."""
    return "***sha256:" + hashlib.sha256(secret.encode()).hexdigest()[:8]


class Collector:
    """One spoor-collector process; use as a context manager or call stop().
    Requests to /micro/* carry the credentials its flags call for."""

    def __init__(self, *args, workdir=None, quiet=False, env=None):
        if not BINARY or not os.access(BINARY, os.X_OK):
            raise RuntimeError("SPOOR_COLLECTOR must name the spoor-collector binary")
        self.own_dir = workdir is None
        self.dir = workdir or tempfile.mkdtemp(prefix="spoor-collector-")
        self.port_file = os.path.join(self.dir, "port")
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        self.log_path = os.path.join(self.dir, "collector.log")
        self.log = open(self.log_path, "ab")
        cmd = [BINARY, "--port", "0", "--port-file", self.port_file, *args]
        if quiet:
            cmd.append("--quiet")
        self.micro_headers = micro_credentials(args, env)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.log,
                                     env=dict(os.environ, **(env or {})))
        deadline = time.monotonic() + START_TIMEOUT
        while not os.path.exists(self.port_file):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                self.proc.stdout.close()
                self.log.close()
                raise RuntimeError("collector did not start: %s" % self.stderr())
            time.sleep(0.02)
        with open(self.port_file) as f:
            self.port = int(f.read())
        self.banner = self.proc.stdout.readline().decode().strip()

    def stderr(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def request(self, method, path, body=None, headers=None, timeout=10, micro_auth=True):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            if isinstance(body, (dict, list)):
                body = json.dumps(body).encode()
            elif isinstance(body, str):
                body = body.encode()
            if micro_auth and path.startswith("/micro/"):
                headers = dict(self.micro_headers, **(headers or {}))
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            conn.close()

    def get(self, path):
        r = self.request("GET", path)
        assert r.status == 200, r
        return r.json()

    def post_batch(self, events, headers=None, body=None, use_gzip=False, secret=None,
                   timestamp=None, timeout=10):
        """POSTs {"sentAt", "batch": events} (or the raw body given), signed when
        secret is given, gzip-compressed after signing when use_gzip."""
        if body is None:
            body = json.dumps({"sentAt": "2026-11-23T10:00:00.000Z", "batch": events}).encode()
        elif isinstance(body, str):
            body = body.encode()
        h = {"Content-Type": "application/json", "User-Agent": "spoor-test/1"}
        if secret is not None:
            ts = int(time.time()) if timestamp is None else timestamp
            h["X-Spoor-Timestamp"] = str(ts)
            h["X-Spoor-Signature"] = sign(secret, ts, body)
        if use_gzip:
            body = gz.compress(body)
            h["Content-Encoding"] = "gzip"
        h.update(headers or {})
        return self.request("POST", "/v1/batch", body, h, timeout=timeout)

    def post_segment(self, messages=None, write_key=None, path="/v1/batch", body=None, use_gzip=False,
                     headers=None, timeout=10):
        """POSTs Segment's format: {"batch": messages, "sentAt"} to /v1/batch, or
        one message as the body of a single-message path (/v1/track, ...), or the
        raw body given; Basic auth with write_key as the user, as Segment's
        libraries send it."""
        if body is None:
            body = messages if path != "/v1/batch" else {"batch": messages, "sentAt": "2026-11-23T10:00:01.000Z"}
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        h = {"Content-Type": "application/json", "User-Agent": "segment-test/1"}
        if write_key is not None:
            h["Authorization"] = "Basic " + base64.b64encode((write_key + ":").encode()).decode()
        if use_gzip:
            body = gz.compress(body)
            h["Content-Encoding"] = "gzip"
        h.update(headers or {})
        return self.request("POST", path, body, h, timeout=timeout)

    def reset(self):
        assert self.request("POST", "/micro/reset").status == 200

    def stop(self, sig=signal.SIGTERM, timeout=15):
        """Signals the collector and returns its exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                raise AssertionError("collector did not stop within %ss" % timeout)
        self.proc.stdout.close()
        self.log.close()
        return self.proc.returncode

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def cleanup(self):
        self.kill()
        for f in (self.proc.stdout, self.log):
            if not f.closed:
                f.close()
        if self.own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()


def sign(secret, ts, body):
    mac = hmac.new(secret.encode(), str(ts).encode() + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def event(**fields):
    """A valid track event with a fresh eventId; fields override or add keys."""
    e = {"eventId": str(uuid.uuid4()), "type": "track", "eventName": "purchase",
         "userId": "user-1", "timestamp": "2026-11-23T10:00:00.000Z",
         "properties": {"price": 9.99}}
    e.update(fields)
    return {k: v for k, v in e.items() if v is not None}


def segment_message(kind="track", /, **fields):
    """A valid Segment message of that type with a fresh messageId; fields
    override or add keys (None removes one)."""
    m = {"type": kind, "messageId": "test-" + str(uuid.uuid4()), "userId": "user-1",
         "timestamp": "2026-11-23T10:00:00.000Z", "context": {"library": {"name": "test", "version": "1"}}}
    m.update({"track": {"event": "Order Completed", "properties": {"total": 9.99}},
              "identify": {"traits": {"email": "ann@example.com"}},
              "group": {"groupId": "g-1", "traits": {"name": "Acme"}},
              "page": {"name": "Home", "properties": {"path": "/"}},
              "screen": {"name": "Settings", "properties": {"tab": "privacy"}},
              "alias": {"previousId": "anon-1"}}.get(kind, {}))
    m.update(fields)
    return {k: v for k, v in m.items() if v is not None}


class CollectorTest(unittest.TestCase):
    """One collector per test class (ARGS are its flags), reset before each test."""
    ARGS = ()
    collector = None

    @classmethod
    def setUpClass(cls):
        cls.collector = Collector(*cls.ARGS)

    @classmethod
    def tearDownClass(cls):
        if cls.collector:
            rc = cls.collector.stop()
            log = cls.collector.stderr()
            cls.collector.cleanup()
            assert rc == 0, "collector exited with %s:\n%s" % (rc, log[-4000:])

    def setUp(self):
        self.c = self.collector
        self.c.reset()


def main():
    unittest.main(verbosity=2)
