"""GET /metrics: the collector's counters in Prometheus' text format, open to any
scraper, holding counts only."""
import base64
import re
import socket
import time
import unittest

from harness import Collector, CollectorTest, event, fingerprint, main, segment_message

KEY, ADMIN, SECRET = "metrics-key", "metrics-admin", "metrics-secret"

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*",?)*\})? (-?[0-9]+)$')


def parse(text):
    """The exposition as {(name, labels): value}, checking its form on the way: every
    sample's family has HELP and TYPE lines before it, once each."""
    samples, typed, helped = {}, {}, set()
    for line in text.splitlines():
        if line.startswith("# HELP "):
            name = line.split()[2]
            assert name not in helped, "HELP twice: " + name
            helped.add(name)
        elif line.startswith("# TYPE "):
            _, _, name, kind = line.split()
            assert kind in ("counter", "gauge"), line
            typed[name] = kind
        else:
            m = SAMPLE.match(line)
            assert m, "not a sample: %r" % line
            name, labels = m.group(1), tuple(re.findall(r'([a-zA-Z_]+)="([^"]*)"', m.group(2) or ""))
            assert name in typed and name in helped, "no TYPE or HELP for " + name
            assert typed[name] == "gauge" or name.endswith("_total"), "a counter ends in _total: " + name
            samples[(name, labels)] = int(m.group(3))
    return samples


class Metrics(CollectorTest):
    ARGS = ("--api-key", KEY, "--admin-key", ADMIN, "--secret", SECRET)

    def metrics(self, headers=None):
        r = self.c.request("GET", "/metrics", headers=headers)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8")
        return r.body.decode(), parse(r.body.decode())

    def test_counts_events_requests_and_bytes(self):
        _, before = self.metrics()
        auth = {"X-API-Key": KEY}
        first = event()
        for batch in ([first, event()], [first, event(userId=None)]):  # a duplicate, a bad one
            r = self.c.post_batch(batch, headers=auth, secret=SECRET)
            self.assertEqual(r.status, 200, r)
        r = self.c.post_batch([event()], secret=SECRET)  # no credential
        self.assertEqual(r.status, 401)
        r = self.c.post_batch([event()], headers=auth, secret=SECRET, use_gzip=True)
        self.assertEqual(r.status, 200)
        bodies = [q["bytes"] for q in self.c.get("/micro/requests")]
        text, after = self.metrics()

        def grew(name, *labels):
            return after.get((name, labels), 0) - before.get((name, labels), 0)

        spoor = (("format", "spoor"),)
        self.assertEqual(grew("spoor_collector_events_total", *spoor, ("outcome", "good")), 3)
        self.assertEqual(grew("spoor_collector_events_total", *spoor, ("outcome", "bad")), 1)
        self.assertEqual(grew("spoor_collector_events_total", *spoor, ("outcome", "duplicate")), 1)
        self.assertEqual(grew("spoor_collector_requests_total", ("route", "batch"), ("code", "200")), 3)
        self.assertEqual(grew("spoor_collector_requests_total", ("route", "batch"), ("code", "401")), 1)
        self.assertGreaterEqual(grew("spoor_collector_received_bytes_total"), sum(bodies))
        self.assertEqual(after[("spoor_collector_stored_events", (("outcome", "good"),))], 3)
        self.assertEqual(after[("spoor_collector_stored_events", (("outcome", "bad"),))], 1)
        self.assertEqual(after[("spoor_collector_build_info", (("version", after_version(text)),))], 1)
        self.assertLessEqual(after[("spoor_collector_start_time_seconds", ())], time.time())
        self.assertGreaterEqual(after[("spoor_collector_connections", ())], 1)  # this request's

    def test_segment_and_faults(self):
        _, before = self.metrics()
        basic = {"Authorization": "Basic " + base64.b64encode((KEY + ":").encode()).decode()}
        self.c.request("POST", "/micro/fault", {"status": 503, "count": 1})
        self.assertEqual(self.c.post_batch([event()], headers={"X-API-Key": KEY}, secret=SECRET).status, 503)
        self.c.request("POST", "/micro/fault", {"cut": True, "count": 1})
        with self.assertRaises(Exception):
            self.c.post_batch([event()], headers={"X-API-Key": KEY}, secret=SECRET)
        # Segment's libraries cannot sign: a collector with a secret refuses them (401), counted as such.
        self.assertEqual(self.c.post_segment([segment_message()], headers=basic).status, 401)
        _, after = self.metrics()

        def grew(name, *labels):
            return after.get((name, labels), 0) - before.get((name, labels), 0)

        self.assertEqual(grew("spoor_collector_faults_injected_total"), 2)
        self.assertEqual(grew("spoor_collector_requests_total", ("route", "batch"), ("code", "503")), 1)
        self.assertEqual(grew("spoor_collector_requests_total", ("route", "batch"), ("code", "0")), 1)
        self.assertEqual(grew("spoor_collector_requests_total", ("route", "batch"), ("code", "401")), 1)

    def test_open_to_a_scraper_and_no_secret_in_it(self):
        text, _ = self.metrics()  # no credential at all, though the collector has them
        for secret in (KEY, ADMIN, SECRET, fingerprint(KEY), fingerprint(ADMIN)):
            self.assertNotIn(secret, text)
        r = self.c.request("POST", "/metrics", "")
        self.assertEqual(r.status, 405)
        self.assertEqual(self.c.request("GET", "/micro/all", micro_auth=False).status, 401, "/micro stays closed")

    def test_counters_survive_a_reset(self):
        self.assertEqual(self.c.post_batch([event()], headers={"X-API-Key": KEY}, secret=SECRET).status, 200)
        _, before = self.metrics()
        self.c.reset()
        _, after = self.metrics()
        good = ("spoor_collector_events_total", (("format", "spoor"), ("outcome", "good")))
        self.assertEqual(after[good], before[good])
        self.assertEqual(after[("spoor_collector_stored_events", (("outcome", "good"),))], 0)
        self.assertEqual(after[("spoor_collector_requests_total", (("route", "micro"), ("code", "200")))],
                         before[("spoor_collector_requests_total", (("route", "micro"), ("code", "200")))] + 1)


class SegmentMetrics(CollectorTest):
    ARGS = ("--api-key", KEY)

    def test_segment_events_are_counted_apart(self):
        before = parse(self.c.request("GET", "/metrics").body.decode())
        r = self.c.post_segment([segment_message(), segment_message("identify"), segment_message(userId=None)],
                                write_key=KEY)
        self.assertEqual(r.status, 200, r)
        after = parse(self.c.request("GET", "/metrics").body.decode())
        for outcome, n in (("good", 2), ("bad", 1), ("duplicate", 0)):
            key = ("spoor_collector_events_total", (("format", "segment"), ("outcome", outcome)))
            self.assertEqual(after[key] - before[key], n, outcome)
        spoor_good = ("spoor_collector_events_total", (("format", "spoor"), ("outcome", "good")))
        self.assertEqual(after[spoor_good], before[spoor_good])


def after_version(text):
    return re.search(r'spoor_collector_build_info\{version="([^"]+)"\}', text).group(1)


class RefusedConnections(unittest.TestCase):
    def test_connections_closed_at_a_limit_are_counted(self):
        with Collector("--max-connections-per-ip", "2", quiet=True) as c:
            socks = []
            for _ in range(5):  # stalled uploads from 127.0.0.1: two kept, three closed
                s = socket.create_connection(("127.0.0.1", c.port), timeout=10)
                s.sendall(b"POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{")
                socks.append(s)
            try:
                deadline = time.monotonic() + 10
                while True:  # asked from another address, which the limit leaves alone
                    conn = socket.create_connection(("127.0.0.1", c.port), timeout=10, source_address=("127.0.0.2", 0))
                    conn.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    text = b""
                    while True:
                        chunk = conn.recv(65536)
                        if not chunk:
                            break
                        text += chunk
                    conn.close()
                    samples = parse(text.split(b"\r\n\r\n", 1)[1].decode())
                    refused = samples[("spoor_collector_connections_refused_total", ())]
                    if refused >= 3 or time.monotonic() > deadline:
                        break
                    time.sleep(0.05)
                self.assertEqual(refused, 3)
                self.assertGreaterEqual(samples[("spoor_collector_connections", ())], 3)  # 2 stalled and this one
            finally:
                for s in socks:
                    s.close()
            self.assertEqual(c.stop(), 0)


if __name__ == "__main__":
    main()
