"""The conformance vectors as authored: configuration, calls and the errors they must raise.

generate.py turns each into vectors/<name>.json with the expected requests filled in by its
model. Error messages here are the core's exact words (tests/test_validate.c lists the rules).
"""
from typing import Any, Dict, List, Optional

FIXED = "2026-11-23T10:00:00Z"
_vectors: List[Dict[str, Any]] = []


def V(name: str, description: str, calls: List[Dict[str, Any]], config: Optional[Dict[str, Any]] = None,
      **extra: Any) -> None:
    conf = {"test_fixed_time": FIXED, "test_id_seed": 1000 + len(_vectors), "flush_at": 1000,
            "flush_interval": 3600000, "api_key": "test-key"}
    conf.update(config or {})
    conf = {k: v for k, v in conf.items() if v is not None}
    if not any(c["op"] in ("flush", "close") for c in calls):
        calls = calls + [{"op": "flush"}]
    v = {"name": name, "description": description, "config": conf, "calls": calls}
    v.update(extra)
    _vectors.append(v)


def err(message: str, code: str = "INVALID") -> Dict[str, str]:
    return {"code": code, "message": message}


def track(options: Any, error: Optional[str] = None, code: str = "INVALID") -> Dict[str, Any]:
    c: Dict[str, Any] = {"op": "track", "options": options}
    if error:
        c["expect_error"] = err(error, code)
    return c


def call(op: str, error: Optional[str] = None, code: str = "INVALID", **args: Any) -> Dict[str, Any]:
    c: Dict[str, Any] = {"op": op}
    c.update(args)
    if error:
        c["expect_error"] = err(error, code)
    return c


FLUSH = {"op": "flush"}
NO_IDENTITY = "userId: one of userId, anonymousId or profileId is required (unless productId is present)"
ISO_RULE = "timestamp: must be an ISO-8601 timestamp (e.g. 2026-11-23T10:00:00Z)"
EPOCH_RULE = "timestamp: must be an ISO-8601 string or epoch milliseconds"
TYPE_RULE = "type: must be one of track, identify, group, page, screen, alias, record, profile, consent, product"
CATALOG = {"id": "SKU12345", "title": "Cotton Hoodie", "description": "Soft-touch premium cotton hoodie.",
           "url": "https://yourstore.com/products/hoodie", "image_link": "https://yourstore.com/products/hoodie.jpg"}
SCHEMAS = {"purchase": {"totalprice": "number", "ispaid": "boolean", "items": "array", "ordered_at": "timestamp",
                        "address": "object", "currency": "string"}}


def bad_alone(name: str, description: str, bad: Dict[str, Any], config: Optional[Dict[str, Any]] = None,
              **extra: Any) -> None:
    """A refused call queues nothing: the flush after it sends no request."""
    V(name, description, [bad, FLUSH], config, **extra)


# ---------------------------------------------------------------- track
V("track/basic", "track: name, userId, properties",
  [track({"event": "purchase", "userId": "u1", "properties": {"revenue": 99.99, "currency": "USD"}})])
V("track/anonymous_only", "anonymousId alone is an identity", [track({"event": "signup", "anonymousId": "anon_1"})])
V("track/profile_and_envelope", "profileId, sessionId, accountId, pageId go to the top in SPEC order",
  [track({"pageId": "pg", "accountId": "a1", "sessionId": "s1", "profileId": "p1", "event": "login"})])
V("track/all_identities", "userId, anonymousId and profileId together",
  [track({"event": "e", "profileId": "p", "anonymousId": "a", "userId": "u"})])
V("track/event_id_and_offset", "a given eventId is kept; a +02:00 timestamp becomes UTC",
  [track({"event": "e", "userId": "u1", "timestamp": "2026-11-23T12:00:00+02:00", "eventId": "evt_98ac13f01a2b"})])
V("track/epoch_ms", "timestamp as epoch milliseconds (what JavaScript's Date.now() gives)",
  [track({"event": "e", "userId": "u1", "timestamp": 1795428000000})])
V("track/nulls_absent", "null counts as absent", [track({"event": "e", "userId": "u1", "anonymousId": None,
                                                       "properties": None, "sessionId": None})])
V("track/empty_properties", "an empty properties object is kept", [track({"event": "e", "userId": "u", "properties": {}})])
V("track/escaped_backslash_u0000", "a backslash followed by u0000 is text, not NUL",
  [track({"event": "x\\u0000y", "userId": "u"})])
V("track/sequence", "three events: seeded ids n=1,2,3 in order, one request",
  [track({"event": "a", "userId": "u"}), track({"event": "b", "userId": "u"}), track({"event": "c", "userId": "u"})])
V("track/given_id_draws_none", "a given eventId draws no id from the sequence",
  [track({"event": "a", "userId": "u", "eventId": "mine"}), track({"event": "b", "userId": "u"})])
V("track/properties_order", "properties keep the caller's key order",
  [track({"event": "e", "userId": "u", "properties": {"z": 1, "a": 2, "m": {"y": True, "b": False}}})])
for i, (opts, msg) in enumerate([
        ({"userId": "u1"}, "event: must be a non-empty string"),
        ({"event": "", "userId": "u1"}, "event: must be a non-empty string"),
        ({"event": 5, "userId": "u1"}, "event: must be a non-empty string"),
        ({"event": ["a"], "userId": "u1"}, "event: must be a non-empty string"),
        ({"event": "e"}, NO_IDENTITY),
        ({"event": "e", "userId": None, "anonymousId": None}, NO_IDENTITY),
        ({"event": "e", "userId": 5}, "userId: must be a non-empty string"),
        ({"event": "e", "anonymousId": ""}, "anonymousId: must be a non-empty string"),
        ({"event": "e", "profileId": {"id": 1}}, "profileId: must be a non-empty string"),
        ({"event": "e", "userId": "u", "properties": "x"}, "properties: must be an object"),
        ({"event": "e", "userId": "u", "properties": [1, 2]}, "properties: must be an object"),
        ({"event": "e", "userId": "u", "eventId": ""}, "eventId: must be a non-empty string"),
        ({"event": "e", "userId": "u", "eventId": 12}, "eventId: must be a non-empty string"),
        ({"event": "e", "userId": "u", "eventId": "x" * 257}, "eventId: must be at most 256 bytes"),
        ({"event": "e", "userId": "u", "sessionId": 7}, "sessionId: must be a non-empty string"),
        ({"event": "e", "userId": "u", "accountId": ""}, "accountId: must be a non-empty string"),
        ({"event": "e", "userId": "u", "pageId": False}, "pageId: must be a non-empty string"),
        ({"event": "e", "userId": "u", "propertys": {}}, "propertys: is not an argument of track"),
        ({"event": "e", "userId": "u", "name": "x"}, "name: is not an argument of track"),
        ({"event": "e" * 1025, "userId": "u"}, "eventName: must be at most 1024 bytes"),
        ({"event": "e", "userId": "u" * 1025}, "userId: must be at most 1024 bytes"),
        ({"event": "e", "userId": "\u00e9" * 513}, "userId: must be at most 1024 bytes"),
        ({"event": "e", "userId": "u", "sessionId": "s" * 1025}, "sessionId: must be at most 1024 bytes"),
]):
    bad_alone("track/bad_%02d" % i, "refused at the call: " + msg, track(opts, msg))
V("track/limit_1024_ok", "identity values of exactly 1024 bytes (512 two-byte characters) pass",
  [track({"event": "e" * 1024, "userId": "\u00e9" * 512, "eventId": "i" * 256})])
bad_alone("track/nul_refused", "an escaped NUL would cut the string in cJSON: refused",
          track({"event": "x\u0000y", "userId": "u"}, "track: strings must not contain NUL (\\u0000)"),
          skip={"c": "the C runner reads vectors with cJSON, which itself cuts a string at NUL"})
deep: Any = []
for _ in range(69):
    deep = [deep]
bad_alone("track/nested_too_deep", "nesting deeper than 64 levels is refused before parsing",
          track({"event": "e", "userId": "u", "properties": {"deep": deep}}, "track: nested deeper than 64 levels"))
ok_deep: Any = 1
for _ in range(62):
    ok_deep = [ok_deep]
V("track/nested_64_ok", "exactly 64 levels (options, properties, 62 arrays) are accepted",
  [track({"event": "e", "userId": "u", "properties": {"d": ok_deep}})])
V("track/good_after_bad", "a refused call leaves the client working",
  [track({"event": "e"}, NO_IDENTITY), track({"event": "ok", "userId": "u", "eventId": "after-bad"})])

# ---------------------------------------------------------------- timestamps
for i, (ts, _) in enumerate([
        ("2026-11-23T10:00:00Z", ""), ("2026-11-23T10:00:00.123456Z", "fraction cut to ms"),
        ("2026-11-23T10:00:00,5Z", "comma fraction"), ("2026-11-23", "date only: midnight UTC"),
        ("2026-11-23T10:00", "no seconds, no offset: UTC"), ("2026-11-23 10:00:00", "space separator"),
        ("2026-11-23t10:00:00z", "lower case t and z"), ("2026-11-23T10:00:00+0530", "offset without colon"),
        ("2026-11-23T10:00:00-08", "hour-only offset"), ("2026-11-23T01:00:00+02:00", "offset crosses the day"),
        ("2024-02-29T12:00:00Z", "leap day"), ("1969-12-31T23:59:59.999Z", "before the epoch"),
        ("2026-12-31T23:30:00-01:00", "offset crosses the year"), ("2026-11-23T10:00:00.9999Z", "fraction not rounded"),
        (0, "epoch 0"), (253402299999999, "largest epoch ms"), (1795428000123, "epoch ms with millis"),
]):
    V("timestamp/ok_%02d" % i, "timestamp %r normalised to UTC with milliseconds %s" % (ts, _),
      [track({"event": "e", "userId": "u", "timestamp": ts})])
for i, (ts, msg) in enumerate([
        ("yesterday", ISO_RULE), ("", ISO_RULE), ("2025-02-29", ISO_RULE), ("2026-13-01", ISO_RULE),
        ("2026-11-23T10:60:00Z", ISO_RULE), ("2026-11-23T24:00:00Z", ISO_RULE), ("2026-11-23T10:00:00.Z", ISO_RULE),
        ("2026-11-23T10:00:00+24:00", ISO_RULE), ("23/11/2026", ISO_RULE), ("2026-11-23T10:00:00Zjunk", ISO_RULE),
        ("2026-11-23+02:00", ISO_RULE), (True, EPOCH_RULE), (1.5, EPOCH_RULE), (-1, EPOCH_RULE),
        (253402300800000, EPOCH_RULE), ({"t": 1}, EPOCH_RULE),
]):
    bad_alone("timestamp/bad_%02d" % i, "timestamp %r refused" % (ts,),
              track({"event": "e", "userId": "u", "timestamp": ts}, msg))

# ---------------------------------------------------------------- record_event
V("record_event/purchase", "recordEvent with a profileId; fields go to properties",
  [call("record_event", collection="purchase", event={"profileId": "p1", "totalprice": 35, "ispaid": True,
                                                      "items": [{"price": 20}, {"price": 15}]})])
V("record_event/product_rule", "a productId in the fields needs no identity",
  [call("record_event", collection="catalog", event={"productId": "123", "name": "Wine", "amount": 150})])
V("record_event/lift_envelope", "eventId, userId, sessionId, timestamp among the fields are lifted",
  [call("record_event", collection="visit", event={"page": "/", "eventId": "e-1", "userId": "u",
                                                   "sessionId": "s", "timestamp": "2026-11-23T09:00:00Z",
                                                   "accountId": "acc", "pageId": "pg", "anonymousId": "an"})])
V("record_event/null_fields", "a null envelope field is absent; other null fields stay",
  [call("record_event", collection="purchase", event={"userId": "u", "totalprice": None, "anonymousId": None})],
  {"collection_schemas": SCHEMAS})
V("record_event/schema_ok", "every declared type satisfied; undeclared fields pass",
  [call("record_event", collection="purchase", event={
      "userId": "u", "totalprice": 35.5, "ispaid": False, "items": [], "ordered_at": "2026-11-23T10:00:00Z",
      "address": {"city": "Oslo"}, "currency": "NOK", "extra": [1]})], {"collection_schemas": SCHEMAS})
V("record_event/other_collection", "a collection without a schema takes anything",
  [call("record_event", collection="visit", event={"profileId": "p", "totalprice": "free"})],
  {"collection_schemas": SCHEMAS})
V("record_event/empty_with_identity", "only an identity: properties is an empty object",
  [call("record_event", collection="ping", event={"userId": "u"})])
for i, (coll, ev, msg) in enumerate([
        ("", {"profileId": "p1"}, "collection: must be a non-empty string"),
        (None, {"profileId": "p1"}, "collection: must be a non-empty string"),
        ("purchase", [1], "event: must be a JSON object"),
        ("purchase", {"totalprice": 35}, NO_IDENTITY),
        ("purchase", {"profileId": "p1", "totalprice": "35"}, "event.totalprice: must be of type number (collection purchase)"),
        ("purchase", {"profileId": "p1", "ispaid": 1}, "event.ispaid: must be of type boolean (collection purchase)"),
        ("purchase", {"profileId": "p1", "items": {}}, "event.items: must be of type array (collection purchase)"),
        ("purchase", {"profileId": "p1", "ordered_at": "soon"}, "event.ordered_at: must be of type timestamp (collection purchase)"),
        ("purchase", {"profileId": "p1", "address": "Oslo"}, "event.address: must be of type object (collection purchase)"),
        ("purchase", {"profileId": "p1", "currency": 578}, "event.currency: must be of type string (collection purchase)"),
        ("purchase", {"profileId": "p1", "timestamp": "nope"}, ISO_RULE),
        ("purchase", {"profileId": "p1", "eventId": ""}, "eventId: must be a non-empty string"),
        ("purchase", {"profileId": ""}, "profileId: must be a non-empty string"),
        ("visit", {"userId": 1}, "userId: must be a non-empty string"),
        ("c" * 1025, {"userId": "u"}, "eventName: must be at most 1024 bytes"),
]):
    bad_alone("record_event/bad_%02d" % i, "refused: " + msg,
              call("record_event", msg, collection=coll, event=ev), {"collection_schemas": SCHEMAS})

# ---------------------------------------------------------------- profile
V("profile/seed", "profile with identifiers and attributes (traits)",
  [call("profile", attributes={"profileId": "p1", "user_identifier": "john@example.com",
                               "account_identifier": "acme", "plan": "pro", "seats": 5})])
V("profile/nulls_dropped", "null attributes are absent",
  [call("profile", attributes={"profileId": "p1", "user_identifier": None, "plan": None, "tier": "gold"})])
V("profile/lifted", "envelope keys among the attributes go to the top",
  [call("profile", attributes={"profileId": "p1", "userId": "u1", "eventId": "prof-1",
                               "timestamp": "2026-01-02T03:04:05.006Z", "nested": {"a": [1, {"b": None}]}})])
V("profile/only_id", "a profileId alone: empty traits", [call("profile", attributes={"profileId": "p1"})])
bad_alone("profile/no_identity", "user_identifier is a trait, not an identity",
          call("profile", NO_IDENTITY, attributes={"user_identifier": "john@example.com"}))
bad_alone("profile/not_object", "attributes must be an object",
          call("profile", "profile: must be a JSON object", attributes="p1"),
          skip={"python": "profile() takes keyword arguments: a string cannot be passed"})
bad_alone("profile/bad_user_id", "a lifted userId must be a non-empty string",
          call("profile", "userId: must be a non-empty string", attributes={"profileId": "p", "userId": ""}))
bad_alone("profile/bad_timestamp", "a lifted timestamp must be ISO-8601",
          call("profile", ISO_RULE, attributes={"profileId": "p", "timestamp": "later"}))

# ---------------------------------------------------------------- consents
GDPR = {"regulation": "GDPR", "purpose": "advertising", "consented": True}
CCPA = {"regulation": "CCPA", "purpose": "analytics", "consented": False}
V("consents/profile", "GDPR and CCPA consents of a profile",
  [call("track_consents", consents=[GDPR, CCPA], subject={"profileId": "p1"})])
V("consents/user", "consents of a userId", [call("track_consents", consents=[GDPR], subject={"userId": "u1"})])
V("consents/extra_keys", "extra keys in a consent are kept",
  [call("track_consents", consents=[dict(GDPR, source="banner", version=3)], subject={"profileId": "p1"})])
for i, (cons, subj, msg) in enumerate([
        ([{"regulation": "HIPAA", "purpose": "x", "consented": True}], {"profileId": "p1"}, "consents[0].regulation: must be GDPR or CCPA"),
        ([{"regulation": "gdpr", "purpose": "x", "consented": True}], {"profileId": "p1"}, "consents[0].regulation: must be GDPR or CCPA"),
        ([{"purpose": "x", "consented": True}], {"profileId": "p1"}, "consents[0].regulation: must be GDPR or CCPA"),
        ([{"regulation": "GDPR", "purpose": "", "consented": True}], {"profileId": "p1"}, "consents[0].purpose: must be a non-empty string"),
        ([{"regulation": "GDPR", "consented": True}], {"profileId": "p1"}, "consents[0].purpose: must be a non-empty string"),
        ([GDPR, {"regulation": "CCPA", "purpose": "b", "consented": "yes"}], {"profileId": "p1"}, "consents[1].consented: must be a boolean"),
        ([{"regulation": "CCPA", "purpose": "b", "consented": 1}], {"profileId": "p1"}, "consents[0].consented: must be a boolean"),
        ([], {"profileId": "p1"}, "consents: must be a non-empty array of {regulation, purpose, consented}"),
        ({"regulation": "GDPR"}, {"profileId": "p1"}, "consents: must be a JSON array"),
        (["GDPR"], {"profileId": "p1"}, "consents[0]: must be an object"),
        ([GDPR], None, NO_IDENTITY),
        ([GDPR], {"profileId": ""}, "profileId: must be a non-empty string"),
]):
    bad_alone("consents/bad_%02d" % i, "refused: " + msg, call("track_consents", msg, consents=cons, subject=subj))

# ---------------------------------------------------------------- identify, group, page
V("identify/traits", "identify(userId, traits)",
  [call("identify", user_id="user_123", traits={"email": "john@example.com", "plan": "enterprise"})])
V("identify/no_traits", "identify without traits: traits is sent as {}", [call("identify", user_id="user_123")])
V("identify/empty_traits", "identify with {} traits", [call("identify", user_id="user_123", traits={})])
for i, (uid, traits, msg) in enumerate([
        (None, {}, "userId: must be a non-empty string"), ("", {}, "userId: must be a non-empty string"),
        ("u1", [1], "traits: must be a JSON object"), ("u1", "x", "traits: must be a JSON object"),
        ("u" * 1025, None, "userId: must be at most 1024 bytes"),
]):
    bad_alone("identify/bad_%02d" % i, "refused: " + msg, call("identify", msg, user_id=uid, traits=traits))
V("group/traits", "group(userId, groupId, traits)",
  [call("group", user_id="user_123", group_id="company_456", traits={"name": "Acme Corp", "employees": 500})])
V("group/no_traits", "group without traits", [call("group", user_id="u", group_id="g")])
for i, (uid, gid, traits, msg) in enumerate([
        ("user_123", None, None, "groupId: must be a non-empty string"),
        ("user_123", "", None, "groupId: must be a non-empty string"),
        (None, "g", None, "userId: must be a non-empty string"),
        ("u", "g", [1], "traits: must be a JSON object"),
        ("u", "g" * 1025, None, "groupId: must be at most 1024 bytes"),
]):
    bad_alone("group/bad_%02d" % i, "refused: " + msg, call("group", msg, user_id=uid, group_id=gid, traits=traits))
V("page/full", "page(userId, name, properties)",
  [call("page", user_id="user_123", name="Landing Page", properties={"url": "https://example.com"})])
V("page/bare", "page with only a userId", [call("page", user_id="user_123")])
V("page/properties_only", "page without a name", [call("page", user_id="u", properties={"path": "/a"})])
for i, (uid, name, props, msg) in enumerate([
        ("user_123", "", None, "name: must be a non-empty string"),
        ("user_123", "Home", 7, "properties: must be a JSON object"),
        ("", "Home", None, "userId: must be a non-empty string"),
        (None, None, None, "userId: must be a non-empty string"),
]):
    bad_alone("page/bad_%02d" % i, "refused: " + msg, call("page", msg, user_id=uid, name=name, properties=props))

# ---------------------------------------------------------------- product
V("product/id_and_data", "productId and data, no identity",
  [call("product", product={"productId": "123", "data": {"name": "Wine", "amount": 150, "quantity": 4}})])
V("product/id_only", "productId alone", [call("product", product={"productId": "9"})])
V("product/catalog", "a catalog product: productId = id, the product in data",
  [call("product", product=dict(CATALOG, price=49.5, brand="Acme", category="Apparel", tags=["a", "b"],
                                availability="in stock", rating=4.5))])
V("product/catalog_minimal", "the five required fields only", [call("product", product=CATALOG)])
V("product/catalog_envelope", "eventId and timestamp of a catalog product belong to the event; its other "
  "fields, one named type included, are product data (never dropped)",
  [call("product", product=dict(CATALOG, eventId="prod-evt", timestamp="2026-11-22T08:00:00Z", type="product"))])
for i, (prod, msg) in enumerate([
        ({k: v for k, v in CATALOG.items() if k != "image_link"}, "product.image_link: is required (a non-empty string) in a catalog product"),
        (dict(CATALOG, title=""), "product.title: is required (a non-empty string) in a catalog product"),
        (dict(CATALOG, id=5), "product.id: is required (a non-empty string) in a catalog product"),
        ({}, "product.id: is required (a non-empty string) in a catalog product"),
        ({"productId": 5}, "productId: must be a non-empty string"),
        ({"productId": ""}, "productId: must be a non-empty string"),
        ({"productId": None}, "productId: must be a non-empty string"),
        ({"productId": "1", "data": "x"}, "data: must be an object"),
        ({"productId": "p" * 1025}, "productId: must be at most 1024 bytes"),
]):
    bad_alone("product/bad_%02d" % i, "refused: " + msg, call("product", msg, product=prod))
bad_alone("product/unknown_argument", "design.md: an argument a call does not take is an error (a typo must not "
          "silently drop data); {productId, data} takes no other keys",
          call("product", "name: is not an argument of product", product={"productId": "1", "name": "Wine"}))

# ---------------------------------------------------------------- catalog feeds
FEED_JSON = ('{"products":[{"product":{"id":"SKU1","title":"Hoodie","description":"Soft","url":"https://s.example/h",'
             '"image_link":"https://s.example/h.jpg","price":49.5}},{"product":{"id":"SKU2","title":"Cap",'
             '"description":"Red","url":"https://s.example/c","image_link":"https://s.example/c.jpg"}}]}')
FEED_XML = ("<catalog><products><product><id>SKU12345</id><title>Cotton Hoodie</title>"
            "<description>Soft-touch premium cotton hoodie.</description><url>https://yourstore.com/products/hoodie</url>"
            "<image_link>https://yourstore.com/products/hoodie.jpg</image_link><tags>a</tags><tags>b</tags></product>"
            "</products></catalog>")
V("feed/json", "a JSON catalog feed, product by product", [call("ingest_feed", feed=FEED_JSON)])
V("feed/xml", "an XML catalog feed; a repeated field becomes an array", [call("ingest_feed", feed=FEED_XML)])
V("feed/xml_entities_whitespace", "XML entities decoded, values trimmed, several products",
  [call("ingest_feed", feed='<?xml version="1.0" encoding="UTF-8"?>\n<catalog>\n <products>\n  <product>\n'
        '   <id> P1 </id>\n   <title>Tom &amp; Jerry &lt;3</title>\n   <description>\n  Caf\u00e9 cr\u00e8me \n'
        '   </description>\n   <url>https://x/p1?a=1&amp;b=2</url>\n   <image_link>https://x/p1.jpg</image_link>\n'
        '   <price>12.50</price>\n  </product>\n  <product><id>P2</id><title>T</title><description>D</description>'
        '<url>U</url><image_link>I</image_link><tags>x</tags><tags>y</tags><tags>z</tags></product>\n </products>\n</catalog>\n')])
V("feed/json_array", "a bare JSON array of products",
  [call("ingest_feed", feed='[{"product":{"id":"A","title":"t","description":"d","url":"u","image_link":"i"}}]')])
V("feed/json_unwrapped", "entries without the product wrapper are products themselves",
  [call("ingest_feed", feed='{"products":[{"id":"A","title":"t","description":"d","url":"u","image_link":"i","eventId":"feed-1"}]}')])
V("feed/json_empty", "an empty feed queues nothing", [call("ingest_feed", feed='{"products":[]}')])
V("feed/leading_whitespace", "white space before the feed text",
  [call("ingest_feed", feed='\n  {"products":[{"product":{"id":"A","title":"t","description":"d","url":"u","image_link":"i"}}]}')])
for i, (feed, msg) in enumerate([
        ("<catalog><products><product><id>SKU1</id><description>d</description><url>u</url>"
         "<image_link>i</image_link></product></products></catalog>",
         "products[0].product.title: is required (a non-empty string) in a catalog product"),
        ('{"products":[{"product":{"id":"A","title":"t","description":"d","url":"u","image_link":"i"}},'
         '{"product":{"id":"B","title":"t","description":"d","url":"u"}}]}',
         "products[1].product.image_link: is required (a non-empty string) in a catalog product"),
        ("/nonexistent/feed.xml", "feed: cannot open /nonexistent/feed.xml: No such file or directory"),
        ("<catalog><products>", "feed: not valid XML (line 1: no element found)"),
        ('{"items":[]}', 'feed.products: must be an array of {"product": {...}}'),
        ("", "feed: must be a feed's text or a file path"),
]):
    bad_alone("feed/bad_%02d" % i, "refused, nothing queued: " + msg, call("ingest_feed", msg, feed=feed))

# ---------------------------------------------------------------- batch
V("batch/seed", "a batch of track, identify, record, product",
  [call("batch", messages=[
      {"type": "track", "userId": "user-123", "event": "feature_used", "properties": {"feature": "export"}},
      {"type": "identify", "userId": "user-123", "traits": {"plan": "pro"}},
      {"type": "record", "collection": "purchase", "properties": {"profileId": "p", "totalprice": 3}},
      {"type": "product", "productId": "9"}])])
V("batch/every_type", "one message of each of the eight types",
  [call("batch", messages=[
      {"type": "track", "event": "t", "anonymousId": "a"},
      {"type": "identify", "userId": "u", "traits": {"x": 1}},
      {"type": "group", "userId": "u", "groupId": "g", "traits": {"n": "G"}},
      {"type": "page", "userId": "u", "name": "Home", "properties": {"path": "/"}},
      {"type": "record", "collection": "c", "properties": {"profileId": "p", "v": 1}},
      {"type": "profile", "profileId": "p", "plan": "pro"},
      {"type": "consent", "profileId": "p", "consents": [GDPR]},
      dict(CATALOG, type="product")])])
V("batch/empty", "an empty batch queues nothing", [call("batch", messages=[])])
V("batch/envelope", "eventId and timestamp in batch messages",
  [call("batch", messages=[{"type": "track", "event": "a", "userId": "u", "eventId": "b-1", "timestamp": 0},
                           {"type": "identify", "userId": "u", "eventId": "b-2", "sessionId": "s"}])])
V("batch/record_top_level_identity", "a batch record message's own userId is lifted like every other envelope key",
  [call("batch", messages=[{"type": "record", "collection": "c", "userId": "u1", "properties": {"x": 1}}])])
for i, (msgs, msg) in enumerate([
        ([{"type": "track", "userId": "u", "event": "ok"}, {"type": "track", "userId": "u"}], "batch[1].event: must be a non-empty string"),
        ([{"type": "teleport", "userId": "u"}], "batch[0]." + TYPE_RULE),
        ([{"userId": "u", "event": "x"}], "batch[0]." + TYPE_RULE),
        ([5], "batch[0]." + TYPE_RULE),
        ({}, "batch: must be a JSON array"),
        ([{"type": "record", "collection": "c", "properties": 7}], "batch[0].properties: must be an object"),
        ([{"type": "record", "collection": "purchase", "properties": {"userId": "u", "totalprice": "1"}}], "batch[0].properties.totalprice: must be of type number (collection purchase)"),
        ([{"type": "group", "userId": "u"}], "batch[0].groupId: must be a non-empty string"),
        ([{"type": "consent", "profileId": "p", "consents": []}], "batch[0].consents: must be a non-empty array of {regulation, purpose, consented}"),
        ([{"type": "product", "id": "x"}], "batch[0].product.title: is required (a non-empty string) in a catalog product"),
        ([{"type": "identify", "userId": "u", "traits": [1]}], "batch[0].traits: must be an object"),
        ([{"type": "page", "userId": "u", "title": "x"}], "batch[0].title: is not an argument of page"),
        ([{"type": "track", "event": "e", "userId": "u"}, {"type": "profile", "user_identifier": "x"}], "batch[1]." + NO_IDENTITY),
        ([{"type": "track", "event": "e", "userId": "u", "timestamp": "x"}], "batch[0]." + ISO_RULE),
]):
    bad_alone("batch/bad_%02d" % i, "all or nothing: " + msg, call("batch", msg, messages=msgs),
              {"collection_schemas": SCHEMAS})

# ---------------------------------------------------------------- unicode and escaping
for i, (text, what) in enumerate([
        ("caf\u00e9", "two-byte UTF-8"), ("\u65e5\u672c\u8a9e", "CJK"), ("\U0001F600 \U0001F44D\U0001F3FD", "4-byte emoji, modifier"),
        ("\u05e9\u05dc\u05d5\u05dd", "right-to-left"), ("e\u0301", "combining accent"), ("\u2028\u2029", "line/paragraph separators raw"),
        ("\ufeffbom", "byte-order mark"), ('say "hi"', "quotes escaped"), ("back\\slash", "backslash escaped"),
        ("a/b", "slash not escaped"), ("l1\nl2\r\n\t", "newline, return, tab"), ("\b\f", "backspace, form feed"),
        ("\u0001\u001f", "control characters as \\u00XX"), ("\u007f", "DEL raw"), ("\u200d", "zero-width joiner"),
        ("<script>&amp;</script>", "HTML characters untouched"),
]):
    V("unicode/value_%02d" % i, "a property value: " + what,
      [track({"event": "e", "userId": "u", "properties": {"text": text}})])
V("unicode/keys", "non-ASCII and escaped characters in keys",
  [track({"event": "e", "userId": "u", "properties": {"cl\u00e9": 1, "\u6570": 2, 'q"k': 3, "n\nk": 4}})])
V("unicode/names_and_ids", "non-ASCII event name, userId and collection",
  [track({"event": "k\u00f8b", "userId": "\u7528\u6237"}),
   call("record_event", collection="\u8d2d\u4e70", event={"profileId": "\u00e5\u00e6\u00f8"})])
V("unicode/traits_profile", "unicode in traits, group and page",
  [call("identify", user_id="u", traits={"name": "Zo\u00eb \U0001F308"}),
   call("group", user_id="u", group_id="gr\u00fcn", traits={"x": "\u00df"}),
   call("page", user_id="u", name="S\u00f8k", properties={"q": "\u00e6\u00f8\u00e5"})])

# ---------------------------------------------------------------- numbers
for i, (num, what) in enumerate([
        (0.30000000000000004, "0.1+0.2 survives"), (2 ** 53, "2^53 as an integer"), (2 ** 53 + 1, "2^53+1 becomes 2^53 (a double)"),
        (-(2 ** 53), "-2^53"), (1e300, "1e300"), (-1e-300, "tiny negative"), (5e-324, "smallest subnormal"),
        (1.7976931348623157e308, "largest double"), (0, "zero"), (-0.0, "negative zero prints 0"), (0.1, "0.1"),
        (100, "integer"), (-42, "negative integer"), (1.5, "1.5"), (1e21, "1e21 beyond 2^53"),
        (123456789012345678901, "big integer beyond 2^53"), (2 ** 64, "2^64"), (3.141592653589793, "pi"),
        (1 / 3, "one third"), (1e-7, "1e-7"), (123.456, "123.456"), (9007199254740993.0, "2^53+1 as float"),
        (-1.5e-10, "negative exponent"), (4.35, "4.35 (not exactly representable)"),
]):
    V("numbers/n_%02d" % i, "number %r: %s" % (num, what),
      [track({"event": "e", "userId": "u", "properties": {"n": num, "arr": [num, -1, 2.5]}})])
V("numbers/mixed", "numbers in traits, data and nested arrays",
  [call("identify", user_id="u", traits={"age": 41, "score": 99.5, "ratio": 0.30000000000000004}),
   call("product", product={"productId": "p", "data": {"price": 19.99, "stock": 0, "dims": [1e-3, 2e3, -0.5]}})])

# ---------------------------------------------------------------- nested objects
V("nested/objects", "nested objects and arrays keep shape and order",
  [track({"event": "order", "userId": "u", "properties": {
      "order": {"id": "o1", "lines": [{"sku": "a", "qty": 1, "opts": {"size": "M", "tags": []}},
                                      {"sku": "b", "qty": 2, "opts": {}}]},
      "empty_obj": {}, "empty_arr": [], "matrix": [[1, 2], [3, [4, [5]]]], "flags": [True, False, None]}})])
nest: Any = {"leaf": "x"}
for i in range(20):
    nest = {"l%d" % i: nest}
V("nested/twenty_levels", "twenty nested objects", [track({"event": "e", "userId": "u", "properties": nest})])
V("nested/record_and_profile", "nested values in recordEvent fields and profile traits",
  [call("record_event", collection="cart", event={"userId": "u", "cart": {"items": [{"id": 1, "meta": {"a": [None]}}]}}),
   call("profile", attributes={"profileId": "p", "prefs": {"email": {"weekly": True}, "langs": ["en", "nb"]}})])

# ---------------------------------------------------------------- limits
bad_alone("limits/too_large", "an event over max_event_bytes is refused with TOO_LARGE",
          track({"event": "e", "userId": "u", "properties": {"blob": "0" * 1000}},
                "event: serialises to {size} bytes, over max_event_bytes (1024)", "TOO_LARGE"),
          {"max_event_bytes": 1024})
V("limits/under_limit", "an event just under max_event_bytes is accepted",
  [track({"event": "e", "userId": "u", "properties": {"blob": "0" * 700}})], {"max_event_bytes": 1024})
bad_alone("limits/too_large_in_batch", "TOO_LARGE names the batch message",
          call("batch", "batch[1].event: serialises to {size} bytes, over max_event_bytes (512)", "TOO_LARGE",
               messages=[{"type": "track", "event": "e", "userId": "u"},
                         {"type": "track", "event": "e", "userId": "u", "properties": {"b": "x" * 600}}]),
          {"max_event_bytes": 512})
bad_alone("limits/too_large_unicode", "the limit counts UTF-8 bytes",
          track({"event": "e", "userId": "u", "properties": {"blob": "\u20ac" * 300}},
                "event: serialises to {size} bytes, over max_event_bytes (512)", "TOO_LARGE"),
          {"max_event_bytes": 512})

# ---------------------------------------------------------------- ids
for seed in (0, 1, 42, 1000000000):
    V("ids/seed_%d" % seed, "test_id_seed %d: the anonymous id (n=0) and event ids (n=1..)" % seed,
      [{"op": "anonymous_id"}, track({"event": "e", "anonymousId": "a"}), track({"event": "f", "anonymousId": "a"}),
       {"op": "anonymous_id"}], {"test_id_seed": seed})
V("ids/batch_ids", "a batch draws one id per message without an eventId, in order",
  [call("batch", messages=[{"type": "track", "event": "a", "userId": "u"},
                           {"type": "track", "event": "b", "userId": "u", "eventId": "given"},
                           {"type": "track", "event": "c", "userId": "u"}])])

# ---------------------------------------------------------------- batching
def n_tracks(n: int, start: int = 0) -> List[Dict[str, Any]]:
    return [track({"event": "e%d" % (start + i), "userId": "u"}) for i in range(n)]


def wait(n: int) -> Dict[str, Any]:
    return {"op": "wait_requests", "count": n}


V("batching/flush_at_reached", "flush_at=3: the third event sends a batch without flush",
  n_tracks(3) + [wait(1)] + n_tracks(2, 3) + [FLUSH], {"flush_at": 3})
V("batching/flush_at_one", "flush_at=1: every event its own request",
  [track({"event": "a", "userId": "u"}), wait(1), track({"event": "b", "userId": "u"}), wait(2)], {"flush_at": 1})
V("batching/flush_at_by_batch", "a batch call of 5 with flush_at=2 sends all five in one request",
  [call("batch", messages=[{"type": "track", "event": "b%d" % i, "userId": "u"} for i in range(5)]), wait(1)],
  {"flush_at": 2})
V("batching/max_batch_events", "max_batch_events=2: five events make three requests",
  n_tracks(5) + [FLUSH], {"max_batch_events": 2})
V("batching/max_batch_events_one", "max_batch_events=1", n_tracks(3) + [FLUSH], {"max_batch_events": 1})
V("batching/max_batch_events_exact", "max_batch_events equal to the count: one request",
  n_tracks(4) + [FLUSH], {"max_batch_events": 4})
V("batching/max_batch_bytes_split", "max_batch_bytes=1024: 300-byte events split by bytes on flush",
  [track({"event": "e%d" % i, "userId": "u", "properties": {"pad": "p" * 100}}) for i in range(3)] + [FLUSH],
  {"max_batch_bytes": 1024, "max_event_bytes": 512})
V("batching/max_batch_bytes_reached", "reaching max_batch_bytes sends without flush",
  [track({"event": "e%d" % i, "userId": "u", "properties": {"pad": "p" * 200}}) for i in range(3)] + [wait(1)] +
  [track({"event": "last", "userId": "u"}), FLUSH], {"max_batch_bytes": 1024, "max_event_bytes": 512})
V("batching/flush_twice", "two flushes, two requests",
  [track({"event": "a", "userId": "u"}), FLUSH, track({"event": "b", "userId": "u"}), FLUSH])
V("batching/empty_flush", "a flush with nothing queued sends nothing", [FLUSH, FLUSH])
V("batching/close_flushes", "close delivers what waits", [track({"event": "a", "userId": "u"}), {"op": "close"}])
V("batching/closed_refuses", "after close every operation fails with CLOSED",
  [{"op": "close"},
   track({"event": "a", "userId": "u"}, "track: the client is closed", "CLOSED"),
   call("identify", "identify: the client is closed", "CLOSED", user_id="u"),
   call("record_event", "record_event: the client is closed", "CLOSED", collection="c", event={"userId": "u"}),
   call("batch", "batch: the client is closed", "CLOSED", messages=[]),
   call("flush", "flush: the client is closed", "CLOSED"),
   {"op": "close"}])

# ---------------------------------------------------------------- gzip, auth, headers, signing
ONE = [track({"event": "purchase", "userId": "u1", "properties": {"total": 9.5, "note": "caf\u00e9"}})]
V("gzip/on", "gzip: the body is compressed, Content-Encoding: gzip", ONE, {"gzip": True})
V("gzip/off", "gzip false: no Content-Encoding", ONE, {"gzip": False})
V("gzip/several_requests", "gzip with several requests", n_tracks(3) + [FLUSH], {"gzip": True, "max_batch_events": 2})
V("gzip/signed", "the signature covers the body before compression", ONE, {"gzip": True, "secret": "s3cr3t"})
V("auth/api_key", "api_key: X-API-Key", ONE, {"api_key": "key-123"})
V("auth/access_token", "access_token: Authorization: Bearer", ONE, {"api_key": None, "access_token": "tok.en-1"})
V("auth/basic", "username/password: Authorization: Basic", ONE, {"api_key": None, "username": "ada", "password": "p@ss:w0rd"})
V("auth/none", "no credentials: no auth header", ONE, {"api_key": None})
V("auth/key_and_token", "api_key and access_token together", ONE, {"api_key": "k", "access_token": "t"})
V("auth/basic_and_key", "api_key with basic auth", ONE, {"api_key": "k", "username": "u", "password": "p"})
V("headers/custom", "custom headers are sent as given", ONE, {"headers": {"X-Tenant": "acme", "X-Trace-Id": "abc-123"}})
V("headers/custom_with_auth", "custom headers beside the auth header", ONE,
  {"headers": {"X-Source": "conformance"}, "access_token": "t", "api_key": None})
V("signing/basic", "secret: X-Spoor-Timestamp and X-Spoor-Signature", ONE, {"secret": "s3cr3t"})
V("signing/unicode_secret_and_body", "a non-ASCII secret and body", ONE + [call("identify", user_id="\u00e5", traits={"\u00f8": "\u00e6"})],
  {"secret": "n\u00f8kkel"})
V("signing/other_time", "the signature timestamp is the fixed clock's seconds",
  ONE, {"secret": "k", "test_fixed_time": "2030-01-01T00:00:59.999Z"})
V("signing/several_requests", "each request signed on its own body", n_tracks(3) + [FLUSH],
  {"secret": "abc", "max_batch_events": 2})
V("signing/everything", "gzip, secret, api key and custom headers together", ONE + n_tracks(2),
  {"secret": "all", "gzip": True, "headers": {"X-Env": "test"}})
V("config/fixed_time_offset", "test_fixed_time with an offset: sentAt and timestamps in UTC",
  ONE, {"test_fixed_time": "2026-06-01T12:00:00+02:00"})


# ---------------------------------------------------------------- more rules
bad_alone("record_event/null_product_id", "a null productId counts as absent: the identity is required again",
          call("record_event", NO_IDENTITY, collection="catalog", event={"productId": None, "name": "Wine"}))
bad_alone("record_event/product_rule_bad_user_id", "the product rule waives the need for an identity, not the "
          "rule that identity values are non-empty strings",
          call("record_event", "userId: must be a non-empty string", collection="catalog",
               event={"productId": "1", "userId": 5}))
bad_alone("product/bad_user_id", "a catalog product's lifted userId must be a non-empty string",
          call("product", "userId: must be a non-empty string", product=dict(CATALOG, userId=5)))
V("product/with_identity", "a product may carry an identity", [call("product", product=dict(CATALOG, userId="u1"))])
bad_alone("batch/record_unknown_argument", "a record message takes collection, properties and envelope keys",
          call("batch", "batch[0].foo: is not an argument of record",
               messages=[{"type": "record", "collection": "c", "foo": 1, "properties": {"userId": "u"}}]))
V("timestamp/ok_nanos_offset", "nanoseconds cut to milliseconds with an offset",
  [track({"event": "e", "userId": "u", "timestamp": "2026-11-23T10:00:00.123456789+05:30"})])
V("timestamp/ok_epoch_float", "epoch milliseconds written as an integral float",
  [track({"event": "e", "userId": "u", "timestamp": 1795428000000.0})])
V("batching/max_queue_size", "max_queue_size=2: the oldest events are dropped, the newest two sent",
  n_tracks(4) + [FLUSH], {"max_queue_size": 2})
V("batching/max_queue_size_batch", "a batch larger than max_queue_size keeps its last messages",
  [call("batch", messages=[{"type": "track", "event": "b%d" % i, "userId": "u"} for i in range(5)]), FLUSH],
  {"max_queue_size": 3})

for i, ts in enumerate(["0001-01-01T00:00:00Z", "2000-02-29T00:00:00Z", "0999-12-31T23:59:59.5Z",
                        "2026-11-23T10:00:00-00:00"]):
    V("timestamp/ok_year_%02d" % i, "timestamp %r: years and offsets at the edges" % ts,
      [track({"event": "e", "userId": "u", "timestamp": ts})])
bad_alone("timestamp/bad_1900_leap", "1900 is not a leap year",
          track({"event": "e", "userId": "u", "timestamp": "1900-02-29"}, ISO_RULE))
bad_alone("track/type_argument", "track takes no type (only batch messages have one)",
          track({"type": "track", "event": "e", "userId": "u"}, "type: is not an argument of track"))
V("record_event/epoch_timestamp", "an epoch-ms timestamp among the fields is lifted and normalised",
  [call("record_event", collection="purchase", event={"profileId": "p", "timestamp": 1795428000000, "total": 1})])
V("feed/json_product_id_form", "a feed entry in the {productId, data} form",
  [call("ingest_feed", feed='[{"product":{"productId":"x","data":{"price":0.30000000000000004}}}]')])
V("feed/xml_nested_catalog", "products found at any depth; CDATA is text",
  [call("ingest_feed", feed="<feed><shop><catalog><products><product><id>N1</id><title><![CDATA[A <b>bold</b> one]]>"
                            "</title><description>d</description><url>u</url><image_link>i</image_link></product>"
                            "</products></catalog></shop></feed>")])
bad_alone("feed/bad_entry_not_object", "a feed entry that is not an object is named as the product",
          call("ingest_feed", "products[0].product: must be an object", feed='{"products":[5]}'))
V("batching/auto_then_split", "flush_at=3 and max_batch_events=2: a batch of 3 sends 2 by itself, flush the last",
  [call("batch", messages=[{"type": "track", "event": "b%d" % i, "userId": "u"} for i in range(3)]), wait(1), FLUSH],
  {"flush_at": 3, "max_batch_events": 2})
V("batching/many", "200 events in one batch call, max_batch_events=64: four requests in order",
  [call("batch", messages=[{"type": "track", "event": "m%d" % i, "userId": "u%d" % (i % 7),
                            "properties": {"i": i, "x": i / 8}} for i in range(200)]), FLUSH],
  {"max_batch_events": 64})
V("gzip/max_batch_bytes", "gzip with a byte-limited batch: limits apply before compression",
  [track({"event": "e%d" % i, "userId": "u", "properties": {"pad": "p" * 100}}) for i in range(3)] + [FLUSH],
  {"gzip": True, "max_batch_bytes": 1024, "max_event_bytes": 512})
V("ids/anonymous_id_after_close", "the anonymous id stays readable and the same after close",
  [{"op": "anonymous_id"}, {"op": "close"}, {"op": "anonymous_id"}])
V("consents/in_batch_with_user", "a consent batch message with a userId subject",
  [call("batch", messages=[{"type": "consent", "userId": "u", "consents": [GDPR, CCPA]},
                           {"type": "page", "userId": "u", "name": None}])])
V("profile/account_only", "profile identified by userId with an account_identifier",
  [call("profile", attributes={"account_identifier": "acme", "userId": "u", "seats": 3})])

bad_alone("track/not_object", "track's options must be an object",
          track([1, 2], "track: must be a JSON object"),
          skip={"python": "track() takes the event name or an options dict: a list becomes the event name"})
bad_alone("record_event/event_is_string", "recordEvent's event must be an object",
          call("record_event", "event: must be a JSON object", collection="c", event="x"))
bad_alone("product/not_object", "a product must be an object",
          call("product", "product: must be a JSON object", product=["id"]))

# ---------------------------------------------------------------- null optional arguments
V("identify/null_traits", "null traits count as absent (docs/design.md: JS null, Python None)",
  [call("identify", user_id="u", traits=None)])
V("group/null_traits", "null traits count as absent", [call("group", user_id="u", group_id="g", traits=None)])
V("page/null_name_and_properties", "null name and properties count as absent",
  [call("page", user_id="u", name=None, properties=None)])
V("consents/null_subject_keys", "a subject whose ids are null has no identity",
  [call("track_consents", NO_IDENTITY, consents=[GDPR], subject={"profileId": None, "userId": None})])

# ---------------------------------------------------------------- alias and screen (wire v1)
V("alias/basic", "alias(previousId, userId): previousId after the payloads, no eventName",
  [call("alias", previous_id="anon_abc123", user_id="user_123")])
V("screen/full", "screen(userId, name, properties): like page, type screen",
  [call("screen", user_id="user_123", name="Settings", properties={"tab": "privacy"})])
V("screen/bare", "screen with only a userId: properties {}", [call("screen", user_id="u")])
V("batch/alias_and_screen", "alias and screen messages in a batch, with envelope keys",
  [call("batch", messages=[{"type": "alias", "previousId": "a1", "userId": "u1", "eventId": "al-1"},
                           {"type": "screen", "anonymousId": "a1", "name": "Home", "timestamp": 0}])])
for i, (c, msg) in enumerate([
        (call("alias", user_id="u1"), "previousId: must be a non-empty string"),
        (call("alias", previous_id="", user_id="u1"), "previousId: must be a non-empty string"),
        (call("alias", previous_id="a1"), "userId: must be a non-empty string"),
        (call("screen", name="Home"), "userId: must be a non-empty string"),
        (call("screen", user_id="u", name=""), "name: must be a non-empty string"),
        (call("screen", user_id="u", properties=[1]), "properties: must be a JSON object"),
        (call("batch", messages=[{"type": "alias", "previousId": "a", "anonymousId": "b"}]),
         "batch[0].userId: is required for alias events"),
        (call("batch", messages=[{"type": "alias", "userId": "u", "previousId": "p" * 1025}]),
         "batch[0].previousId: must be at most 1024 bytes"),
        (call("batch", messages=[{"type": "screen", "userId": "u", "event": "e"}]),
         "batch[0].event: is not an argument of screen"),
]):
    c["expect_error"] = err(msg)
    bad_alone("%s/bad_%02d" % ("alias" if c["op"] == "alias" or "alias" in str(c.get("messages")) else "screen", i),
              "refused: " + msg, c)

# ---------------------------------------------------------------- protocol=segment
# Segment's HTTP Tracking API: each message as Segment's spec has it, spoor's own
# operations mapped onto it (docs/protocol.md, "Segment's format").
SEGMENT = {"protocol": "segment"}
NO_SEGMENT_IDENTITY = "userId: one of userId or anonymousId is required"
NO_PRODUCTS = ("catalog products have no message in Segment's format (it records what users do, each message with "
               "a userId or anonymousId); send them with protocol=spoor")


def S(name: str, description: str, calls: List[Dict[str, Any]], config: Optional[Dict[str, Any]] = None,
      **extra: Any) -> None:
    V("segment/" + name, description, calls, dict(SEGMENT, **(config or {})), **extra)


S("track", "track: type, messageId, timestamp, userId, event, properties, context.library; the api key as Basic",
  [track({"event": "purchase", "userId": "u1", "properties": {"revenue": 99.99, "currency": "USD"}})])
S("track_defaults", "properties are always there ({} when none); anonymousId alone is an identity",
  [track({"event": "signup", "anonymousId": "anon_1"})])
S("track_segment_arguments", "Segment's own arguments: messageId (the id), context (the library added), "
  "integrations; a +02:00 timestamp made UTC",
  [track({"event": "e", "userId": "u1", "messageId": "msg-1", "timestamp": "2026-11-23T12:00:00+02:00",
          "context": {"ip": "203.0.113.9", "locale": "nb-NO"}, "integrations": {"All": False, "Mixpanel": True}})])
S("identify", "identify(userId, traits)",
  [call("identify", user_id="user_123", traits={"email": "john@example.com", "plan": "enterprise"}),
   call("identify", user_id="user_123")])
S("group", "group(userId, groupId, traits): groupId before traits",
  [call("group", user_id="user_123", group_id="company_456", traits={"name": "Acme Corp", "employees": 500}),
   call("group", user_id="u", group_id="g")])
S("page", "page(userId, name, properties); a page without a name has none",
  [call("page", user_id="user_123", name="Landing Page", properties={"url": "https://example.com"}),
   call("page", user_id="u")])
S("screen", "screen(userId, name, properties)",
  [call("screen", user_id="user_123", name="Settings", properties={"tab": "privacy"}), call("screen", user_id="u")])
S("alias", "alias(previousId, userId): no properties or traits",
  [call("alias", previous_id="anon_abc123", user_id="user_123")])
S("record_event", "recordEvent: a track named after the collection, the fields less the envelope keys as "
  "properties; the profileId is the userId",
  [call("record_event", collection="purchase", event={"profileId": "p1", "totalprice": 35, "ispaid": True,
                                                      "items": [{"price": 20}, {"price": 15}]})])
S("record_event_envelope", "recordEvent's envelope keys: eventId the messageId, timestamp, userId and "
  "anonymousId; sessionId and pageId and a profileId beside a userId stay properties (after the others); "
  "accountId is context.groupId",
  [call("record_event", collection="visit", event={"sessionId": "s1", "page": "/", "eventId": "e-1", "userId": "u",
                                                   "timestamp": "2026-11-23T09:00:00Z", "accountId": "acc",
                                                   "pageId": "pg", "anonymousId": "an", "profileId": "p"})])
S("profile", "profile: an identify, the attributes less the envelope keys its traits",
  [call("profile", attributes={"profileId": "p1", "user_identifier": "john@example.com",
                               "account_identifier": "acme", "plan": "pro", "seats": 5})])
S("consents", "trackConsents: a track of Segment's consent event, each purpose in "
  "context.consent.categoryPreferences, the consents as given in properties",
  [call("track_consents", consents=[GDPR, CCPA], subject={"profileId": "p1"}),
   call("track_consents", consents=[GDPR, dict(GDPR, regulation="CCPA")], subject={"userId": "u1"})])
S("batch_every_type", "a batch of every type Segment's format takes, spoor's own mapped",
  [call("batch", messages=[
      {"type": "track", "event": "t", "anonymousId": "a"},
      {"type": "identify", "userId": "u", "traits": {"x": 1}},
      {"type": "group", "userId": "u", "groupId": "g", "traits": {"n": "G"}},
      {"type": "page", "userId": "u", "name": "Home", "category": "Docs", "properties": {"path": "/"}},
      {"type": "screen", "userId": "u", "name": "Settings", "category": "Account"},
      {"type": "alias", "previousId": "a", "userId": "u"},
      {"type": "record", "collection": "c", "properties": {"profileId": "p", "v": 1}},
      {"type": "profile", "profileId": "p", "plan": "pro"},
      {"type": "consent", "profileId": "p", "consents": [GDPR]}])])
S("envelope_arguments", "track's spoor-only arguments: sessionId and pageId go to properties, accountId to "
  "context.groupId, a profileId beside a userId to properties",
  [track({"event": "e", "userId": "u", "profileId": "p", "sessionId": "s", "pageId": "pg", "accountId": "acme",
          "properties": {"k": 1}, "context": {"ip": "1.2.3.4"}})])
S("ids", "seeded messageIds in order; a given eventId or messageId draws none",
  [{"op": "anonymous_id"}, track({"event": "a", "userId": "u"}), track({"event": "b", "userId": "u", "eventId": "given"}),
   track({"event": "c", "userId": "u"})])
S("message_id_100", "a messageId of exactly 100 characters (one of them two bytes)",
  [track({"event": "e", "userId": "u", "messageId": "\u00e9" + "m" * 99})])
S("gzip_signed", "gzip and a secret: the Basic write key, the signature over the body before gzip",
  [track({"event": "purchase", "userId": "u1", "properties": {"total": 9.5, "note": "caf\u00e9"}})],
  {"gzip": True, "secret": "s3cr3t"})
S("access_token", "no api key: an access token is sent as Bearer", [track({"event": "e", "userId": "u"})],
  {"api_key": None, "access_token": "tok"})
S("no_credentials", "no credentials: no Authorization", [track({"event": "e", "userId": "u"})], {"api_key": None})
S("headers", "custom headers beside the write key", [track({"event": "e", "userId": "u"})],
  {"headers": {"X-Tenant": "acme"}})
S("batching", "max_batch_events=2 and flush: three requests in order", n_tracks(5) + [FLUSH], {"max_batch_events": 2})
S("under_limit", "a message just under Segment's 32 KB is sent",
  [track({"event": "e", "userId": "u", "properties": {"blob": "0" * 32500}})])
bad_alone("segment/too_large", "Segment's 32 KB a message, whatever max_event_bytes says, refused at the call "
          "naming the size",
          track({"event": "e", "userId": "u", "properties": {"blob": "0" * 32768}},
                "event: serialises to {size} bytes, over max_event_bytes (32768)", "TOO_LARGE"),
          dict(SEGMENT, max_event_bytes=65536))
bad_alone("segment/too_large_setting", "a smaller max_event_bytes holds in Segment's format too",
          track({"event": "e", "userId": "u", "properties": {"blob": "0" * 600}},
                "event: serialises to {size} bytes, over max_event_bytes (512)", "TOO_LARGE"),
          dict(SEGMENT, max_event_bytes=512))
for i, (c, msg) in enumerate([
        (call("product", product={"productId": "1"}), "product: " + NO_PRODUCTS),
        (call("product", product=CATALOG), "product: " + NO_PRODUCTS),
        (call("ingest_feed", feed=FEED_JSON), "feed: " + NO_PRODUCTS),
        (call("batch", messages=[{"type": "track", "event": "e", "userId": "u"}, {"type": "product", "productId": "9"}]),
         "batch[1].type: " + NO_PRODUCTS),
        (track({"event": "e", "userId": "u", "eventId": "x", "messageId": "y"}),
         "messageId: names the same id as eventId: give one of them"),
        (track({"event": "e", "userId": "u", "messageId": "m" * 101}),
         "messageId: must be at most 100 characters in Segment's format (its messageId)"),
        (track({"event": "e", "userId": "u", "eventId": "i" * 101}),
         "eventId: must be at most 100 characters in Segment's format (its messageId)"),
        (track({"event": "e", "userId": "u", "category": "c"}), "category: is not an argument of track"),
        (track({"event": "e", "userId": "u", "context": "x"}), "context: must be an object"),
        (track({"event": "e", "userId": "u", "integrations": [1]}), "integrations: must be an object"),
        (track({"event": "e", "userId": "u", "context": {"library": {"name": "mine"}}}),
         "context.library: is the client's own (name and version of spoor)"),
        (track({"event": "e", "userId": "u", "sessionId": "s", "properties": {"sessionId": "t"}}),
         "properties.sessionId: appears twice (once as the sessionId argument)"),
        (track({"event": "e", "userId": "u", "accountId": "a", "context": {"groupId": "g"}}),
         "context.groupId: appears twice (once as the groupId argument)"),
        (track({"event": "e", "userId": "u", "sessionId": 7}), "sessionId: must be a non-empty string"),
        (track({"event": "e", "profileId": ""}), "profileId: must be a non-empty string"),
        (track({"event": "e"}), NO_SEGMENT_IDENTITY),
        (track({"userId": "u"}), "event: must be a non-empty string"),
        (track({"event": "e", "userId": 5}), "userId: must be a non-empty string"),
        (call("record_event", collection="catalog", event={"productId": "1", "name": "Wine"}), NO_SEGMENT_IDENTITY),
        (call("batch", messages=[{"type": "alias", "previousId": "a", "anonymousId": "b"}]),
         "batch[0].userId: is required for alias"),
        (call("batch", messages=[{"type": "alias", "previousId": "a", "userId": "u", "sessionId": "s"}]),
         "batch[0].sessionId: has no place in Segment's alias (it carries userId and previousId only)"),
        (call("batch", messages=[{"type": "page", "userId": "u", "category": 5}]), "batch[0].category: must be a string"),
        (call("batch", messages=[{"type": "teleport", "userId": "u"}]), "batch[0]." + TYPE_RULE),
        (call("track_consents", consents=[GDPR, dict(GDPR, regulation="CCPA", consented=False)], subject={"userId": "u"}),
         "consents[1].purpose: is given again with the other answer (Segment's categoryPreferences holds one answer "
         "per purpose)"),
        (call("identify", user_id="u", traits=[1]), "traits: must be a JSON object"),
        (call("alias", previous_id="a"), "userId: must be a non-empty string"),
]):
    c["expect_error"] = err(msg)
    bad_alone("segment/bad_%02d" % i, "refused at the call: " + msg, c, SEGMENT)

# The calls the comparison with @segment/analytics-node makes (collector/tests/sdks/
# segment_compare.test.js): each in the form both libraries take.
S("sdk_calls", "one call of each of Segment's six, as a user of Segment's library writes them",
  [track({"userId": "user-1", "event": "Order Completed", "properties": {"total": 35.5, "items": [{"sku": "a"}],
                                                                           "note": "caf\u00e9"},
          "context": {"ip": "203.0.113.9"}, "integrations": {"All": True}}),
   track({"anonymousId": "anon-1", "event": "Signed Up", "timestamp": "2026-11-23T09:00:00.000Z"}),
   call("identify", user_id="user-1", traits={"email": "ann@example.com", "plan": "pro", "logins": 3}),
   call("group", user_id="user-1", group_id="acme", traits={"name": "Acme Inc", "employees": 42}),
   call("page", user_id="user-1", name="Quickstart", properties={"path": "/docs/start"}),
   call("screen", user_id="user-1", name="Settings", properties={"tab": "privacy"}),
   call("alias", previous_id="anon-1", user_id="user-1")])

# ---------------------------------------------------------------- the schema registry
# The Get APIs' requests (method, path, headers; a GET has no body to type, zip or sign)
# and recordEvent checked against a source's collections fetched with schemas_from. The
# server answers what "server" says (docs/protocol.md, "The schema registry").
SHOP = {"purchase": {"totalprice": "number", "ispaid": "boolean", "placed": "timestamp"},
        "refund": {"amount": "number"}}
SOURCES = {"org": "acme", "project": "web", "sources": [
    {"id": "shop-server", "name": "Shop server", "collections": SHOP},
    {"id": "crm", "name": "crm", "collections": {"signup": {"plan": "string"}}}]}


def answer(path: str, body: Any, status: int = 200) -> Dict[str, Any]:
    return {"method": "GET", "path": path, "status": status, "body": body}


SHOP_ANSWER = answer("/v1/sources/shop-server/collections", {"source": "shop-server", "collections": SHOP})
NO_REFRESH = {"schemas_from": "shop-server", "schemas_refresh": 0}

V("registry/fetch_sources", "fetchSources: one GET of the project's sources with the client's headers, answered as the server sent it",
  [call("fetch_sources", org="acme", project="web")],
  {"headers": {"X-Team": "growth"}},
  server=[answer("/v1/orgs/acme/projects/web/sources", SOURCES)])
V("registry/fetch_collections_encodes_names", "each name is one segment of the path: / ? and space are percent-encoded",
  [call("fetch_collections", source="shop server/1?"),
   call("fetch_sources", org="ac me", project="w/eb")],
  server=[answer("/v1/sources/shop%20server%2F1%3F/collections", {"source": "shop server/1?", "collections": {}}),
          answer("/v1/orgs/ac%20me/projects/w%2Feb/sources", {"org": "ac me", "project": "w/eb", "sources": []})])
V("registry/fetch_credentials", "a GET carries the bearer token and no signature, content type or encoding, even with secret and gzip",
  [call("fetch_collections", source="crm")],
  {"api_key": None, "access_token": "tok-123", "secret": "s3cret", "gzip": True},
  server=[answer("/v1/sources/crm/collections", {"source": "crm", "collections": {"signup": {"plan": "string"}}})])
V("registry/fetch_basic_auth", "a GET with username and password carries Basic auth",
  [call("fetch_collections", source="crm")],
  {"api_key": None, "username": "reader", "password": "pw"},
  server=[answer("/v1/sources/crm/collections", {"source": "crm", "collections": {}})])
V("registry/fetch_bad_names", "an empty or absent name is refused before any request",
  [call("fetch_sources", "org: must be a non-empty string", org="", project="web"),
   call("fetch_sources", "project: must be a non-empty string", org="acme", project=None),
   call("fetch_collections", "source: must be a non-empty string", source=""),
   {"op": "close"},
   call("fetch_collections", "fetch_collections: the client is closed", "CLOSED", source="crm")],
  server=[])
V("registry/schemas_from", "schemas_from: the source's collections are fetched at creation and check recordEvent as collection_schemas would",
  [call("record_event", "event.totalprice: must be of type number (collection purchase)",
        collection="purchase", event={"profileId": "p1", "totalprice": "35"}),
   call("record_event", collection="purchase",
        event={"eventId": "e-ok", "profileId": "p1", "totalprice": 35, "ispaid": True, "placed": "2026-11-23T09:00:00Z"}),
   call("record_event", "event.placed: must be of type timestamp (collection purchase)",
        collection="purchase", event={"profileId": "p1", "placed": "yesterday"}),
   call("batch", "batch[1].properties.amount: must be of type number (collection refund)",
        messages=[{"type": "record", "collection": "purchase", "userId": "u", "properties": {"ispaid": False}},
                  {"type": "record", "collection": "refund", "userId": "u", "properties": {"amount": "12"}}]),
   call("record_event", collection="signup", event={"eventId": "e-free", "profileId": "p1", "plan": 3})],
  NO_REFRESH, server=[SHOP_ANSWER])
V("registry/schemas_from_over_collection_schemas", "the fetched collections replace collection_schemas",
  [call("record_event", "event.totalprice: must be of type number (collection purchase)",
        collection="purchase", event={"profileId": "p1", "totalprice": "35"}),
   call("record_event", collection="refund", event={"eventId": "e-1", "profileId": "p1", "amount": 5})],
  dict(NO_REFRESH, collection_schemas={"purchase": {"totalprice": "string"}, "refund": {"amount": "string"}}),
  server=[SHOP_ANSWER])
V("registry/schemas_from_fails", "a fetch that fails keeps collection_schemas, and the client works on",
  [call("record_event", "event.totalprice: must be of type string (collection purchase)",
        collection="purchase", event={"profileId": "p1", "totalprice": 35}),
   call("record_event", collection="purchase", event={"eventId": "e-1", "profileId": "p1", "totalprice": "35"})],
  dict(NO_REFRESH, collection_schemas={"purchase": {"totalprice": "string"}}),
  server=[answer("/v1/sources/shop-server/collections", {"error": "down"}, 503)])
V("registry/schemas_from_bad_answer", "an answer whose collections break the rules is not used: nothing is checked",
  [call("record_event", collection="purchase", event={"profileId": "p1", "totalprice": "35"})],
  NO_REFRESH,
  server=[answer("/v1/sources/shop-server/collections", {"source": "shop-server", "collections": {"purchase": {"totalprice": "money"}}})])
V("registry/schemas_from_encoded", "the schemas_from id is one segment of the path",
  [call("record_event", "event.totalprice: must be of type number (collection purchase)",
        collection="purchase", event={"profileId": "p1", "totalprice": "35"})],
  {"schemas_from": "shop/server 2", "schemas_refresh": 0},
  server=[answer("/v1/sources/shop%2Fserver%202/collections", {"source": "shop/server 2", "collections": SHOP})])


def vectors() -> List[Dict[str, Any]]:
    return _vectors
