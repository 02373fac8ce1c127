#!/usr/bin/env python3
"""An independent reference model of spoor's two protocols: its own wire format v1
(docs/protocol.md, docs/design.md) and Segment's HTTP Tracking API (protocol=segment), the
latter as Segment's published spec has it (the Spec's common fields and its track, identify,
group, page, screen and alias calls, its HTTP API's limits and Basic auth) with spoor's own
operations mapped as docs/protocol.md says.

Reads the vectors as authored (sources.py: config, calls, expected errors), builds every
event and request the way the contract says, and writes vectors/<area>/<name>.json with the
expected requests filled in. `--check` verifies the committed vectors instead of writing.

It never runs the core: where the model and the core disagree, one of them is wrong and
the disagreement is investigated, not copied.
"""
from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import hmac
import json
import math
import os
import re
import sys
import urllib.parse
import xml.etree.ElementTree as ET
from typing import Any, Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "vectors")
VERSION = "0.1.0"
BINDINGS = ["c", "python", "node", "java", "tcl", "perl"]
PLACEHOLDER = "{binding}"
MASK = (1 << 64) - 1

ENVELOPE = ["eventId", "userId", "anonymousId", "profileId", "sessionId", "accountId", "pageId", "timestamp"]
TYPES = "track, identify, group, page, screen, alias, record, profile, consent, product"
DEFAULTS = {"flush_at": 10, "max_batch_events": 10000, "max_batch_bytes": 1048576, "max_event_bytes": 32768,
            "gzip": False}


class Invalid(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


# ---- ids: splitmix64, formatted as UUID v4 ----

def splitmix64(x: int) -> int:
    x = (x + 0x9E3779B97F4A7C15) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def seeded_id(seed: int, n: int) -> str:
    base = (seed * 0x100000001B3) & MASK
    b = bytearray(splitmix64((base + 2 * n) & MASK).to_bytes(8, "big") +
                  splitmix64((base + 2 * n + 1) & MASK).to_bytes(8, "big"))
    b[6] = (b[6] & 0x0F) | 0x40
    b[8] = (b[8] & 0x3F) | 0x80
    h = b.hex()
    return "%s-%s-%s-%s-%s" % (h[0:8], h[8:12], h[12:16], h[16:20], h[20:32])


# ---- time ----

ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})"
                 r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
                 r"(?:([Zz])|([+-])(\d{2}):?(\d{2})?)?)?$")
EPOCH = dt.datetime(1970, 1, 1)


def parse_iso(text: str) -> Optional[int]:
    """ISO-8601 -> epoch ms (UTC when no offset; date only = midnight), None when invalid."""
    m = ISO.match(text)
    if not m:
        return None
    y, mo, d = int(m[1]), int(m[2]), int(m[3])
    h, mi, s = int(m[4] or 0), int(m[5] or 0), int(m[6] or 0)
    ms = int((m[7] or "0")[:3].ljust(3, "0"))
    if h > 23 or mi > 59 or s > 59:
        return None
    off = 0
    if m[9]:
        oh, om = int(m[10]), int(m[11] or 0)
        if oh > 23 or om > 59:
            return None
        off = (oh * 60 + om) * (-1 if m[9] == "-" else 1)
    try:
        day = dt.datetime(y, mo, d)
    except ValueError:
        return None
    secs = (day - EPOCH).days * 86400 + h * 3600 + mi * 60 + s - off * 60
    return secs * 1000 + ms


def format_iso(ms: int) -> str:
    t = EPOCH + dt.timedelta(milliseconds=ms)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (t.year, t.month, t.day, t.hour, t.minute, t.second,
                                                   t.microsecond // 1000)


# ---- JSON printing like cJSON_PrintUnformatted, numbers as docs/design.md says ----

def fmt_number(v: float) -> str:
    v = float(v)
    if v == int(v) and abs(v) <= 2.0 ** 53:
        return "%d" % int(v)
    for prec in (15, 16, 17):
        text = "%.*g" % (prec, v)
        if float(text) == v:
            return text
    return text


ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def fmt_string(s: str) -> str:
    """cJSON's escapes: the seven short ones, \\u00XX for other control characters, the rest raw."""
    return '"' + "".join(ESCAPES.get(ch) or ("\\u%04x" % ord(ch) if ord(ch) < 32 else ch) for ch in s) + '"'


def dump(v: Any) -> str:
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return fmt_number(v)
    if isinstance(v, str):
        return fmt_string(v)
    if isinstance(v, list):
        return "[" + ",".join(dump(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ",".join(fmt_string(k) + ":" + dump(x) for k, x in v.items()) + "}"
    raise TypeError(type(v))


# ---- the model client ----

def is_obj(v: Any) -> bool:
    return isinstance(v, dict)


def nonempty(v: Any) -> bool:
    return isinstance(v, str) and v != ""


def contains_nul(v: Any) -> bool:
    if isinstance(v, str):
        return "\x00" in v
    if isinstance(v, dict):
        return any("\x00" in k or contains_nul(x) for k, x in v.items())
    if isinstance(v, list):
        return any(contains_nul(x) for x in v)
    return False


def depth(v: Any) -> int:
    if isinstance(v, dict):
        return 1 + max([depth(x) for x in v.values()] or [0])
    if isinstance(v, list):
        return 1 + max([depth(x) for x in v] or [0])
    return 0


FIELD_TYPES = ["string", "number", "boolean", "timestamp", "object", "array"]


def type_ok(v: Any, t: str) -> bool:
    if t == "string":
        return isinstance(v, str)
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if t == "boolean":
        return isinstance(v, bool)
    if t == "timestamp":
        return isinstance(v, str) and parse_iso(v) is not None
    if t == "object":
        return is_obj(v)
    if t == "array":
        return isinstance(v, list)
    return False


def valid_schemas(schemas: Any) -> bool:
    """The collection_schemas rules: {collection: {field: one of FIELD_TYPES}}."""
    return is_obj(schemas) and all(is_obj(c) and all(t in FIELD_TYPES for t in c.values()) for c in schemas.values())


def segment(name: str) -> str:
    """A name as one segment of a path: every byte but A-Z a-z 0-9 - . _ ~ percent-encoded."""
    return urllib.parse.quote(name, safe="")


# The Get APIs: their operation, the names they take and the path they make.
FETCHES = {
    "fetch_sources": (("org", "project"), lambda org, project: "/v1/orgs/%s/projects/%s/sources" % (segment(org), segment(project))),
    "fetch_collections": (("source",), lambda source: "/v1/sources/%s/collections" % segment(source)),
}


class Model:
    def __init__(self, config: Dict[str, Any], binding: str, server: Optional[List[Dict[str, Any]]] = None) -> None:
        self.conf = dict(DEFAULTS)
        self.conf.update(config)
        self.binding = binding
        self.now = parse_iso(config["test_fixed_time"])
        self.seed = int(config["test_id_seed"])
        self.n = 0
        self.anonymous_id = self.next_id()
        self.queue: List[str] = []
        self.requests: List[Tuple[str, str, str]] = []  # (method, path, body)
        self.answers = {(a["method"], a["path"]): a for a in server or []}
        self.schemas = config.get("collection_schemas") or {}
        self.closed = False
        if config.get("schemas_from"):
            # Fetched at creation; an answer that fails or breaks the rules keeps collection_schemas.
            answer = self.get("/v1/sources/%s/collections" % segment(config["schemas_from"]))
            if answer is not None and valid_schemas(answer.get("collections")):
                self.schemas = answer["collections"]

    def get(self, path: str) -> Optional[Dict[str, Any]]:
        """One GET: the server's canned answer when it is a 2xx JSON object, else None."""
        self.requests.append(("GET", path, ""))
        a = self.answers.get(("GET", path))
        return a["body"] if a and 200 <= a["status"] < 300 and is_obj(a["body"]) else None

    def next_id(self) -> str:
        i = seeded_id(self.seed, self.n)
        self.n += 1
        return i

    # -- one event --

    def fail(self, prefix: str, msg: str, code: str = "INVALID") -> None:
        raise Invalid(code, prefix + msg)

    def arg(self, v: Any, field: str, want_array: bool = False, optional: bool = False) -> Any:
        """A JSON argument as the core receives it (parse_arg)."""
        if v is None:
            if not optional:
                raise Invalid("INVALID", "%s: is required" % field)
            return {}
        if depth(v) > 64:
            raise Invalid("INVALID", "%s: nested deeper than 64 levels" % field)
        if contains_nul(v):
            raise Invalid("INVALID", "%s: strings must not contain NUL (\\u0000)" % field)
        if want_array != isinstance(v, list) or (not want_array and not is_obj(v)):
            raise Invalid("INVALID", "%s: must be a JSON %s" % (field, "array" if want_array else "object"))
        return json.loads(json.dumps(v))  # a private copy

    def check_consents(self, consents: Any, prefix: str) -> None:
        if not isinstance(consents, list) or not consents:
            self.fail(prefix, "consents: must be a non-empty array of {regulation, purpose, consented}")
        for i, c in enumerate(consents):
            if not is_obj(c):
                self.fail(prefix, "consents[%d]: must be an object" % i)
            if c.get("regulation") not in ("GDPR", "CCPA"):
                self.fail(prefix, "consents[%d].regulation: must be GDPR or CCPA" % i)
            if not nonempty(c.get("purpose")):
                self.fail(prefix, "consents[%d].purpose: must be a non-empty string" % i)
            if not isinstance(c.get("consented"), bool):
                self.fail(prefix, "consents[%d].consented: must be a boolean" % i)

    def check_schema(self, fields: Dict[str, Any], collection: str, prefix: str, fprefix: str) -> None:
        schema = self.schemas.get(collection)
        for f, t in (schema or {}).items():
            if f in fields and fields[f] is not None and not type_ok(fields[f], t):
                self.fail(prefix, "%s%s: must be of type %s (collection %s)" % (fprefix, f, t, collection))

    def parts(self, type_: str, msg: Any, prefix: str, op: str) -> Dict[str, Any]:
        """One message's parts, checked: the envelope keys (env) and the type's own."""
        if not is_obj(msg):
            self.fail(prefix, "%s: must be a JSON object" % op)
        env: Dict[str, Any] = {}
        p: Dict[str, Any] = {"env": env}

        def take(key: str) -> Any:
            return msg.pop(key, None)

        def lift(src: Dict[str, Any]) -> None:
            for k in ENVELOPE:
                v = src.pop(k, None)
                if v is not None:
                    env[k] = v

        def unknown(allowed: List[str]) -> None:
            for k, v in msg.items():
                if v is not None and k not in ENVELOPE and k not in allowed:
                    self.fail(prefix, "%s: is not an argument of %s" % (k, type_))

        if type_ in ("track", "page", "screen"):
            track = type_ == "track"
            unknown(["event", "properties"] if track else ["name", "properties"])
            p["name"] = take("event" if track else "name")
            p["properties"] = take("properties")
            if (p["name"] is not None or track) and not nonempty(p["name"]):
                self.fail(prefix, "%s: must be a non-empty string" % ("event" if track else "name"))
            if p["properties"] is not None and not is_obj(p["properties"]):
                self.fail(prefix, "properties: must be an object")
        elif type_ in ("identify", "group"):
            group = type_ == "group"
            unknown(["groupId", "traits"] if group else ["traits"])
            p["traits"] = take("traits")
            p["groupId"] = take("groupId") if group else None
            if p["traits"] is not None and not is_obj(p["traits"]):
                self.fail(prefix, "traits: must be an object")
            if group and not nonempty(p["groupId"]):
                self.fail(prefix, "groupId: must be a non-empty string")
        elif type_ == "alias":
            unknown(["previousId"])
            p["previousId"] = take("previousId")
            if not nonempty(p["previousId"]):
                self.fail(prefix, "previousId: must be a non-empty string")
        elif type_ == "record":
            name = p["name"] = take("collection")
            props = take("properties")
            if not nonempty(name):
                self.fail(prefix, "collection: must be a non-empty string")
            if props is None:
                props = {}
            fields = "properties" if prefix else "event"
            if not is_obj(props):
                self.fail(prefix, "%s: must be an object" % fields)
            unknown([])
            self.check_schema(props, name, prefix, fields + ".")
            lift(msg)  # a batch message's own envelope keys (SPEC: lifted like every type's)
            lift(props)
            p["properties"] = props
        elif type_ == "profile":
            traits = p["traits"] = {k: v for k, v in msg.items() if v is not None}
            lift(traits)
        elif type_ == "consent":
            unknown(["consents"])
            p["consents"] = take("consents")
            self.check_consents(p["consents"], prefix)
        elif type_ == "product":
            if "productId" in msg:
                unknown(["productId", "data"])
                p["productId"] = take("productId")
                p["data"] = take("data")
                if not nonempty(p["productId"]):
                    self.fail(prefix, "productId: must be a non-empty string")
                if p["data"] is not None and not is_obj(p["data"]):
                    self.fail(prefix, "data: must be an object")
            else:
                for k in ("id", "title", "description", "url", "image_link"):
                    if not nonempty(msg.get(k)):
                        self.fail(prefix, "product.%s: is required (a non-empty string) in a catalog product" % k)
                lift(msg)
                p["data"] = dict(msg)  # every other field is product data, one named "type" too
                p["productId"] = msg["id"]
                msg.clear()
        else:
            self.fail(prefix, "type: must be one of " + TYPES)
        if type_ not in ("record", "profile"):
            lift(msg)
        return p

    def id_and_time(self, env: Dict[str, Any], prefix: str) -> Tuple[str, int]:
        """The eventId (given, or the next seeded one) and the timestamp in epoch ms."""
        event_id = env.pop("eventId", None)
        if event_id is not None and not nonempty(event_id):
            self.fail(prefix, "eventId: must be a non-empty string")
        if event_id is None:
            event_id = self.next_id()
        ts = env.pop("timestamp", None)
        if ts is None:
            ms = self.now
        elif isinstance(ts, str):
            ms = parse_iso(ts)
            if ms is None:
                self.fail(prefix, "timestamp: must be an ISO-8601 timestamp (e.g. 2026-11-23T10:00:00Z)")
        elif (isinstance(ts, (int, float)) and not isinstance(ts, bool) and 0 <= ts < 253402300800000
              and float(ts) == math.floor(float(ts))):
            ms = int(ts)
        else:
            self.fail(prefix, "timestamp: must be an ISO-8601 string or epoch milliseconds")
        return event_id, ms

    def sized(self, ev: Dict[str, Any], prefix: str) -> str:
        """The event's text, within max_event_bytes."""
        text = dump(ev)
        size = len(text.encode("utf-8"))
        if size > self.conf["max_event_bytes"]:
            self.fail(prefix, "event: serialises to %d bytes, over max_event_bytes (%d)"
                      % (size, self.conf["max_event_bytes"]), "TOO_LARGE")
        return text

    def build(self, type_: str, msg: Any, prefix: str = "", op: str = "") -> str:
        """One message -> the event's JSON text (for this model's binding), or Invalid."""
        p = self.parts(type_, msg, prefix, op)
        env = p["env"]
        event_id, ms = self.id_and_time(env, prefix)
        ev: Dict[str, Any] = {"eventId": event_id, "type": type_}
        if p.get("name") is not None:
            ev["eventName"] = p["name"]
        for k in ("userId", "anonymousId", "profileId", "sessionId", "accountId", "pageId"):
            if k in env:
                ev[k] = env[k]
        ev["timestamp"] = format_iso(ms)
        for k in ("properties", "traits", "consents", "groupId", "previousId", "productId", "data"):
            if p.get(k) is not None:
                ev[k] = p[k]
        self.validate(ev, prefix)
        ev["context"] = {"library": {"name": "spoor", "version": VERSION, "binding": self.binding}}
        return self.sized(ev, prefix)

    def validate(self, ev: Dict[str, Any], prefix: str) -> None:
        """The wire-format rules for one finished event."""
        def opt_string(k: str) -> None:
            if k in ev:
                if not nonempty(ev[k]):
                    self.fail(prefix, "%s: must be a non-empty string" % k)
                if len(ev[k].encode("utf-8")) > 1024:
                    self.fail(prefix, "%s: must be at most 1024 bytes" % k)
        if len(ev["eventId"].encode("utf-8")) > 256:
            self.fail(prefix, "eventId: must be at most 256 bytes")
        for k in ("eventName", "sessionId", "accountId", "pageId", "groupId", "previousId", "productId"):
            opt_string(k)
        for k in ("properties", "traits", "data"):
            if k in ev and not is_obj(ev[k]):
                self.fail(prefix, "%s: must be an object" % k)
        t = ev["type"]
        # Identity values are checked in every event; only the need for one is waived for
        # product ingestion (a product event, or fields carrying a non-null productId).
        for k in ("userId", "anonymousId", "profileId"):
            opt_string(k)
        product_payload = t == "product" or (t == "record" and ev.get("properties", {}).get("productId") is not None)
        if not product_payload:
            if not any(k in ev for k in ("userId", "anonymousId", "profileId", "productId")):
                self.fail(prefix, "userId: one of userId, anonymousId or profileId is required "
                                  "(unless productId is present)")
        if t == "alias" and "userId" not in ev:
            self.fail(prefix, "userId: is required for alias events")

    # -- the operations --

    def call(self, c: Dict[str, Any]) -> Any:
        op = c["op"]
        if op in ("flush", "close"):
            if op == "flush" and self.closed:
                raise Invalid("CLOSED", "flush: the client is closed")
            while self.queue:
                self.send()
            self.closed = self.closed or op == "close"
            return None
        if op == "anonymous_id":
            return self.anonymous_id
        if op == "wait_requests":
            return None
        if op in FETCHES:
            if self.closed:
                raise Invalid("CLOSED", "%s: the client is closed" % op)
            fields, path = FETCHES[op]
            for f in fields:
                if not nonempty(c.get(f)):
                    raise Invalid("INVALID", "%s: must be a non-empty string" % f)
            answer = self.get(path(*(c[f] for f in fields)))
            if answer is None:  # its message names the runner's URL: vectors do not hold one
                raise SystemExit("%s: a failing fetch cannot be a vector (its message holds the server's URL)" % op)
            return answer
        name = {"record_event": "record_event", "profile": "profile", "track_consents": "track_consents",
                "track": "track", "identify": "identify", "group": "group", "page": "page",
                "screen": "screen", "alias": "alias",
                "product": "product", "ingest_feed": "ingest_feed", "batch": "batch"}[op]
        if self.closed:
            raise Invalid("CLOSED", "%s: the client is closed" % name)
        events: List[str] = []
        count = None
        if op == "record_event":
            if not nonempty(c.get("collection")):
                raise Invalid("INVALID", "collection: must be a non-empty string")
            fields = self.arg(c.get("event"), "event")
            events.append(self.build("record", {"collection": c["collection"], "properties": fields}, "", name))
        elif op == "profile":
            events.append(self.build("profile", self.arg(c.get("attributes"), "profile"), "", name))
        elif op == "track_consents":
            consents = self.arg(c.get("consents"), "consents", want_array=True)
            msg = self.arg(c.get("subject"), "subject", optional=True)
            msg.pop("consents", None)
            msg["consents"] = consents
            events.append(self.build("consent", msg, "", name))
        elif op == "track":
            events.append(self.build("track", self.arg(c.get("options"), "track"), "", name))
        elif op == "alias":
            if not nonempty(c.get("previous_id")):
                raise Invalid("INVALID", "previousId: must be a non-empty string")
            if not nonempty(c.get("user_id")):
                raise Invalid("INVALID", "userId: must be a non-empty string")
            events.append(self.build("alias", {"previousId": c["previous_id"], "userId": c["user_id"]}, "", name))
        elif op in ("identify", "group", "page", "screen"):
            if op == "group" and not nonempty(c.get("group_id")):
                raise Invalid("INVALID", "groupId: must be a non-empty string")
            if not nonempty(c.get("user_id")):
                raise Invalid("INVALID", "userId: must be a non-empty string")
            key = "properties" if op in ("page", "screen") else "traits"
            obj = self.arg(c.get(key), key, optional=True)
            msg = {"userId": c["user_id"]}
            if op == "group":
                msg["groupId"] = c["group_id"]
            if op in ("page", "screen") and c.get("name") is not None:
                msg["name"] = c["name"]
            msg[key] = obj
            events.append(self.build(op, msg, "", name))
        elif op == "product":
            events.append(self.build("product", self.arg(c.get("product"), "product"), "", name))
        elif op == "batch":
            for i, m in enumerate(self.arg(c.get("messages"), "batch", want_array=True)):
                prefix = "batch[%d]." % i
                t = m.pop("type", None) if is_obj(m) else None
                if not isinstance(t, str) or len(t.encode()) >= 16:
                    raise Invalid("INVALID", prefix + "type: must be one of " + TYPES)
                events.append(self.build(t, m, prefix, name))
        elif op == "ingest_feed":
            products = self.feed(c.get("feed"))
            for i, p in enumerate(products):
                if not is_obj(p):  # named like the catalog rules name a product's fields
                    raise Invalid("INVALID", "products[%d].product: must be an object" % i)
                events.append(self.build("product", p, "products[%d]." % i, name))
            count = len(events)
        self.enqueue(events)
        return count

    def feed(self, text: Any) -> List[Any]:
        if not nonempty(text):
            raise Invalid("INVALID", "feed: must be a feed's text or a file path")
        body = text.lstrip(" \t\r\n")
        if not body.startswith(("{", "<", "[")):
            raise Invalid("INVALID", "feed: cannot open %s: No such file or directory" % text)
        if body.startswith("<"):
            try:
                root = ET.fromstring(text)
            except ET.ParseError as e:
                raise Invalid("INVALID", "feed: not valid XML (%s)" % e)  # checked by prefix only
            out = []
            def walk(el: ET.Element) -> None:
                if el.tag == "product":
                    p: Dict[str, Any] = {}
                    for f in el:
                        v = "".join(f.itertext()).strip(" \t\r\n")
                        if f.tag in p:
                            if not isinstance(p[f.tag], list):
                                p[f.tag] = [p[f.tag]]
                            p[f.tag].append(v)
                        else:
                            p[f.tag] = v
                    out.append(p)
                    return
                for ch in el:
                    walk(ch)
            walk(root)
            return out
        doc = json.loads(text)
        lst = doc if isinstance(doc, list) else doc.get("products") if is_obj(doc) else None
        if not isinstance(lst, list):
            raise Invalid("INVALID", 'feed.products: must be an array of {"product": {...}}')
        return [e["product"] if is_obj(e) and "product" in e else e for e in lst]

    def enqueue(self, events: List[str]) -> None:
        self.queue.extend(events)
        limit = self.conf.get("max_queue_size", 10000)
        if len(self.queue) > limit:  # the oldest are dropped
            self.queue = self.queue[len(self.queue) - limit:]
        while self.queue and (len(self.queue) >= self.conf["flush_at"] or
                              sum(len(e.encode()) for e in self.queue) >= self.conf["max_batch_bytes"]):
            self.send()

    def send(self) -> None:
        room = self.conf["max_batch_bytes"] - 64
        take, size = 0, 0
        while take < len(self.queue) and take < self.conf["max_batch_events"]:
            n = len(self.queue[take].encode()) + 1
            if take and size + n > room:
                break
            size += n
            take += 1
        batch, self.queue = self.queue[:take], self.queue[take:]
        self.requests.append(("POST", "/v1/batch", self.body(batch)))

    def body(self, batch: List[str]) -> str:
        return '{"sentAt":"%s","batch":[%s]}' % (format_iso(self.now), ",".join(batch))


# ---- Segment's HTTP Tracking API (protocol=segment) ----
#
# From Segment's published spec: every message has type, messageId (at most 100
# characters), timestamp, userId and/or anonymousId (alias: userId and previousId),
# context (library {name, version}) and integrations when given; track has event and
# properties, identify traits, group groupId and traits, page and screen name, category
# and properties, alias previousId. A message is at most 32 KB, a request at most 500 KB,
# the body {"batch": [...], "sentAt": ...}, the write key the Basic user with an empty
# password. spoor's own operations are mapped onto those as docs/protocol.md says.

SEGMENT_MESSAGE_BYTES = 32 * 1024
SEGMENT_REQUEST_BYTES = 500 * 1024
SEGMENT_MESSAGE_ID_CHARS = 100
SEGMENT_CONSENT_EVENT = "Segment Consent Preference Updated"
NO_PRODUCTS = ("catalog products have no message in Segment's format (it records what users do, each message "
               "with a userId or anonymousId); send them with protocol=spoor")


class SegmentModel(Model):
    def __init__(self, config: Dict[str, Any], binding: str, server: Optional[List[Dict[str, Any]]] = None) -> None:
        super().__init__(config, binding, server)
        self.conf["max_event_bytes"] = min(self.conf["max_event_bytes"], SEGMENT_MESSAGE_BYTES)
        self.conf["max_batch_bytes"] = min(self.conf["max_batch_bytes"], SEGMENT_REQUEST_BYTES)

    def call(self, c: Dict[str, Any]) -> Any:
        if c["op"] == "ingest_feed" and not self.closed:
            raise Invalid("INVALID", "feed: " + NO_PRODUCTS)
        return super().call(c)

    def build(self, type_: str, msg: Any, prefix: str = "", op: str = "") -> str:
        if not is_obj(msg):
            self.fail(prefix, "%s: must be a JSON object" % op)
        if type_ not in TYPES.split(", "):
            self.fail(prefix, "type: must be one of " + TYPES)
        # Segment's own arguments: the id under its name, context, integrations, category.
        extra: Dict[str, Any] = {}
        id_key = "eventId"
        if type_ != "profile":  # a profile's attributes are traits, whatever their names
            message_id = msg.pop("messageId", None)
            if message_id is not None:
                if msg.get("eventId") is not None:
                    self.fail(prefix, "messageId: names the same id as eventId: give one of them")
                msg["eventId"] = message_id
                id_key = "messageId"
            for k in ("context", "integrations", "category"):
                extra[k] = msg.pop(k, None)
            for k in ("context", "integrations"):
                if extra[k] is not None and not is_obj(extra[k]):
                    self.fail(prefix, "%s: must be an object" % k)
            if extra["context"] is not None and "library" in extra["context"]:
                self.fail(prefix, "context.library: is the client's own (name and version of spoor)")
            if extra["category"] is not None:
                if type_ not in ("page", "screen"):
                    self.fail(prefix, "category: is not an argument of %s" % type_)
                if not isinstance(extra["category"], str):
                    self.fail(prefix, "category: must be a string")
        if type_ == "product":  # not a user's action, and no identity: Segment has no message for it
            self.fail(prefix, ("type" if prefix else "product") + ": " + NO_PRODUCTS)
        p = self.parts(type_, msg, prefix, op)
        env = p["env"]
        event_id, ms = self.id_and_time(env, prefix)
        if len(event_id) > SEGMENT_MESSAGE_ID_CHARS:
            self.fail(prefix, "%s: must be at most %d characters in Segment's format (its messageId)"
                      % (id_key, SEGMENT_MESSAGE_ID_CHARS))
        for k in ("profileId", "sessionId", "accountId", "pageId"):
            if k in env and not nonempty(env[k]):
                self.fail(prefix, "%s: must be a non-empty string" % k)

        # spoor's types as Segment's: a record and consents are tracks, a profile an identify.
        seg_type = {"record": "track", "consent": "track", "profile": "identify"}.get(type_, type_)
        m: Dict[str, Any] = {"type": seg_type, "messageId": event_id, "timestamp": format_iso(ms)}
        user, profile = env.get("userId"), env.get("profileId")
        if user is None:  # the profileId is the userId when none is given
            user, profile = profile, None
        if user is not None:
            m["userId"] = user
        if "anonymousId" in env:
            m["anonymousId"] = env["anonymousId"]
        if type_ == "consent":
            m["event"] = SEGMENT_CONSENT_EVENT
        elif p.get("name") is not None:
            m["event" if seg_type == "track" else "name"] = p["name"]
        for k, v in (("category", extra.get("category")), ("groupId", p.get("groupId")),
                     ("previousId", p.get("previousId"))):
            if v is not None:
                m[k] = v
        key = "traits" if seg_type in ("identify", "group") else "properties"
        data = p.get(key)
        if seg_type != "alias":
            data = {} if data is None else data
            if p.get("consents") is not None:
                data["consents"] = p["consents"]
        # What Segment has no field for goes with the data (after the caller's keys).
        for k, v in (("profileId", profile), ("sessionId", env.get("sessionId")), ("pageId", env.get("pageId"))):
            if v is None:
                continue
            if seg_type == "alias":
                self.fail(prefix, "%s: has no place in Segment's alias (it carries userId and previousId only)" % k)
            if k in data:
                self.fail(prefix, "%s.%s: appears twice (once as the %s argument)" % (key, k, k))
            data[k] = v
        if data is not None:
            m[key] = data
        context = extra.get("context") or {}
        if "accountId" in env:  # Segment's field for the account of a call
            if "groupId" in context:
                self.fail(prefix, "context.groupId: appears twice (once as the groupId argument)")
            context["groupId"] = env["accountId"]
        if p.get("consents") is not None:
            prefs: Dict[str, bool] = {}
            for i, c in enumerate(p["consents"]):
                if c["purpose"] in prefs and prefs[c["purpose"]] != c["consented"]:
                    self.fail(prefix, "consents[%d].purpose: is given again with the other answer (Segment's "
                                      "categoryPreferences holds one answer per purpose)" % i)
                prefs.setdefault(c["purpose"], c["consented"])
            context["consent"] = {"categoryPreferences": prefs}
        context["library"] = {"name": "spoor", "version": VERSION}
        m["context"] = context
        if extra.get("integrations") is not None:
            m["integrations"] = extra["integrations"]
        self.segment_rules(m, prefix)
        return self.sized(m, prefix)

    def segment_rules(self, m: Dict[str, Any], prefix: str) -> None:
        """Segment's spec for one message (what its API refuses)."""
        for k in ("userId", "anonymousId", "previousId", "groupId", "event"):
            if k in m and not nonempty(m[k]):
                self.fail(prefix, "%s: must be a non-empty string" % k)
        if m["type"] == "alias":
            if "userId" not in m:
                self.fail(prefix, "userId: is required for alias")
            return
        if "userId" not in m and "anonymousId" not in m:
            self.fail(prefix, "userId: one of userId or anonymousId is required")

    def body(self, batch: List[str]) -> str:
        return '{"batch":[%s],"sentAt":"%s"}' % (",".join(batch), format_iso(self.now))


def headers_for(config: Dict[str, Any], method: str = "POST") -> Tuple[Dict[str, str], List[str]]:
    """A request's headers and the headers it must not have. A GET has no body: no
    content type, encoding or signature, and asks for JSON."""
    post = method == "POST"
    h = {"content-type": "application/json"} if post else {"accept": "application/json"}
    h["user-agent"] = "spoor-%s/%s" % (PLACEHOLDER, VERSION)
    for k, v in (config.get("headers") or {}).items():
        h[k.lower()] = v
    if post and config.get("gzip"):
        h["content-encoding"] = "gzip"
    segment = config.get("protocol") == "segment"
    if config.get("api_key") and not segment:
        h["x-api-key"] = config["api_key"]
    if config.get("access_token"):
        h["authorization"] = "Bearer " + config["access_token"]
    if config.get("username"):
        cred = "%s:%s" % (config["username"], config.get("password", ""))
        h["authorization"] = "Basic " + base64.b64encode(cred.encode()).decode()
    if config.get("api_key") and segment:  # Segment's write key: the Basic user, no password
        h["authorization"] = "Basic " + base64.b64encode((config["api_key"] + ":").encode()).decode()
    if post and config.get("secret"):
        h["x-spoor-timestamp"] = str(parse_iso(config["test_fixed_time"]) // 1000)
    absent = [k for k in ("authorization", "content-encoding", "x-api-key", "x-spoor-signature",
                          "x-spoor-timestamp") if k not in h and not (k == "x-spoor-signature" and post and config.get("secret"))]
    if not post:
        absent.insert(0, "content-type")
    return h, absent


def sign(secret: str, ts: str, body: str) -> str:
    return "v1=" + hmac.new(secret.encode(), (ts + "." + body).encode(), hashlib.sha256).hexdigest()


def run_model(vec: Dict[str, Any], binding: str) -> Tuple[List[Tuple[str, str, str]], List[Dict[str, Any]], str, Dict[int, str]]:
    """The requests (method, path, body), the calls with filled-in values, the anonymous
    id and the error message of each failing call."""
    m = (SegmentModel if vec["config"].get("protocol") == "segment" else Model)(vec["config"], binding, vec.get("server"))
    calls = []
    errors: Dict[int, str] = {}
    for i, c in enumerate(vec["calls"]):
        c = json.loads(json.dumps(c))
        want = c.get("expect_error")
        try:
            got = m.call(c)
        except Invalid as e:
            if not want:
                raise SystemExit("%s: call %d: the model says %s: %s" % (vec["name"], i, e.code, e.message))
            errors[i] = e.message
            pattern = re.escape(want["message"]).replace(re.escape("{size}"), r"\d+")
            ok = e.code == want["code"] and (re.fullmatch(pattern, e.message) is not None or (
                want["message"].startswith("feed: not valid XML") and e.message.startswith("feed: not valid XML")))
            if not ok:
                raise SystemExit("%s: call %d: the model says %s: %s, the source expects %s: %s"
                                 % (vec["name"], i, e.code, e.message, want["code"], want["message"]))
        else:
            if want:
                raise SystemExit("%s: call %d: the model accepts it, the source expects %s" % (vec["name"], i, want))
            if c["op"] == "anonymous_id" or c["op"] in FETCHES:
                c["expect_value"] = got
            if c["op"] == "ingest_feed":
                c["expect_count"] = got
        calls.append(c)
    m.call({"op": "close"})
    return m.requests, calls, m.anonymous_id, errors


def complete(vec: Dict[str, Any]) -> Dict[str, Any]:
    bodies = {b: run_model(vec, b) for b in BINDINGS}
    tagged, calls, anon, _ = run_model(vec, PLACEHOLDER)
    for b in BINDINGS:
        if len(bodies[b][0]) != len(tagged):
            raise SystemExit("%s: %s makes %d requests, %s %d: the vector depends on the binding's name"
                             % (vec["name"], b, len(bodies[b][0]), PLACEHOLDER, len(tagged)))
    for i, c in enumerate(calls):
        if "{size}" in c.get("expect_error", {}).get("message", ""):
            c["expect_error"]["message_by_binding"] = {b: bodies[b][3][i] for b in BINDINGS}
    config = vec["config"]
    if "server" not in vec and (config.get("schemas_from") or any(c["op"] in FETCHES for c in vec["calls"])):
        raise SystemExit("%s: a vector that reads the registry says what the server answers (\"server\")" % vec["name"])
    # The vectors of the schema registry say each request's method and path; the others
    # are all POST /v1/batch, and stay as they were written.
    registry = "server" in vec
    requests = []
    for i, (method, path, body) in enumerate(tagged):
        headers, absent = headers_for(config, method)
        sig = None
        if config.get("secret") and method == "POST":
            ts = headers["x-spoor-timestamp"]
            sig = {b: sign(config["secret"], ts, bodies[b][0][i][2]) for b in BINDINGS}
        request = {"method": method, "path": path} if registry else {}
        request.update({"headers": headers, "absent_headers": absent, "body": body, "signature": sig})
        requests.append(request)
    out = {"name": vec["name"], "description": vec["description"], "config": config}
    if registry:
        out["server"] = vec["server"]
    out.update({"calls": calls, "expect": {"requests": requests, "anonymous_id": anon}})
    for k in ("known_failure", "skip"):
        if k in vec:
            out[k] = vec[k]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="verify the committed vectors, write nothing")
    args = ap.parse_args()
    sys.path.insert(0, HERE)
    import sources
    vectors = sources.vectors()
    names = set()
    wanted = {}
    for v in vectors:
        if v["name"] in names:
            raise SystemExit("duplicate vector name " + v["name"])
        names.add(v["name"])
        text = json.dumps(complete(v), indent=1, ensure_ascii=False) + "\n"
        wanted[os.path.join(VECTORS, v["name"] + ".json")] = text
    present = set()
    for d, _, files in os.walk(VECTORS):
        present.update(os.path.join(d, f) for f in files if f.endswith(".json"))
    bad = 0
    if args.check:
        for path, text in sorted(wanted.items()):
            try:
                with open(path, encoding="utf-8") as f:
                    if f.read() != text:
                        print("differs from the model: " + os.path.relpath(path, HERE))
                        bad += 1
            except FileNotFoundError:
                print("missing: " + os.path.relpath(path, HERE))
                bad += 1
        for path in sorted(present - set(wanted)):
            print("not made by sources.py: " + os.path.relpath(path, HERE))
            bad += 1
        print("%d vectors checked, %d problems" % (len(wanted), bad))
        return 1 if bad else 0
    for path in present - set(wanted):
        os.remove(path)
    for path, text in wanted.items():
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    areas: Dict[str, int] = {}
    for v in vectors:
        areas[v["name"].split("/")[0]] = areas.get(v["name"].split("/")[0], 0) + 1
    print("%d vectors written: %s" % (len(wanted), ", ".join("%s %d" % kv for kv in sorted(areas.items()))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
