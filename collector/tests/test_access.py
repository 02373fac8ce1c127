"""Who may use /micro/*, what it shows of credentials, the warning when others
can reach the collector, and the limits on connections (each one a thread)."""
import base64
import http.client
import json
import os
import select
import socket
import time
import unittest

from harness import Collector, CollectorTest, event, fingerprint, main, sign

MICRO = [("GET", "/micro/all", None), ("GET", "/micro/good", None), ("GET", "/micro/bad", None),
         ("GET", "/micro/requests", None), ("GET", "/micro/fault", None),
         ("POST", "/micro/fault", {"status": 500, "count": 5}), ("DELETE", "/micro/fault", None),
         ("POST", "/micro/reset", None), ("GET", "/micro/nope", None)]


class MicroNeedsCredentials(CollectorTest):
    ARGS = ("--api-key", "ingest-key", "--basic", "ann:pw")
    KEY = {"X-API-Key": "ingest-key"}

    def test_refused_without_or_with_wrong_credentials(self):
        self.assertEqual(self.c.post_batch([event()], headers=self.KEY).status, 200)
        for method, path, body in MICRO:
            r = self.c.request(method, path, body, micro_auth=False)
            self.assertEqual(r.status, 401, (method, path, r))
            self.assertIn("credentials required", r.json()["error"])
            r = self.c.request(method, path, body, headers={"X-API-Key": "guess"}, micro_auth=False)
            self.assertEqual(r.status, 403, (method, path, r))
        # nothing was reset, no fault was set
        self.assertEqual(self.c.get("/micro/all")["good"], 1)
        self.assertEqual(self.c.post_batch([event()], headers=self.KEY).status, 200)

    def test_the_ingest_credentials_open_it(self):
        token = base64.b64encode(b"ann:pw").decode()
        for h in ({"X-API-Key": "ingest-key"}, {"Authorization": "Bearer ingest-key"},
                  {"Authorization": "Basic " + token}):
            r = self.c.request("GET", "/micro/all", headers=h, micro_auth=False)
            self.assertEqual(r.status, 200, (h, r))

    def test_health_stays_open(self):
        self.assertEqual(self.c.request("GET", "/health", micro_auth=False).status, 200)

    def test_health_answers_get_and_head_only(self):
        """A POST to / or /health is not an ingestion that worked: 405, not 200."""
        for path in ("/", "/health"):
            for method in ("GET", "HEAD"):
                self.assertEqual(self.c.request(method, path, micro_auth=False).status, 200, (method, path))
            for method in ("POST", "PUT", "DELETE"):
                r = self.c.request(method, path, "{}" if method != "DELETE" else None, micro_auth=False)
                self.assertEqual(r.status, 405, (method, path))
                self.assertEqual(r.json()["error"], "method not allowed; use GET or HEAD")


class AdminKey(CollectorTest):
    ARGS = ("--api-key", "ingest-key", "--admin-key", "admin-key")

    def test_only_the_admin_key_opens_micro(self):
        for h in ({"X-API-Key": "ingest-key"}, {"Authorization": "Bearer ingest-key"}):
            self.assertEqual(self.c.request("GET", "/micro/all", headers=h, micro_auth=False).status, 403, h)
        for h in ({"X-API-Key": "admin-key"}, {"Authorization": "Bearer admin-key"}):
            self.assertEqual(self.c.request("GET", "/micro/all", headers=h, micro_auth=False).status, 200, h)

    def test_the_admin_key_does_not_post(self):
        self.assertEqual(self.c.post_batch([event()], headers={"X-API-Key": "admin-key"}).status, 403)
        self.assertEqual(self.c.post_batch([event()], headers={"X-API-Key": "ingest-key"}).status, 200)


class Open(CollectorTest):
    def test_no_credentials_configured_no_credentials_asked(self):
        self.assertEqual(self.c.request("GET", "/micro/all", micro_auth=False).status, 200)


class Masking(CollectorTest):
    ARGS = ("--api-key", "k-secret-1", "--secret", "shh")

    def test_credentials_are_fingerprints(self):
        body = b'{"batch":[' + json.dumps(event()).encode() + b"]}"
        ts = int(time.time())
        signature = sign("shh", ts, body)
        r = self.c.post_batch(None, body=body, headers={
            "X-API-Key": "k-secret-1", "Authorization": "Bearer tok-123", "Cookie": "sid=abc",
            "X-Auth-Token": "t0k", "X-Tenant": "t1", "X-Spoor-Timestamp": str(ts), "X-Spoor-Signature": signature})
        self.assertEqual(r.status, 200, r)
        raw = self.c.request("GET", "/micro/requests").body.decode()
        h = json.loads(raw)[0]["headers"]
        self.assertEqual(h["x-api-key"], fingerprint("k-secret-1"))
        self.assertEqual(h["authorization"], "Bearer " + fingerprint("tok-123"))
        self.assertEqual(h["cookie"], fingerprint("sid=abc"))
        self.assertEqual(h["x-auth-token"], fingerprint("t0k"))
        self.assertEqual(h["x-spoor-signature"], "v1=" + fingerprint(signature[3:]))
        self.assertEqual(h["x-spoor-timestamp"], str(ts))
        self.assertEqual(h["x-tenant"], "t1")
        for secret in ("k-secret-1", "tok-123", "sid=abc", "t0k", signature[3:]):
            self.assertNotIn(secret, raw)

    def test_basic_keeps_its_scheme(self):
        token = base64.b64encode(b"ann:pw").decode()
        self.c.post_batch([event()], headers={"Authorization": "Basic " + token})
        self.assertEqual(self.c.get("/micro/requests")[0]["headers"]["authorization"], "Basic " + fingerprint(token))


class Exposure(unittest.TestCase):
    def start(self, *args):
        c = Collector(*args, quiet=True)
        self.addCleanup(c.cleanup)
        self.assertEqual(c.stop(), 0)
        return c.stderr()

    def test_warns_loudly_when_not_on_loopback(self):
        log = self.start("--host", "0.0.0.0")
        self.assertIn("WARNING: 0.0.0.0 is not a loopback address", log)
        self.assertIn("anyone who reaches it can post events, read every stored event", log)
        log = self.start("--host", "0.0.0.0", "--api-key", "k")
        self.assertIn("WARNING: 0.0.0.0 is not a loopback address", log)
        self.assertIn("plain HTTP", log)
        self.assertNotIn("anyone who reaches it", log)

    def test_quiet_on_loopback(self):
        for host in ("127.0.0.1", "127.0.0.2"):
            self.assertNotIn("WARNING", self.start("--host", host))


def threads(pid):
    return len(os.listdir("/proc/%d/task" % pid))


class ConnectionLimits(unittest.TestCase):
    """Stalled uploads: each holds a connection, and a connection is a thread."""

    def stall(self, c, n, source="127.0.0.1"):
        socks = []
        for _ in range(n):
            s = socket.create_connection(("127.0.0.1", c.port), timeout=10, source_address=(source, 0))
            s.sendall(b"POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{")
            socks.append(s)
            self.addCleanup(s.close)
        return socks

    def settle(self, pid):
        """The thread count once it stops changing."""
        last, same = -1, 0
        while same < 5:
            time.sleep(0.1)
            n = threads(pid)
            same, last = (same + 1, n) if n == last else (0, n)
        return last

    def closed(self, socks):
        """How many of socks the collector closed (readable: an end or a reset;
        it sends nothing on a stalled upload it keeps)."""
        return len(select.select(socks, [], [], 0)[0])

    def first_answer(self, c):
        """The status of the first /health request the collector answers again."""
        deadline = time.monotonic() + 15
        while True:
            try:
                return c.request("GET", "/health").status
            except (ConnectionError, http.client.HTTPException, socket.timeout):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def test_per_address_and_total_limits(self):
        with Collector("--max-connections", "12", "--max-connections-per-ip", "6", quiet=True) as c:
            base = threads(c.proc.pid)
            socks = self.stall(c, 30)
            self.assertLessEqual(self.settle(c.proc.pid), base + 6)
            self.assertEqual(self.closed(socks), 24, "past 6 from one address, closed at once")
            for source in ("127.0.0.2", "127.0.0.3", "127.0.0.4"):
                socks += self.stall(c, 6, source)
            self.assertLessEqual(self.settle(c.proc.pid), base + 12)
            self.assertEqual(self.closed(socks), 24 + 12, "past 12 in all, closed at once")
            self.doCleanups()  # the stalled connections go away
            self.assertEqual(self.first_answer(c), 200)
            self.assertEqual(c.post_batch([event()]).status, 200)
            self.assertEqual(c.stop(), 0)

    def test_default_limit_holds_a_hundred_stalled_uploads(self):
        with Collector(quiet=True) as c:
            base = threads(c.proc.pid)
            self.stall(c, 100)
            self.assertLessEqual(self.settle(c.proc.pid), base + 64)
            self.doCleanups()
            self.assertEqual(c.stop(), 0)

    def test_idle_connections_time_out(self):
        with Collector("--connection-timeout", "1", quiet=True) as c:
            s = self.stall(c, 1)[0]
            s.settimeout(15)
            try:
                self.assertEqual(s.recv(100), b"", "closed by the collector")
            except ConnectionResetError:
                pass
            self.assertEqual(c.stop(), 0)


if __name__ == "__main__":
    main()
