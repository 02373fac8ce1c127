"""Credentials (X-API-Key, Bearer, Basic) and request signatures."""
import base64
import time

from harness import Collector, CollectorTest, event, fingerprint, main, sign


class NoAuth(CollectorTest):
    def test_open_when_no_key_configured(self):
        r = self.c.post_batch([event()])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["accepted"], 1)


class Keys(CollectorTest):
    ARGS = ("--api-key", "key-one", "--api-key", "key-two", "--basic", "alice:s3cret")

    def assertStored(self, r, n):
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.c.get("/micro/all")["good"], n)

    def test_missing_credentials_401(self):
        r = self.c.post_batch([event()])
        self.assertEqual(r.status, 401, r)
        self.assertIn("credentials required", r.json()["error"])
        self.assertEqual(self.c.get("/micro/all")["total"], 0)

    def test_wrong_key_403(self):
        for h in ({"X-API-Key": "key-three"}, {"Authorization": "Bearer nope"},
                  {"Authorization": "Basic " + base64.b64encode(b"alice:wrong").decode()},
                  {"Authorization": "Token key-one"}):
            r = self.c.post_batch([event()], headers=h)
            self.assertEqual(r.status, 403, (h, r))
        self.assertEqual(self.c.get("/micro/all")["total"], 0)

    def test_x_api_key_any_configured_key(self):
        self.assertStored(self.c.post_batch([event()], headers={"X-API-Key": "key-one"}), 1)
        self.assertStored(self.c.post_batch([event()], headers={"X-API-Key": "key-two"}), 2)

    def test_bearer(self):
        self.assertStored(self.c.post_batch([event()], headers={"Authorization": "Bearer key-two"}), 1)

    def test_basic(self):
        token = base64.b64encode(b"alice:s3cret").decode()
        self.assertStored(self.c.post_batch([event()], headers={"Authorization": "Basic " + token}), 1)

    def test_request_log_shows_headers_but_no_credential_log_line_neither(self):
        self.c.post_batch([event(), event()], headers={"X-API-Key": "key-one"})
        reqs = self.c.get("/micro/requests")
        self.assertEqual(len(reqs), 1)
        self.assertEqual(reqs[0]["status"], 200)
        self.assertEqual(reqs[0]["events"], 2)
        self.assertEqual(reqs[0]["headers"]["x-api-key"], fingerprint("key-one"))
        self.assertEqual(reqs[0]["headers"]["user-agent"], "spoor-test/1")
        self.assertFalse(reqs[0]["gzip"])
        self.assertGreater(reqs[0]["bytes"], 100)
        log = self.c.stderr()
        self.assertIn("POST /v1/batch 200 events=2 duplicates=0 rejected=0 ms=", log)
        self.assertNotIn("key-one", log)


class Signature(CollectorTest):
    ARGS = ("--api-key", "k", "--secret", "shh")
    KEY = {"X-API-Key": "k"}

    def test_good_signature(self):
        r = self.c.post_batch([event()], headers=self.KEY, secret="shh")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["accepted"], 1)
        h = self.c.get("/micro/requests")[0]["headers"]
        self.assertTrue(h["x-spoor-signature"].startswith("v1=***sha256:"), h)

    def test_good_signature_over_gzip_body(self):
        r = self.c.post_batch([event()], headers=self.KEY, secret="shh", use_gzip=True)
        self.assertEqual(r.status, 200, r)
        self.assertTrue(self.c.get("/micro/requests")[0]["gzip"])

    def test_wrong_secret_401(self):
        r = self.c.post_batch([event()], headers=self.KEY, secret="other")
        self.assertEqual(r.status, 401, r)
        self.assertIn("X-Spoor-Signature", r.json()["error"])

    def test_tampered_body_401(self):
        ts = int(time.time())
        body = b'{"batch":[]}'
        h = dict(self.KEY, **{"X-Spoor-Timestamp": str(ts), "X-Spoor-Signature": sign("shh", ts, body)})
        self.assertEqual(self.c.post_batch(None, body=body, headers=h).status, 200)
        r = self.c.post_batch(None, body=b'{"batch":[ ]}', headers=h)
        self.assertEqual(r.status, 401, r)

    def test_stale_and_future_timestamps_401(self):
        for ts in (int(time.time()) - 301 - 5, int(time.time()) + 301 + 5):
            r = self.c.post_batch([event()], headers=self.KEY, secret="shh", timestamp=ts)
            self.assertEqual(r.status, 401, r)
            self.assertIn("X-Spoor-Timestamp", r.json()["error"])
        # inside the window still passes
        r = self.c.post_batch([event()], headers=self.KEY, secret="shh", timestamp=int(time.time()) - 200)
        self.assertEqual(r.status, 200, r)

    def test_missing_signature_401(self):
        r = self.c.post_batch([event()], headers=self.KEY)
        self.assertEqual(r.status, 401, r)
        r = self.c.post_batch([event()], headers=dict(self.KEY, **{"X-Spoor-Timestamp": "soon",
                                                                     "X-Spoor-Signature": "v1=00"}))
        self.assertEqual(r.status, 401, r)
        self.assertEqual(self.c.get("/micro/all")["total"], 0)

    def test_key_checked_before_signature(self):
        r = self.c.post_batch([event()], secret="shh")
        self.assertEqual(r.status, 401, r)
        self.assertIn("credentials", r.json()["error"])


if __name__ == "__main__":
    main()
