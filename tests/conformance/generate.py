#!/usr/bin/env python3
"""An independent reference model of spoor's wire format v1 (docs/protocol.md, docs/design.md).

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
import xml.etree.ElementTree as ET
from typing import Any, Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "vectors")
VERSION = "0.1.0"
BINDINGS = ["c", "python", "node", "java", "tcl", "perl"]
PLACEHOLDER = "{binding}"
MASK = (1 << 64) - 1

ENVELOPE = ["eventId", "userId", "anonymousId", "profileId", "sessionId", "accountId", "pageId", "timestamp"]
TYPES = "track, identify, group, page, record, profile, consent, product"
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


class Model:
    def __init__(self, config: Dict[str, Any], binding: str) -> None:
        self.conf = dict(DEFAULTS)
        self.conf.update(config)
        self.binding = binding
        self.now = parse_iso(config["test_fixed_time"])
        self.seed = int(config["test_id_seed"])
        self.n = 0
        self.anonymous_id = self.next_id()
        self.queue: List[str] = []
        self.requests: List[str] = []
        self.schemas = config.get("collection_schemas") or {}
        self.closed = False

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

    def build(self, type_: str, msg: Any, prefix: str = "", op: str = "") -> str:
        """One message -> the event's JSON text (for this model's binding), or Invalid."""
        if not is_obj(msg):
            self.fail(prefix, "%s: must be a JSON object" % op)
        env: Dict[str, Any] = {}
        name = props = traits = consents = group_id = product_id = data = None

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

        if type_ in ("track", "page"):
            track = type_ == "track"
            unknown(["event", "properties"] if track else ["name", "properties"])
            name = take("event" if track else "name")
            props = take("properties")
            if (name is not None or track) and not nonempty(name):
                self.fail(prefix, "%s: must be a non-empty string" % ("event" if track else "name"))
            if props is not None and not is_obj(props):
                self.fail(prefix, "properties: must be an object")
        elif type_ in ("identify", "group"):
            group = type_ == "group"
            unknown(["groupId", "traits"] if group else ["traits"])
            traits = take("traits")
            group_id = take("groupId") if group else None
            if traits is not None and not is_obj(traits):
                self.fail(prefix, "traits: must be an object")
            if group and not nonempty(group_id):
                self.fail(prefix, "groupId: must be a non-empty string")
        elif type_ == "record":
            name = take("collection")
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
        elif type_ == "profile":
            traits = {k: v for k, v in msg.items() if v is not None}
            lift(traits)
        elif type_ == "consent":
            unknown(["consents"])
            consents = take("consents")
            self.check_consents(consents, prefix)
        elif type_ == "product":
            if "productId" in msg:
                unknown(["productId", "data"])
                product_id = take("productId")
                data = take("data")
                if not nonempty(product_id):
                    self.fail(prefix, "productId: must be a non-empty string")
                if data is not None and not is_obj(data):
                    self.fail(prefix, "data: must be an object")
            else:
                for k in ("id", "title", "description", "url", "image_link"):
                    if not nonempty(msg.get(k)):
                        self.fail(prefix, "product.%s: is required (a non-empty string) in a catalog product" % k)
                lift(msg)
                data = dict(msg)  # every other field is product data, one named "type" too
                product_id = msg["id"]
                msg.clear()
        else:
            self.fail(prefix, "type: must be one of " + TYPES)
        if type_ not in ("record", "profile"):
            lift(msg)

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

        ev: Dict[str, Any] = {"eventId": event_id, "type": type_}
        if name is not None:
            ev["eventName"] = name
        for k in ("userId", "anonymousId", "profileId", "sessionId", "accountId", "pageId"):
            if k in env:
                ev[k] = env[k]
        ev["timestamp"] = format_iso(ms)
        for k, v in (("properties", props), ("traits", traits), ("consents", consents), ("groupId", group_id),
                     ("productId", product_id), ("data", data)):
            if v is not None:
                ev[k] = v
        self.validate(ev, prefix)
        ev["context"] = {"library": {"name": "spoor", "version": VERSION, "binding": self.binding}}
        text = dump(ev)
        size = len(text.encode("utf-8"))
        if size > self.conf["max_event_bytes"]:
            self.fail(prefix, "event: serialises to %d bytes, over max_event_bytes (%d)"
                      % (size, self.conf["max_event_bytes"]), "TOO_LARGE")
        return text

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
        for k in ("eventName", "sessionId", "accountId", "pageId", "groupId", "productId"):
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
        name = {"record_event": "record_event", "profile": "profile", "track_consents": "track_consents",
                "track": "track", "identify": "identify", "group": "group", "page": "page",
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
        elif op in ("identify", "group", "page"):
            if op == "group" and not nonempty(c.get("group_id")):
                raise Invalid("INVALID", "groupId: must be a non-empty string")
            if not nonempty(c.get("user_id")):
                raise Invalid("INVALID", "userId: must be a non-empty string")
            key = "properties" if op == "page" else "traits"
            obj = self.arg(c.get(key), key, optional=True)
            msg = {"userId": c["user_id"]}
            if op == "group":
                msg["groupId"] = c["group_id"]
            if op == "page" and c.get("name") is not None:
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
        self.requests.append('{"sentAt":"%s","batch":[%s]}' % (format_iso(self.now), ",".join(batch)))


def headers_for(config: Dict[str, Any]) -> Tuple[Dict[str, str], List[str]]:
    h = {"content-type": "application/json", "user-agent": "spoor-%s/%s" % (PLACEHOLDER, VERSION)}
    for k, v in (config.get("headers") or {}).items():
        h[k.lower()] = v
    if config.get("gzip"):
        h["content-encoding"] = "gzip"
    if config.get("api_key"):
        h["x-api-key"] = config["api_key"]
    if config.get("access_token"):
        h["authorization"] = "Bearer " + config["access_token"]
    if config.get("username"):
        cred = "%s:%s" % (config["username"], config.get("password", ""))
        h["authorization"] = "Basic " + base64.b64encode(cred.encode()).decode()
    if config.get("secret"):
        h["x-spoor-timestamp"] = str(parse_iso(config["test_fixed_time"]) // 1000)
    absent = [k for k in ("authorization", "content-encoding", "x-api-key", "x-spoor-signature",
                          "x-spoor-timestamp") if k not in h and not (k == "x-spoor-signature" and config.get("secret"))]
    return h, absent


def sign(secret: str, ts: str, body: str) -> str:
    return "v1=" + hmac.new(secret.encode(), (ts + "." + body).encode(), hashlib.sha256).hexdigest()


def run_model(vec: Dict[str, Any], binding: str) -> Tuple[List[str], List[Dict[str, Any]], str, Dict[int, str]]:
    """The requests' bodies, the calls with filled-in values, the anonymous id and the
    error message of each failing call."""
    m = Model(vec["config"], binding)
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
            if c["op"] == "anonymous_id":
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
    headers, absent = headers_for(config)
    requests = []
    for i, body in enumerate(tagged):
        sig = None
        if config.get("secret"):
            ts = headers["x-spoor-timestamp"]
            sig = {b: sign(config["secret"], ts, bodies[b][0][i]) for b in BINDINGS}
        requests.append({"headers": headers, "absent_headers": absent, "body": body, "signature": sig})
    out = {"name": vec["name"], "description": vec["description"], "config": config, "calls": calls,
           "expect": {"requests": requests, "anonymous_id": anon}}
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
