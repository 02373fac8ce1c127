"""Misbehaviour on request: each fault applies to the next `count` batches, then stops."""
import http.client
import threading
import time
import unittest

from harness import Collector, CollectorTest, event, main


class Faults(CollectorTest):
    def fault(self, spec):
        r = self.c.request("POST", "/micro/fault", spec)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def test_status_then_recovers(self):
        self.assertEqual(self.fault({"status": 500, "count": 2}), [{"status": 500, "count": 2}])
        e = event()
        for _ in range(2):
            r = self.c.post_batch([e])
            self.assertEqual(r.status, 500, r)
        self.assertEqual(self.c.get("/micro/all")["total"], 0, "a failed request stores nothing")
        r = self.c.post_batch([e])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["accepted"], 1)
        self.assertEqual([q["status"] for q in self.c.get("/micro/requests")], [500, 500, 200])
        self.assertEqual([q["events"] for q in self.c.get("/micro/requests")], [1, 1, 1])
        self.assertEqual(self.c.get("/micro/fault"), [])

    def test_503(self):
        self.fault({"status": 503, "count": 1})
        self.assertEqual(self.c.post_batch([event()]).status, 503)
        self.assertEqual(self.c.post_batch([event()]).status, 200)

    def test_429_with_retry_after(self):
        self.fault({"status": 429, "retryAfter": 7, "count": 1})
        r = self.c.post_batch([event()])
        self.assertEqual(r.status, 429, r)
        self.assertEqual(r.headers.get("retry-after"), "7")
        r = self.c.post_batch([event()])
        self.assertEqual(r.status, 200, r)
        self.assertNotIn("retry-after", r.headers)

    def test_delay_does_not_block_others(self):
        self.fault({"delayMs": 1500, "count": 1})
        result = {}

        def slow():
            t0 = time.monotonic()
            result["r"] = self.c.post_batch([event()])
            result["t"] = time.monotonic() - t0

        t = threading.Thread(target=slow)
        t.start()
        time.sleep(0.1)
        t0 = time.monotonic()
        self.assertEqual(self.c.get("/micro/all")["total"], 0)
        self.assertLess(time.monotonic() - t0, 1.0, "another request waited for the delayed one")
        t.join(10)
        self.assertEqual(result["r"].status, 200)
        self.assertGreaterEqual(result["t"], 1.45)
        t0 = time.monotonic()
        self.assertEqual(self.c.post_batch([event()]).status, 200)
        self.assertLess(time.monotonic() - t0, 1.0, "the delay stopped after count")
        self.assertEqual(self.c.get("/micro/all")["good"], 2)

    def test_cut_connection(self):
        self.fault({"cut": True, "count": 2})
        e = event()
        for _ in range(2):
            with self.assertRaises((http.client.HTTPException, ConnectionError)):
                self.c.post_batch([e])
        self.assertEqual(self.c.get("/micro/all")["total"], 0, "a cut request stores nothing")
        r = self.c.post_batch([e])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["accepted"], 1)
        self.assertEqual([q["status"] for q in self.c.get("/micro/requests")], [0, 0, 200])

    def test_cut_after_store(self):
        # The batch is committed, then the connection closes without an answer:
        # the client's resend of the same batch is deduplicated on eventId.
        self.assertEqual(self.fault({"cut": "after-store", "count": 1}), [{"cut": "after-store", "count": 1}])
        batch = [event(), event()]
        with self.assertRaises((http.client.HTTPException, ConnectionError)):
            self.c.post_batch(batch)
        self.assertEqual(self.c.get("/micro/all"), {"total": 2, "good": 2, "bad": 0, "duplicates": 0})
        r = self.c.post_batch(batch)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json(), {"accepted": 0, "duplicates": 2, "rejected": []})
        self.assertEqual(self.c.get("/micro/all"), {"total": 4, "good": 2, "bad": 0, "duplicates": 2})
        reqs = self.c.get("/micro/requests")
        self.assertEqual([(q["status"], q["events"]) for q in reqs], [(0, 2), (200, 2)])
        self.assertLessEqual(reqs[0]["at"], reqs[1]["at"], "arrival times on one monotonic clock")
        self.assertEqual(self.c.get("/micro/fault"), [])

    def test_sequence_of_faults(self):
        self.fault([{"status": 500, "count": 1}, {"status": 429, "retryAfter": 1, "count": 1}])
        self.assertEqual(self.c.post_batch([event()]).status, 500)
        self.assertEqual(self.c.post_batch([event()]).status, 429)
        self.assertEqual(self.c.post_batch([event()]).status, 200)

    def test_only_batches_consume_a_fault(self):
        self.fault({"status": 500, "count": 1})
        self.assertEqual(self.c.request("GET", "/micro/all").status, 200)
        self.assertEqual(self.c.post_batch([event()]).status, 500)

    def test_clear(self):
        self.fault({"status": 500, "count": 5})
        self.assertEqual(self.c.request("DELETE", "/micro/fault").status, 200)
        self.assertEqual(self.c.post_batch([event()]).status, 200)
        self.fault({"status": 500, "count": 5})
        self.assertEqual(self.fault({}), [])
        self.assertEqual(self.c.post_batch([event()]).status, 200)

    def test_every_fault_is_bounded(self):
        for spec in ({"status": 500}, {"status": 500, "count": 0}, {"status": 500, "count": 10001},
                     {"delayMs": 60001, "count": 1}, {"status": 99, "count": 1}, {"count": 1},
                     {"cut": "yes", "count": 1}, {"cut": "before-store", "count": 1}, {"cut": 1, "count": 1},
                     "nonsense"):
            r = self.c.request("POST", "/micro/fault", spec if not isinstance(spec, str) else spec.encode())
            self.assertEqual(r.status, 400, (spec, r))
        self.assertEqual(self.c.post_batch([event()]).status, 200)


class StartupFlags(unittest.TestCase):
    """The same faults given on the command line apply from the first request."""

    def test_status_with_retry_after(self):
        with Collector("--fail-status", "429", "--fail-retry-after", "3", "--fail-count", "2") as c:
            rs = [c.post_batch([event()]) for _ in range(3)]
            self.assertEqual([r.status for r in rs], [429, 429, 200], rs)
            self.assertEqual(rs[0].headers["retry-after"], "3")
            self.assertEqual(c.get("/micro/all")["good"], 1)
            self.assertEqual(c.stop(), 0)

    def test_delay_and_cut(self):
        with Collector("--fail-delay-ms", "300", "--fail-cut") as c:
            t0 = time.monotonic()
            with self.assertRaises((http.client.HTTPException, ConnectionError)):
                c.post_batch([event()])
            self.assertGreaterEqual(time.monotonic() - t0, 0.28)
            self.assertEqual(c.post_batch([event()]).status, 200)
            self.assertEqual(c.stop(), 0)


if __name__ == "__main__":
    main()
