"""Segment's own Python library, segment-analytics-python, pointed at
spoor-collector unchanged but for its host: every call it has, plain and
gzipped, and the collector must store each message's text exactly as the
library put it on the wire.
    SPOOR_COLLECTOR=/path/to/spoor-collector pytest   (ci/test-sdks)"""
import base64
import gzip
import json
import os
import sys

import pytest
from segment.analytics import Client
from segment.analytics import request as segment_request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Collector, fingerprint  # noqa: E402  (the collector's own test harness)

WRITE_KEY = "segment-write-key"
ADMIN = ("--api-key", WRITE_KEY, "--admin-key", "admin", "--quiet")
TYPES = ["track", "identify", "group", "page", "screen", "alias"]


@pytest.fixture
def collector():
    with Collector(*ADMIN) as c:
        yield c
        assert c.stop() == 0


@pytest.fixture
def wire(monkeypatch):
    """The request bodies the library sends, as it sends them (decompressed)."""
    bodies = []
    real_post = segment_request._session.post

    def recording_post(url, **kwargs):
        data = kwargs["data"]
        if kwargs["headers"].get("Content-Encoding") == "gzip":
            data = gzip.decompress(data)
        bodies.append(data.decode() if isinstance(data, bytes) else data)
        return real_post(url, **kwargs)

    monkeypatch.setattr(segment_request._session, "post", recording_post)
    return bodies


def send_all(client):
    # Values whose text a re-serialisation would change: a non-ASCII string
    # (which json.dumps escapes), a fraction, nesting.
    client.track("user-1", "Order Completed", {"total": 35.5, "items": [{"sku": "a", "price": 20}], "note": "café"})
    client.identify("user-1", {"email": "ann@example.com", "plan": "pro", "logins": 3})
    client.group("user-1", "acme", {"name": "Acme Inc", "employees": 42})
    client.page(anonymous_id="anon-1", category="Docs", name="Quickstart", properties={"path": "/docs/start"})
    client.screen("user-1", name="Settings", properties={"tab": "privacy"})
    client.alias("anon-1", "user-1")
    client.flush()


def messages_on_the_wire(bodies):
    """Each message's text as it appears in the bodies sent."""
    texts = []
    for body in bodies:
        for m in json.loads(body)["batch"]:
            text = json.dumps(m, cls=segment_request.DatetimeSerializer)
            assert text in body, "the library's own encoding of each message"
            texts.append(text)
    return texts


@pytest.mark.parametrize("use_gzip", [False, True])
def test_what_it_sends_is_stored_unchanged(collector, wire, use_gzip):
    errors = []
    client = Client(WRITE_KEY, host="http://127.0.0.1:%d" % collector.port, gzip=use_gzip, upload_size=6,
                    upload_interval=0.1, max_retries=0, on_error=lambda e, batch: errors.append(e))
    send_all(client)
    client.shutdown()
    assert errors == []

    sent = messages_on_the_wire(wire)
    assert [json.loads(t)["type"] for t in sent] == TYPES
    raw = collector.request("GET", "/micro/good?format=segment").body.decode()
    assert raw == "[" + ",".join(sent) + "]"
    assert "caf\\u00e9" in raw  # the library's escape, kept
    assert collector.get("/micro/bad") == []
    assert collector.get("/micro/all") == {"total": 6, "good": 6, "bad": 0, "duplicates": 0}
    stored = collector.get("/micro/good")
    assert {m["context"]["library"]["name"] for m in stored} == {"analytics-python"}
    assert stored[3]["anonymousId"] == "anon-1" and stored[3]["userId"] is None  # sent as null, kept

    basic = base64.b64encode((WRITE_KEY + ":").encode()).decode()
    requests = collector.get("/micro/requests")
    assert requests and all(r["status"] == 200 and r["gzip"] == use_gzip for r in requests)
    assert {r["headers"]["authorization"] for r in requests} == {"Basic " + fingerprint(basic)}
    assert all(r["headers"]["user-agent"].startswith("analytics-python/") for r in requests)
    # It also sends the write key in the body: never stored.
    assert all(json.loads(b)["writeKey"] == WRITE_KEY for b in wire)
    assert WRITE_KEY not in raw


def test_a_wrong_write_key_is_refused_and_nothing_is_stored(collector, wire):
    errors = []
    client = Client("not-the-key", host="http://127.0.0.1:%d" % collector.port, upload_size=6,
                    upload_interval=0.1, max_retries=0, on_error=lambda e, batch: errors.append((e, len(batch))))
    send_all(client)
    client.shutdown()
    assert [(getattr(e, "status", None), n) for e, n in errors] == [(403, 6)]
    assert collector.get("/micro/all") == {"total": 0, "good": 0, "bad": 0, "duplicates": 0}
