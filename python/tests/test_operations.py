"""Every operation arrives at the collector in wire format v1."""
from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, List

import spoor

from conftest import API_KEY, SECRET, Collector, fingerprint

FIXED = "2026-11-23T10:00:00.000Z"


def one(collector: Collector, **query: Any) -> Dict[str, Any]:
    events = collector.wait_good(1, **query)
    assert len(events) == 1, events
    return events[0]


def test_track_all_fields(client: spoor.Client, collector: Collector) -> None:
    client.track("purchase", user_id="user_123", anonymous_id="anon_abc", profile_id="prof_1",
                 properties={"revenue": 99.99, "currency": "USD", "product_id": "prod_456",
                             "items": [{"sku": "a", "price": 20}, {"sku": "b", "price": 15}]},
                 event_id="evt-0001", timestamp="2026-11-23T11:00:00+01:00", session_id="s1",
                 account_id="acc1", page_id="pg1")
    client.flush(5)
    event = one(collector, eventName="purchase")
    assert event["type"] == "track"
    assert event["eventName"] == "purchase"
    assert event["eventId"] == "evt-0001"
    assert event["userId"] == "user_123"
    assert event["anonymousId"] == "anon_abc"
    assert event["profileId"] == "prof_1"
    assert event["sessionId"] == "s1"
    assert event["accountId"] == "acc1"
    assert event["pageId"] == "pg1"
    assert event["timestamp"] == "2026-11-23T10:00:00.000Z"  # normalised to UTC
    assert event["properties"]["revenue"] == 99.99
    assert event["properties"]["items"][1] == {"sku": "b", "price": 15}
    lib = event["context"]["library"]
    assert lib["name"] == "spoor" and lib["binding"] == "python" and lib["version"] == spoor.version()


def test_track_defaults_event_id_and_timestamp(client: spoor.Client, collector: Collector) -> None:
    before = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=5)
    client.track("signup", anonymous_id="anon_1", properties={"plan": "pro"})
    client.flush(5)
    event = one(collector, eventName="signup")
    uuid.UUID(event["eventId"])  # a fresh UUID
    stamp = dt.datetime.strptime(event["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)
    assert before <= stamp <= before + dt.timedelta(seconds=30)
    assert "userId" not in event


def test_track_options_dict(client: spoor.Client, collector: Collector) -> None:
    client.track({"userId": "user_123", "event": "login", "properties": {"method": "email"}})
    client.flush(5)
    event = one(collector, eventName="login")
    assert event["userId"] == "user_123" and event["properties"] == {"method": "email"}


def test_identify_both_styles(client: spoor.Client, collector: Collector) -> None:
    client.identify("user_123", {"email": "a@example.com", "plan": "enterprise"})
    client.identify({"userId": "user_456", "traits": {"name": "Jane"}})
    client.identify("user_789")
    client.flush(5)
    events = {e["userId"]: e for e in collector.wait_good(3, type="identify")}
    assert events["user_123"]["type"] == "identify"
    assert events["user_123"]["traits"] == {"email": "a@example.com", "plan": "enterprise"}
    assert events["user_456"]["traits"] == {"name": "Jane"}
    assert "user_789" in events


def test_group_both_styles(client: spoor.Client, collector: Collector) -> None:
    client.group("user_123", "company_456", {"name": "Acme Corp", "employees": 500})
    client.group({"userId": "user_9", "groupId": "company_9"})
    client.flush(5)
    events = {e["userId"]: e for e in collector.wait_good(2, type="group")}
    assert events["user_123"]["groupId"] == "company_456"
    assert events["user_123"]["traits"] == {"name": "Acme Corp", "employees": 500}
    assert events["user_9"]["groupId"] == "company_9"


def test_page(client: spoor.Client, collector: Collector) -> None:
    client.page("user_123", "Landing Page", {"url": "https://example.com", "referrer": "https://google.com"})
    client.flush(5)
    event = one(collector, type="page")
    assert event["userId"] == "user_123"
    assert event["eventName"] == "Landing Page" or event.get("properties", {}).get("name") == "Landing Page"
    assert event["properties"]["url"] == "https://example.com"


def test_screen_and_alias(client: spoor.Client, collector: Collector) -> None:
    client.screen("user_123", "Settings", {"tab": "privacy"})
    client.screen("user_123")
    client.alias("anon_abc", "user_123")
    client.flush(5)
    spoor.init(host=collector.url, api_key=API_KEY, secret=SECRET)
    try:
        spoor.screen("user_9", name="Home")
        spoor.alias(previous_id="anon_9", user_id="user_9")
    finally:
        spoor.close()
    screens = collector.wait_good(3, type="screen")
    assert [(e["userId"], e.get("eventName"), e["properties"]) for e in screens] == [
        ("user_123", "Settings", {"tab": "privacy"}), ("user_123", None, {}), ("user_9", "Home", {})]
    aliases = collector.wait_good(2, type="alias")
    assert [(e["previousId"], e["userId"]) for e in aliases] == [("anon_abc", "user_123"), ("anon_9", "user_9")]
    client.enqueue({"type": "alias", "previousId": "anon_7", "userId": "user_7"})
    client.identify({"userId": "user_7", "traits": {"plan": "pro"}, "timestamp": "2026-11-23T09:00:00Z"})
    client.flush(5)
    assert collector.wait_good(3, type="alias")[2]["previousId"] == "anon_7"
    assert one(collector, type="identify")["timestamp"] == "2026-11-23T09:00:00.000Z"  # kept, not dropped
    try:
        client.alias("anon_abc", None)
    except spoor.ValidationError as exc:
        assert exc.message == "userId: must be a non-empty string"
    else:
        raise AssertionError("alias without a user id was accepted")


def test_segment_protocol(make_client: Any, collector: Collector) -> None:
    """protocol="segment": every operation in Segment's format, which the collector stores as Segment's."""
    client = make_client(protocol="segment")
    client.track("purchase", user_id="user_123", properties={"revenue": 9.5})
    client.identify("user_123", {"plan": "pro"})
    client.group("user_123", "acme", {"seats": 5})
    client.page("user_123", "Home")
    client.screen("user_123", "Settings")
    client.alias("anon_abc", "user_123")
    client.record_event("purchase", {"profileId": "prof_1", "totalprice": 35})
    client.profile(profile_id="prof_1", plan="pro")
    client.track_consents([{"regulation": "GDPR", "purpose": "advertising", "consented": True}], user_id="user_123")
    client.batch([{"type": "track", "event": "e", "anonymousId": "a", "context": {"ip": "1.2.3.4"},
                   "integrations": {"All": False}}])
    client.flush(5)
    messages = collector.wait_good(10, format="segment")
    assert [m["type"] for m in messages] == ["track", "identify", "group", "page", "screen", "alias", "track",
                                             "identify", "track", "track"]
    assert collector.bad() == []
    assert not any("eventId" in m or "eventName" in m for m in messages)
    assert messages[6]["event"] == "purchase" and messages[6]["userId"] == "prof_1"
    assert messages[8]["context"]["consent"] == {"categoryPreferences": {"advertising": True}}
    assert messages[9]["context"]["ip"] == "1.2.3.4" and messages[9]["integrations"] == {"All": False}
    assert all(m["context"]["library"] == {"name": "spoor", "version": spoor.version()} for m in messages)
    request = collector.requests()[0]
    assert request["headers"]["authorization"] == "Basic " + fingerprint(base64.b64encode(b"test-key:").decode())
    assert "x-api-key" not in request["headers"]
    try:
        client.product({"productId": "1"})
    except spoor.ValidationError as exc:
        assert exc.message.startswith("product: catalog products have no message in Segment's format")
    else:
        raise AssertionError("a product was accepted in Segment's format")


def test_record_event_lifts_envelope(client: spoor.Client, collector: Collector) -> None:
    client.record_event("purchase", {
        "items": [{"item name": "item 1", "price": 20}, {"item name": "item 2", "price": 15}],
        "totalprice": 35, "ispaid": True, "profileId": "prof_42", "sessionId": "sess_1",
        "fixed.name": "John Smith", "fixed.age": 28, "intempt.visit.trackcharge": 35,
    })
    client.flush(5)
    event = one(collector, type="record")
    assert event["eventName"] == "purchase"
    assert event["profileId"] == "prof_42" and event["sessionId"] == "sess_1"
    assert "profileId" not in event["properties"]
    assert event["properties"]["totalprice"] == 35
    assert event["properties"]["fixed.name"] == "John Smith"
    assert event["properties"]["items"][0]["item name"] == "item 1"


def test_profile(client: spoor.Client, collector: Collector) -> None:
    client.profile(profile_id="prof_1", user_identifier="john@example.com",
                   account_identifier="acme", plan="pro", seats=5)
    client.flush(5)
    event = one(collector, type="profile")
    assert event["profileId"] == "prof_1"
    traits = event["traits"]
    assert traits["user_identifier"] == "john@example.com"
    assert traits["account_identifier"] == "acme"
    assert traits["plan"] == "pro" and traits["seats"] == 5


def test_track_consents(client: spoor.Client, collector: Collector) -> None:
    consents = [{"regulation": "GDPR", "purpose": "advertising", "consented": True},
                {"regulation": "CCPA", "purpose": "advertising", "consented": False}]
    client.track_consents(consents, profile_id="prof_1")
    client.track_consents(consents[:1], user_id="user_1")
    client.flush(5)
    events = collector.wait_good(2, type="consent")
    by_subject = {e.get("profileId") or e.get("userId"): e for e in events}
    assert by_subject["prof_1"]["consents"] == consents
    assert by_subject["user_1"]["consents"] == consents[:1]


CATALOG = {"id": "sku-1", "title": "Shoe", "description": "A shoe", "url": "https://shop.example/shoe",
           "image_link": "https://shop.example/shoe.png", "price": 59.5, "brand": "Acme",
           "tags": ["red", "sale"]}


def test_product_both_forms(client: spoor.Client, collector: Collector) -> None:
    client.product({"productId": "p-1", "data": {"stock": 3}})
    client.product(CATALOG)
    client.flush(5)
    events = {e["productId"]: e for e in collector.wait_good(2, type="product")}
    assert events["p-1"]["data"] == {"stock": 3}
    assert "userId" not in events["p-1"]  # product ingestion needs no identity
    assert events["sku-1"]["data"]["title"] == "Shoe"


def test_ingest_feed_json_xml_and_path(client: spoor.Client, collector: Collector, tmp_path: Path) -> None:
    feed = {"products": [{"product": dict(CATALOG, id="j-%d" % i)} for i in range(3)]}
    assert client.ingest_feed(json.dumps(feed)) == 3
    xml = ("<catalog><products>" + "".join(
        "<product><id>x-%d</id><title>T</title><description>D</description>"
        "<url>https://s.example/%d</url><image_link>https://s.example/%d.png</image_link></product>"
        % (i, i, i) for i in range(2)) + "</products></catalog>")
    assert client.ingest_feed(xml) == 2
    path = tmp_path / "feed.json"
    path.write_text(json.dumps({"products": [{"product": dict(CATALOG, id="f-1")}]}))
    assert client.ingest_feed(path) == 1
    client.flush(5)
    ids = sorted(e["productId"] for e in collector.wait_good(6, type="product"))
    assert ids == ["f-1", "j-0", "j-1", "j-2", "x-0", "x-1"]


def test_batch(client: spoor.Client, collector: Collector) -> None:
    client.batch([
        {"type": "track", "event": "a", "userId": "u1"},
        {"type": "identify", "userId": "u1", "traits": {"k": 1}},
        {"type": "group", "userId": "u1", "groupId": "g1"},
        {"type": "page", "userId": "u1", "name": "Home"},
        {"type": "record", "collection": "purchase", "properties": {"profileId": "p1", "total": 1}},
        {"type": "product", "productId": "p-9", "data": {}},
    ])
    client.flush(5)
    events = collector.wait_good(6)
    assert sorted(e["type"] for e in events) == ["group", "identify", "page", "product", "record", "track"]
    assert collector.counts()["bad"] == 0


def test_python_values(client: spoor.Client, collector: Collector) -> None:
    when = dt.datetime(2026, 1, 2, 3, 4, 5, 678000)  # naive: UTC
    aware = dt.datetime(2026, 1, 2, 5, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    ident = uuid.UUID("12345678-1234-5678-1234-567812345678")
    client.track("values", user_id="u1", timestamp=when, properties={
        "when": when, "aware": aware, "day": dt.date(2026, 1, 2), "price": Decimal("19.99"),
        "big": Decimal("12345678901234567890.123456789"), "id": ident, "pair": (1, 2),
        "none": None, "flag": False, "text": "żółw ✓",
    })
    client.flush(5)
    event = one(collector, eventName="values")
    props = event["properties"]
    assert event["timestamp"] == "2026-01-02T03:04:05.678Z"
    assert props["when"] == "2026-01-02T03:04:05.678Z"
    assert props["aware"] == "2026-01-02T03:04:05.000Z"
    assert props["day"] == "2026-01-02"
    assert props["price"] == 19.99
    assert props["id"] == str(ident)
    assert props["pair"] == [1, 2]
    assert props["none"] is None and props["flag"] is False
    assert props["text"] == "żółw ✓"


def test_anonymous_id_is_stable(client: spoor.Client) -> None:
    first = client.anonymous_id
    uuid.UUID(first)
    assert client.anonymous_id == first


def test_stats(client: spoor.Client, collector: Collector) -> None:
    for i in range(5):
        client.track("s", user_id="u%d" % i)
    client.flush(5)
    stats = client.stats()
    assert stats["accepted"] == 5 and stats["delivered"] == 5 and stats["queued"] == 0
    assert stats["failed"] == 0 and stats["requests"] >= 1 and stats["bytes_sent"] > 0
    assert set(stats) >= {"accepted", "queued", "delivered", "failed", "dropped", "retried",
                          "batches", "bytes_sent"}


def test_wire_headers(client: spoor.Client, collector: Collector) -> None:
    client.track("h", user_id="u1")
    client.flush(5)
    req = collector.requests()[0]
    assert req["status"] == 200
    headers = req["headers"]
    assert headers["user-agent"] == "spoor-python/" + spoor.version()
    assert headers["x-api-key"] == fingerprint("test-key")
    assert headers["content-type"].startswith("application/json")
    assert headers["x-spoor-signature"].startswith("v1=***sha256:")


def test_each_event_arrives_once(client: spoor.Client, collector: Collector) -> None:
    for i in range(50):
        client.track("once", user_id="u", properties={"i": i})
    client.flush(5)
    events: List[Dict[str, Any]] = collector.wait_good(50, eventName="once")
    assert sorted(e["properties"]["i"] for e in events) == list(range(50))
    assert collector.counts()["duplicates"] == 0
