"""POST /v1/batch: gzip, dedup, validation, malformed and oversized bodies."""
import gzip
import json

from harness import CollectorTest, event, main


class Ingest(CollectorTest):
    ARGS = ("--max-body", "65536")

    def test_gzip_body(self):
        events = [event(), event(type="identify", eventName=None, traits={"plan": "pro"})]
        r = self.c.post_batch(events, use_gzip=True)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json(), {"accepted": 2, "duplicates": 0, "rejected": []})
        self.assertEqual(self.c.get("/micro/good"), events)
        self.assertTrue(self.c.get("/micro/requests")[0]["gzip"])

    def test_corrupt_gzip_400(self):
        r = self.c.post_batch(None, body=b"\x1f\x8b not gzip at all", headers={"Content-Encoding": "gzip"})
        self.assertEqual(r.status, 400, r)
        self.assertIn("gzip", r.json()["error"])

    def test_unknown_encoding_415(self):
        r = self.c.post_batch([event()], headers={"Content-Encoding": "br"})
        self.assertEqual(r.status, 415, r)

    def test_event_text_stored_exactly_as_received(self):
        raw = ('{"sentAt":"2026-11-23T10:00:00.000Z", "batch": [ {"eventId":"exact-1", "type":"track",'
               ' "eventName":"caf\\u00e9", "userId":"u", "timestamp":"2026-11-23T10:00:00Z",'
               ' "properties": {"n": 1.50, "big": 1e3}} ]}')
        r = self.c.post_batch(None, body=raw)
        self.assertEqual(r.status, 200, r)
        good = self.c.request("GET", "/micro/good").body.decode()
        self.assertEqual(good, '[{"eventId":"exact-1", "type":"track", "eventName":"caf\\u00e9", "userId":"u",'
                               ' "timestamp":"2026-11-23T10:00:00Z", "properties": {"n": 1.50, "big": 1e3}}]')

    def test_alias_and_screen(self):
        # Wire v1's alias and screen, checked by the core's rules like every type.
        screen = event(type="screen", eventName="Settings", properties={"tab": "privacy"})
        alias = event(type="alias", eventName=None, properties=None, previousId="anon-1")
        no_previous = event(type="alias", eventName=None, properties=None)
        anonymous_alias = event(type="alias", eventName=None, properties=None, previousId="a", userId=None,
                                anonymousId="b")
        r = self.c.post_batch([screen, alias, no_previous, anonymous_alias])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json(), {"accepted": 2, "duplicates": 0, "rejected": [
            {"eventId": no_previous["eventId"], "error": "previousId: is required for alias events"},
            {"eventId": anonymous_alias["eventId"], "error": "userId: is required for alias events"}]})
        self.assertEqual(self.c.get("/micro/good"), [screen, alias])

    def test_dedup_by_event_id(self):
        a, b = event(), event()
        self.assertEqual(self.c.post_batch([a, b]).json(), {"accepted": 2, "duplicates": 0, "rejected": []})
        # a retry of the same batch, plus one new event and a duplicate inside the batch
        c = event()
        r = self.c.post_batch([a, b, c, c])
        self.assertEqual(r.json(), {"accepted": 1, "duplicates": 3, "rejected": []})
        self.assertEqual([e["eventId"] for e in self.c.get("/micro/good")], [a["eventId"], b["eventId"], c["eventId"]])
        self.assertEqual(self.c.get("/micro/all"), {"total": 6, "good": 3, "bad": 0, "duplicates": 3})

    def test_validation_rejects_with_field_and_rule(self):
        bad_identity = event(userId=None)
        bad_time = event(timestamp="yesterday")
        bad_consent = event(type="consent", eventName=None,
                            consents=[{"regulation": "HIPAA", "purpose": "x", "consented": True}])
        not_object = 42
        good = event()
        r = self.c.post_batch([bad_identity, good, bad_time, bad_consent, not_object])
        self.assertEqual(r.status, 200, r)
        body = r.json()
        self.assertEqual(body["accepted"], 1)
        rejected = body["rejected"]
        self.assertEqual([x["eventId"] for x in rejected],
                         [bad_identity["eventId"], bad_time["eventId"], bad_consent["eventId"], None])
        self.assertTrue(rejected[0]["error"].startswith("userId:"), rejected[0])
        self.assertTrue(rejected[1]["error"].startswith("timestamp:"), rejected[1])
        self.assertIn("regulation", rejected[2]["error"])
        self.assertTrue(rejected[3]["error"].startswith("event:"), rejected[3])
        bad = self.c.get("/micro/bad")
        self.assertEqual([x["event"] for x in bad], [bad_identity, bad_time, bad_consent, 42])
        self.assertEqual([x["error"] for x in bad], [x["error"] for x in rejected])
        self.assertEqual(self.c.get("/micro/good"), [good])
        self.assertEqual(self.c.get("/micro/all"), {"total": 5, "good": 1, "bad": 4, "duplicates": 0})

    def test_missing_event_id_rejected(self):
        r = self.c.post_batch([event(eventId=None)])
        self.assertEqual(r.json()["rejected"][0]["eventId"], None)
        self.assertTrue(r.json()["rejected"][0]["error"].startswith("eventId:"))

    def test_malformed_bodies_400(self):
        for body in (b"not json", b'{"batch": {}}', b'{"sentAt": "x"}', b"[1,2]", b'{"batch":[1}', b""):
            r = self.c.post_batch(None, body=body)
            self.assertEqual(r.status, 400, (body, r))
            self.assertTrue(r.json()["error"], r)
        self.assertEqual(self.c.get("/micro/all")["total"], 0)

    def test_too_deep_400(self):
        deep = '{"batch":[' + '{"a":' * 70 + "1" + "}" * 70 + "]}"
        r = self.c.post_batch(None, body=deep)
        self.assertEqual(r.status, 400, r)
        self.assertIn("nested deeper", r.json()["error"])
        # far deeper than any stack could take is refused the same way
        r = self.c.post_batch(None, body="[" * 30000 + "]" * 30000)
        self.assertEqual(r.status, 400, r)

    def test_over_limit_413(self):
        big = event(properties={"blob": "x" * 70000})
        r = self.c.post_batch([big])
        self.assertEqual(r.status, 413, r)
        self.assertEqual(self.c.get("/micro/requests")[-1]["status"], 413)

    def test_over_limit_once_decompressed_413(self):
        raw = json.dumps({"batch": [event(properties={"blob": "y" * 200000})]}).encode()
        packed = gzip.compress(raw)
        self.assertLess(len(packed), 65536)
        r = self.c.post_batch(None, body=packed, headers={"Content-Encoding": "gzip"})
        self.assertEqual(r.status, 413, r)
        self.assertIn("decompressed", r.json()["error"])
        self.assertEqual(self.c.get("/micro/all")["total"], 0)

    def test_concurrent_clients_lose_nothing(self):
        import threading
        sent, statuses = [], []

        def client():
            for _ in range(10):
                batch = [event() for _ in range(20)]
                sent.extend(e["eventId"] for e in batch)
                statuses.append(self.c.post_batch(batch).status)

        threads = [threading.Thread(target=client) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        self.assertEqual(statuses, [200] * 80)
        stored = [e["eventId"] for e in self.c.get("/micro/good")]
        self.assertEqual(sorted(stored), sorted(sent))
        self.assertEqual(self.c.get("/micro/all")["good"], 1600)

    def test_empty_batch(self):
        self.assertEqual(self.c.post_batch([]).json(), {"accepted": 0, "duplicates": 0, "rejected": []})

    def test_schemas_not_given_accepts_any_record_fields(self):
        r = self.c.post_batch([event(type="record", eventName="orders", properties={"total": "12"})])
        self.assertEqual(r.json()["accepted"], 1)


class LargeBatch(CollectorTest):
    def test_ten_thousand_events_in_one_batch(self):
        events = [event(properties={"i": i}) for i in range(10000)]
        r = self.c.post_batch(events, use_gzip=True, timeout=30)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["accepted"], 10000)
        self.assertEqual(self.c.get("/micro/good?limit=1"), events[-1:])
        self.assertEqual(self.c.post_batch(events, use_gzip=True, timeout=30).json()["duplicates"], 10000)


class Schemas(CollectorTest):
    ARGS = ()

    @classmethod
    def setUpClass(cls):
        import os
        import tempfile
        cls.schema_dir = tempfile.mkdtemp()
        path = os.path.join(cls.schema_dir, "schemas.json")
        with open(path, "w") as f:
            json.dump({"orders": {"total": "number", "placed": "timestamp"}}, f)
        cls.ARGS = ("--schemas", path)
        super().setUpClass()

    def test_schema_type_enforced(self):
        ok = event(type="record", eventName="orders", properties={"total": 12.5})
        wrong = event(type="record", eventName="orders", properties={"total": "12"})
        r = self.c.post_batch([ok, wrong]).json()
        self.assertEqual(r["accepted"], 1)
        self.assertEqual(len(r["rejected"]), 1)
        self.assertIn("total", r["rejected"][0]["error"])


if __name__ == "__main__":
    main()
