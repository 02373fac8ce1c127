"""Hostile bodies and paths: what is stored is exactly what was validated, and
nothing the collector stores, answers or logs carries invalid UTF-8 or a
forged line."""
import json
import socket

from harness import CollectorTest, event, main


def raw_event(**fields):
    """An event's JSON text (bytes), to splice bytes into."""
    return json.dumps(event(**fields)).encode()


class Input(CollectorTest):
    def post(self, body):
        return self.c.post_batch(None, body=body)

    def assertNothingStored(self):
        self.assertEqual(self.c.get("/micro/all"), {"total": 0, "good": 0, "bad": 0, "duplicates": 0})

    # ---- duplicate keys: cJSON keeps both, a scanner or a reader may pick the other one

    def test_escaped_duplicate_batch_key_refused(self):
        valid = raw_event(eventId="validated")
        other = b'{"eventId":"never-validated","type":"nonsense"}'
        r = self.post(b'{"\\u0062atch":[' + valid + b'], "batch":[' + other + b']}')
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.json()["error"], 'body: key "batch" appears twice in the same object')
        self.assertNothingStored()

    def test_duplicate_key_inside_an_event_rejects_that_event(self):
        good = event()
        # the validator reads the first userId, most JSON readers keep the last
        dup = raw_event(eventId="dup-1")[:-1] + b', "userId": "someone-else"}'
        escaped = raw_event(eventId="dup-2", properties={"price": 1})[:-1] + b', "properti\\u0065s": 2}'
        nested = raw_event(eventId="dup-3", properties={"a": {"b": 1}}).replace(b'{"b": 1}', b'{"b": 1, "b": 2}')
        r = self.post(b'{"batch":[' + json.dumps(good).encode() + b"," + dup + b"," + escaped + b"," + nested + b"]}")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["accepted"], 1)
        self.assertEqual([(x["eventId"], x["error"]) for x in r.json()["rejected"]], [
            ("dup-1", 'event: key "userId" appears twice in the same object'),
            ("dup-2", 'event: key "properties" appears twice in the same object'),
            ("dup-3", 'properties.a: key "b" appears twice in the same object'),
        ])
        self.assertEqual(self.c.get("/micro/good"), [good])

    # ---- nothing after the JSON value, and no raw control characters

    def test_nul_and_garbage_after_the_json_refused(self):
        body = json.dumps({"batch": [event()]}).encode()
        for tail in (b"\x00garbage", b"\x00", b" \x00{}", b"\n\x00\xff\xfe"):
            r = self.post(body + tail)
            self.assertEqual(r.status, 400, (tail, r))
            self.assertIn("body:", r.json()["error"])
        self.assertNothingStored()
        self.assertEqual(self.post(body + b" \r\n\t").status, 200, "white space after the value is fine")

    def test_raw_control_characters_refused(self):
        # JSON escapes them inside strings; cJSON would take them raw (and a NUL cuts its copy short)
        for raw in (b"x\x00y", b"x\x01y", b"tab\there", b"line\nbreak"):
            body = raw_event(eventName="n").replace(b'"n"', b'"' + raw + b'"')
            r = self.post(b'{"batch":[' + body + b"]}")
            self.assertEqual(r.status, 400, (raw, r))
            self.assertIn("control character", r.json()["error"])
        self.assertNothingStored()

    # ---- UTF-8

    def test_invalid_utf8_rejects_the_event_naming_the_field(self):
        good = event()
        cases = {  # bytes spliced in -> the field named
            b"\xff": "properties.name",               # not UTF-8 at all
            b"\xc0\xaf": "properties.name",           # overlong "/"
            b"\xed\xa0\x80": "properties.name",       # a surrogate, encoded
            b"caf\xc3": "properties.name",            # cut short
        }
        bodies, wanted = [json.dumps(good).encode()], []
        for i, (bad, field) in enumerate(cases.items()):
            text = raw_event(eventId="u%d" % i, properties={"name": "X"}).replace(b'"X"', b'"' + bad + b'"')
            bodies.append(text)
            wanted.append(("u%d" % i, field + ": is not valid UTF-8"))
        in_key = raw_event(eventId="k", properties={"KEY": 1}).replace(b'"KEY"', b'"na\xffme"')
        bodies.append(in_key)
        wanted.append(("k", 'properties: key "na\ufffdme" is not valid UTF-8'))
        r = self.post(b'{"batch":[' + b",".join(bodies) + b"]}")
        self.assertEqual(r.status, 200, r)
        r.body.decode("utf-8")  # the answer itself is UTF-8
        self.assertEqual(r.json()["accepted"], 1)
        self.assertEqual([(x["eventId"], x["error"]) for x in r.json()["rejected"]], wanted)
        self.assertEqual(self.c.get("/micro/good"), [good])
        # stored as rejected, with U+FFFD where the bytes were: what is stored is UTF-8
        raw = self.c.request("GET", "/micro/bad").body
        bad = json.loads(raw.decode("utf-8"))
        self.assertEqual(bad[0]["event"]["properties"]["name"], "\ufffd")
        self.assertEqual([b["error"] for b in bad], [w[1] for w in wanted])

    def test_invalid_utf8_in_the_event_id(self):
        text = raw_event(eventId="ID").replace(b'"ID"', b'"id-\xfe"')
        r = self.post(b'{"batch":[' + text + b"]}")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["rejected"], [{"eventId": "id-\ufffd", "error": "eventId: is not valid UTF-8"}])
        self.assertEqual(json.loads(self.c.request("GET", "/micro/bad").body.decode())[0]["event"]["eventId"],
                         "id-\ufffd")

    def test_invalid_utf8_outside_the_events_refuses_the_body(self):
        r = self.post(b'{"sentAt":"2026-11-23T10:00:00Z\xff","batch":[' + raw_event() + b"]}")
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.json()["error"], "sentAt: is not valid UTF-8")
        # not even JSON once the bytes are read as UTF-8: the first bad byte is named
        body = b'{"batch":[' + raw_event() + b", \xc3\xa9\xff]}"
        r = self.post(body)
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.json()["error"], "body: is not valid UTF-8 (at byte %d)" % body.index(b"\xff"))
        self.assertNothingStored()

    def test_invalid_utf8_in_a_gzip_body(self):
        import gzip
        text = raw_event(eventId="gz", eventName="E").replace(b'"E"', b'"\xf5\x80\x80\x80"')
        r = self.c.post_batch(None, body=gzip.compress(b'{"batch":[' + text + b"]}"),
                              headers={"Content-Encoding": "gzip"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["rejected"], [{"eventId": "gz", "error": "eventName: is not valid UTF-8"}])

    def test_request_log_and_answers_are_utf8(self):
        r = self.c.post_batch([event()], headers={"X-Note": "caf\xe9"})  # latin-1 on the wire
        self.assertEqual(r.status, 200, r)
        raw = self.c.request("GET", "/micro/requests").body
        self.assertEqual(json.loads(raw.decode("utf-8"))[0]["headers"]["x-note"], "caf\ufffd")
        r = self.raw_request(b"GET /nope\xff HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertIn(b" 404 ", r.split(b"\r\n")[0])
        json.loads(r.split(b"\r\n\r\n", 1)[1].decode("utf-8"))

    # ---- the log

    def raw_request(self, data):
        with socket.create_connection(("127.0.0.1", self.c.port), timeout=10) as s:
            s.sendall(data)
            out = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    return out
                out += chunk

    def test_log_lines_cannot_be_forged(self):
        self.raw_request(b"GET /x%0AGET%20/forged%20200%20events=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.raw_request(b"GET /y%1b[31mred%0d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        lines = self.c.stderr().splitlines()
        self.assertFalse([l for l in lines if l.startswith("GET /forged")], lines)
        self.assertIn("GET /x\\x0aGET /forged 200 events=1 404 events=0 duplicates=0 rejected=0 ms=",
                      "\n".join(lines))
        self.assertIn("GET /y\\x1b[31mred\\x0d 404", "\n".join(lines))
        self.assertNotIn("\x1b", self.c.stderr())


if __name__ == "__main__":
    main()
