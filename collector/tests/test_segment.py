"""Segment's HTTP Tracking API: the collector takes Segment's batches and
single messages beside wire v1, checks them by Segment's rules, answers as
Segment does and stores each message's text exactly as received. (The real
Segment libraries are driven against it in collector/tests/sdks.)"""
import base64
import json

from harness import CollectorTest, event, main, segment_message

KEY = "write-key-1"
TYPES = ["track", "identify", "group", "page", "screen", "alias"]


class SegmentBatch(CollectorTest):
    ARGS = ("--api-key", KEY, "--admin-key", "admin")

    def good(self, query=""):
        return self.c.get("/micro/good" + query)

    def test_every_type_stored_exactly_as_sent(self):
        # Written by hand: odd spacing, key order, number forms and escapes the
        # collector must keep byte for byte.
        texts = [
            '{"type":"track","messageId":"m-1","userId":"u1","event":"Order Completed",'
            '"properties":{"total":1.50,"big":1e3,"name":"caf\\u00e9"},"timestamp":"2026-11-23T10:00:00.123456+00:00"}',
            '{ "messageId" : "m-2", "type" : "identify", "anonymousId" : "a1", "traits" : { "plan" : "pro" } }',
            '{"type":"group","messageId":"m-3","userId":"u1","groupId":"g1","traits":{}}',
            '{"type":"page","messageId":"m-4","anonymousId":"a1","name":"Home","properties":{"url":"https:\\/\\/x"}}',
            '{"type":"screen","messageId":"m-5","userId":"u1","name":null,"anonymousId":null}',
            '{"type":"alias","messageId":"m-6","previousId":"a1","userId":"u1","integrations":{"All":true}}',
        ]
        body = '{"batch": [%s], "sentAt": "2026-11-23T10:00:01Z", "context": {"library": {"name": "x"}}}' % ", ".join(texts)
        r = self.c.post_segment(body=body, write_key=KEY)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json(), {"success": True, "accepted": 6, "duplicates": 0, "rejected": []})
        raw = self.c.request("GET", "/micro/good").body.decode()
        self.assertEqual(raw, "[" + ",".join(texts) + "]")
        self.assertEqual([m["type"] for m in self.good("?format=segment")], TYPES)
        self.assertEqual(self.good("?format=spoor"), [])
        self.assertEqual([m["messageId"] for m in self.good("?type=alias")], ["m-6"])
        self.assertEqual([m["messageId"] for m in self.good("?eventName=Order%20Completed")], ["m-1"])
        self.assertEqual([m["messageId"] for m in self.good("?eventName=Home")], ["m-4"])
        self.assertEqual([m["messageId"] for m in self.good("?userId=u1")], ["m-1", "m-3", "m-5", "m-6"])

    def test_beside_v1_events(self):
        v1 = event()
        seg = segment_message()
        self.assertEqual(self.c.post_batch([v1], headers={"X-API-Key": KEY}).json(),
                         {"accepted": 1, "duplicates": 0, "rejected": []})
        self.assertTrue(self.c.post_segment([seg], write_key=KEY).json()["success"])
        self.assertEqual(self.good(), [v1, seg])
        self.assertEqual(self.good("?format=spoor"), [v1])
        self.assertEqual(self.good("?format=segment"), [seg])
        self.assertEqual(self.c.request("GET", "/micro/good?format=snowplow").status, 400)
        self.assertEqual(self.c.get("/micro/all"), {"total": 2, "good": 2, "bad": 0, "duplicates": 0})

    def test_gzip_and_dedup_by_message_id(self):
        msgs = [segment_message(t) for t in TYPES]
        r = self.c.post_segment(msgs, write_key=KEY, use_gzip=True)
        self.assertEqual(r.json()["accepted"], 6, r)
        r = self.c.post_segment(msgs + [msgs[0]], write_key=KEY, use_gzip=True)
        self.assertEqual((r.json()["accepted"], r.json()["duplicates"]), (0, 7))
        self.assertEqual(self.good(), msgs)
        self.assertTrue(self.c.get("/micro/requests")[-1]["gzip"])

    def test_a_message_without_message_id_is_kept_each_time(self):
        # Segment gives such a message an id of its own: two sends are two messages.
        m = segment_message(messageId=None)
        other = segment_message()
        for _ in range(2):
            self.assertEqual(self.c.post_segment([m, other], write_key=KEY).json()["rejected"], [])
        self.assertEqual(self.good(), [m, other, m])

    def test_refused_messages_name_the_field(self):
        cases = [
            (segment_message(userId=None), "userId: one of userId or anonymousId is required"),
            (segment_message(type="purchase"), "type: must be one of track, identify, group, page, screen, alias"),
            (segment_message(type="record"), "type: must be one of track, identify, group, page, screen, alias"),
            (segment_message(type=None), "type: must be one of track, identify, group, page, screen, alias"),
            (segment_message(event=None), "event: is required for track"),
            (segment_message(event=""), "event: must be a non-empty string"),
            (segment_message("group", groupId=None), "groupId: is required for group"),
            (segment_message("alias", previousId=None), "previousId: is required for alias"),
            (segment_message("alias", userId=None, anonymousId="a"), "userId: is required for alias"),
            (segment_message(userId=42), "userId: must be a non-empty string"),
            (segment_message(messageId="x" * 101), "messageId: must be a non-empty string of at most 100 characters"),
            (segment_message(timestamp="yesterday"), "timestamp: must be an ISO-8601 timestamp"),
            (segment_message(properties=[1]), "properties: must be an object"),
            (segment_message("identify", traits="vip"), "traits: must be an object"),
            (segment_message("page", name=7), "name: must be a string"),
        ]
        good = segment_message(messageId="é" * 100)  # 100 characters, 200 bytes: allowed
        r = self.c.post_segment([m for m, _ in cases] + [good], write_key=KEY)
        self.assertEqual(r.status, 200, r)
        body = r.json()
        self.assertEqual(body["accepted"], 1)
        self.assertEqual([x["error"] for x in body["rejected"]], [e for _, e in cases])
        self.assertEqual([x["messageId"] for x in body["rejected"]], [m.get("messageId") for m, _ in cases])
        bad = self.c.get("/micro/bad")
        self.assertEqual([b["event"] for b in bad], [m for m, _ in cases])
        self.assertEqual({b["format"] for b in bad}, {"segment"})
        self.assertEqual(self.c.get("/micro/all"), {"total": len(cases) + 1, "good": 1, "bad": len(cases), "duplicates": 0})

    def test_invalid_utf8_and_repeated_keys_name_the_field(self):
        ok = json.dumps(segment_message()).encode()
        bad_utf8 = json.dumps(segment_message(properties={"name": "XX"})).encode().replace(b"XX", b"\xc3\x28")
        twice = b'{"type":"track","messageId":"m-twice","userId":"a","userId":"b","event":"e"}'
        body = b'{"batch":[' + b",".join([ok, bad_utf8, twice]) + b"]}"
        r = self.c.post_segment(body=body, write_key=KEY)
        self.assertEqual(r.status, 200, r)
        errors = [x["error"] for x in r.json()["rejected"]]
        self.assertEqual(errors, ["properties.name: is not valid UTF-8",
                                  'message: key "userId" appears twice in the same object'])
        self.assertEqual(r.json()["accepted"], 1)
        self.assertIn("\ufffd", self.c.get("/micro/bad")[0]["event"]["properties"]["name"])

    def test_message_over_32_kb_refuses_the_request(self):
        base = segment_message(properties={"pad": ""})
        fixed = len(json.dumps(base, separators=(",", ":")))
        at_limit = segment_message(properties={"pad": "x" * (32768 - fixed)})
        over = segment_message(properties={"pad": "x" * (32769 - fixed)})
        text = lambda m: json.dumps(m, separators=(",", ":"))
        self.assertEqual(len(text(at_limit)), 32768)
        r = self.c.post_segment(body='{"batch":[%s]}' % text(at_limit), write_key=KEY)
        self.assertEqual(r.json()["accepted"], 1, r)
        r = self.c.post_segment(body='{"batch":[%s,%s]}' % (text(segment_message()), text(over)), write_key=KEY)
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.json()["error"], "batch[1]: 32769 bytes, over Segment's limit of 32768 bytes per message")
        self.assertEqual(self.c.get("/micro/all")["total"], 1, "nothing of the refused request is stored")

    def test_request_over_500_kb_refused(self):
        msgs = [segment_message(properties={"pad": "x" * 30000}) for _ in range(18)]
        r = self.c.post_segment(msgs, write_key=KEY, use_gzip=True)
        self.assertEqual(r.status, 400, r)
        self.assertRegex(r.json()["error"], r"^body: \d+ bytes, over Segment's limit of 512000 bytes per request$")
        r = self.c.post_segment(msgs[:16], write_key=KEY)
        self.assertEqual(r.json()["accepted"], 16, r)

    def test_bad_json_and_batch_fields_400(self):
        for body, error in ((b'{"batch": [{"messageId": "m", ', None),
                            (b'{"batch": {"messageId": "m"}}', "batch: must be an array of events in a JSON object"),
                            (b'{"batch": [{"messageId": "m", "type": "track"}], "sentAt": "soon"}',
                             "sentAt: must be an ISO-8601 timestamp"),
                            (b'{"batch": [{"messageId": "m", "type": "track"}], "context": []}',
                             "context: must be an object")):
            r = self.c.post_segment(body=body, write_key=KEY)
            self.assertEqual(r.status, 400, (body, r))
            if error:
                self.assertEqual(r.json()["error"], error)

    def test_which_format_a_batch_is(self):
        # eventId anywhere: wire v1, whose rules then refuse the Segment message.
        r = self.c.post_segment([segment_message(), event()], write_key=KEY)
        self.assertEqual(r.json()["rejected"][0]["error"], "eventId: must be a non-empty string")
        self.assertNotIn("success", r.json())
        # Neither messageId nor eventId: wire v1.
        r = self.c.post_segment([segment_message(messageId=None)], write_key=KEY)
        self.assertNotIn("success", r.json())
        self.assertEqual(r.json()["rejected"][0]["error"], "eventId: must be a non-empty string")
        self.assertEqual(self.c.post_segment([], write_key=KEY).json(), {"accepted": 0, "duplicates": 0, "rejected": []})


class SegmentAuth(CollectorTest):
    ARGS = ("--api-key", KEY, "--api-key", "other-key", "--admin-key", "admin")

    def basic(self, user_pass):
        return {"Authorization": "Basic " + base64.b64encode(user_pass.encode()).decode()}

    def test_write_key_as_basic_user(self):
        for key in (KEY, "other-key"):
            self.assertEqual(self.c.post_segment([segment_message()], write_key=key).status, 200)
        for user_pass in ("wrong:", KEY + ":x", KEY, ":" + KEY, KEY + "::"):
            r = self.c.post_segment([segment_message()], headers=self.basic(user_pass))
            self.assertEqual(r.status, 403, (user_pass, r))
        self.assertEqual(self.c.post_segment([segment_message()], headers={"Authorization": "Basic !!!"}).status, 403)
        self.assertEqual(self.c.post_segment([segment_message()]).status, 401)
        # The admin key reads, it does not post.
        self.assertEqual(self.c.post_segment([segment_message()], write_key="admin").status, 403)

    def test_v1_credentials_still_work_and_basic_key_works_for_v1(self):
        self.assertEqual(self.c.post_batch([event()], headers={"X-API-Key": KEY}).status, 200)
        self.assertEqual(self.c.post_batch([event()], headers={"Authorization": "Bearer " + KEY}).status, 200)
        self.assertEqual(self.c.post_batch([event()], headers=self.basic(KEY + ":")).json()["accepted"], 1)

    def test_write_key_in_the_body(self):
        body = {"batch": [segment_message()], "writeKey": KEY}
        r = self.c.post_segment(body=body)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.c.get("/micro/good"), body["batch"])
        body["writeKey"] = "nope"
        self.assertEqual(self.c.post_segment(body=body).status, 403)
        self.assertEqual(self.c.post_segment(body=b"{not json").status, 401)
        # A header, when sent, is what counts.
        body["writeKey"] = KEY
        self.assertEqual(self.c.post_segment(body=body, write_key="nope").status, 403)

    def test_credentials_are_fingerprints_in_the_request_log(self):
        self.c.post_segment([segment_message()], write_key=KEY)
        shown = self.c.get("/micro/requests")[-1]["headers"]["authorization"]
        self.assertTrue(shown.startswith("Basic ***sha256:"), shown)
        self.assertNotIn(base64.b64encode((KEY + ":").encode()).decode(), shown)


class SegmentSignedCollector(CollectorTest):
    ARGS = ("--api-key", KEY, "--secret", "s3cret")

    def test_a_secret_asks_segment_bodies_to_be_signed_too(self):
        r = self.c.post_segment([segment_message()], write_key=KEY)
        self.assertEqual(r.status, 401)
        self.assertIn("X-Spoor-Signature", r.json()["error"])


class SingleMessagePaths(CollectorTest):
    ARGS = ("--api-key", KEY, "--admin-key", "admin")

    def test_each_path_gives_its_type(self):
        sent = []
        for t in TYPES:
            m = segment_message(t, type=None, messageId="single-" + t)
            r = self.c.post_segment(m, write_key=KEY, path="/v1/" + t)
            self.assertEqual(r.json(), {"success": True, "accepted": 1, "duplicates": 0, "rejected": []}, (t, r))
            sent.append(m)
        self.assertEqual(self.c.get("/micro/good?format=segment"), sent)
        for t in TYPES:
            self.assertEqual([m["messageId"] for m in self.c.get("/micro/good?type=" + t)], ["single-" + t])
        self.assertEqual([q["path"] for q in self.c.get("/micro/requests")], ["/v1/" + t for t in TYPES])

    def test_stored_as_received(self):
        text = '{ "userId": "u1", "event": "Signed Up", "properties": {"n": 1.0} }\n'
        r = self.c.post_segment(body=text, write_key=KEY, path="/v1/track")
        self.assertEqual(r.json()["accepted"], 1, r)
        self.assertEqual(self.c.request("GET", "/micro/good").body.decode(), "[" + text.strip() + "]")

    def test_rules_of_the_path(self):
        cases = [("/v1/track", {"userId": "u", "type": "page", "name": "x"}, "type: must be track on this path, or absent"),
                 ("/v1/track", {"userId": "u"}, "event: is required for track"),
                 ("/v1/alias", {"userId": "u"}, "previousId: is required for alias"),
                 ("/v1/group", {"anonymousId": "a"}, "groupId: is required for group"),
                 ("/v1/page", {"name": "Home"}, "userId: one of userId or anonymousId is required")]
        for path, m, error in cases:
            r = self.c.post_segment(m, write_key=KEY, path=path)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json()["rejected"], [{"messageId": None, "error": error}], path)
        self.assertEqual(self.c.post_segment([1, 2], write_key=KEY, path="/v1/track").status, 400)
        self.assertEqual(self.c.request("GET", "/v1/track").status, 405)
        for path in ("/v1/record", "/v1/tracks", "/v1/track/x", "/v1/"):
            self.assertEqual(self.c.post_segment({"userId": "u"}, write_key=KEY, path=path).status, 404, path)
        over = {"userId": "u", "event": "e", "properties": {"pad": "x" * 33000}}
        r = self.c.post_segment(over, write_key=KEY, path="/v1/track")
        self.assertEqual(r.status, 400)
        self.assertTrue(r.json()["error"].startswith("message: "), r)

    def test_write_key_in_the_body_is_not_stored(self):
        r = self.c.post_segment({"userId": "u", "event": "e", "writeKey": KEY}, path="/v1/track")
        self.assertEqual(r.json()["accepted"], 1, r)
        self.assertEqual(self.c.get("/micro/good"), [{"userId": "u", "event": "e"}])
        self.assertNotIn(KEY, self.c.request("GET", "/micro/good").body.decode())

    def test_faults_apply_to_single_paths_too(self):
        self.assertEqual(self.c.request("POST", "/micro/fault", {"status": 503, "count": 1}).status, 200)
        self.assertEqual(self.c.post_segment(segment_message(), write_key=KEY, path="/v1/track").status, 503)
        self.assertEqual(self.c.post_segment(segment_message(), write_key=KEY, path="/v1/track").status, 200)


if __name__ == "__main__":
    main()
