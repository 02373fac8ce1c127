"""The conformance vectors (tests/conformance/vectors) through Python's public API.

Each vector runs spoor.Client against capture_server.py and compares every request
byte for byte (body after gunzip, headers, signature) and every error (code, message).
    pytest tests/conformance/python
"""
import base64
import gzip
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import spoor

BINDING = "python"
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VECTORS = sorted((ROOT / "vectors").rglob("*.json"))
DURATIONS = {"flush_interval", "timeout", "connect_timeout", "retry_backoff", "retry_backoff_max",
             "retry_after_max", "close_timeout", "schemas_refresh", "schemas_wait"}


def load(path: Path) -> Dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def params() -> Iterator[Any]:
    for path in VECTORS:
        vec = load(path)
        marks = []
        kf = vec.get("known_failure")
        if kf and kf.get("binding") in (BINDING, "core"):
            marks.append(pytest.mark.xfail(reason="known failure: " + kf["why"], strict=True))
        if BINDING in vec.get("skip", {}):
            marks.append(pytest.mark.skip(reason=vec["skip"][BINDING]))
        yield pytest.param(path, id=vec["name"], marks=marks)


class Server:
    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "capture_server.py"), "--watch-stdin"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.url = "http://127.0.0.1:%d" % int(self.proc.stdout.readline())

    def _req(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else b"" if method == "POST" else None
        req = urllib.request.Request(self.url + path, method=method, data=data)
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def reset(self) -> None:
        self._req("POST", "/_reset")

    def answer(self, answers: List[Dict[str, Any]]) -> None:
        self._req("POST", "/_answers", answers)

    def captured(self) -> List[Dict[str, Any]]:
        return list(self._req("GET", "/_captured"))

    def wait(self, n: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.captured()) < n:
            if time.monotonic() > deadline:
                raise AssertionError("waited %.0f s for %d requests, got %d" % (timeout, n, len(self.captured())))
            time.sleep(0.01)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.stop()


def client_for(config: Dict[str, Any], host: str) -> spoor.Client:
    kwargs: Dict[str, Any] = {"host": host, "log_level": "error"}
    for key, value in config.items():
        kwargs[key] = value / 1000 if key in DURATIONS else value
    return spoor.Client(**kwargs)


TRACK_KW = {"userId": "user_id", "anonymousId": "anonymous_id", "profileId": "profile_id",
            "properties": "properties", "eventId": "event_id", "timestamp": "timestamp",
            "sessionId": "session_id", "accountId": "account_id", "pageId": "page_id"}


def do(client: spoor.Client, server: Server, c: Dict[str, Any]) -> Any:
    op = c["op"]
    if op == "record_event":
        return client.record_event(c.get("collection"), c.get("event"))
    if op == "profile":
        attrs = dict(c.get("attributes") or {})
        named = {"profile_id": attrs.pop("profileId", None), "user_identifier": attrs.pop("user_identifier", None),
                 "account_identifier": attrs.pop("account_identifier", None)}
        return client.profile(**named, **attrs)
    if op == "track_consents":
        subject = c.get("subject") or {}
        return client.track_consents(c.get("consents"), profile_id=subject.get("profileId"),
                                     user_id=subject.get("userId"))
    if op == "track":
        opts = c.get("options")
        if isinstance(opts, dict) and isinstance(opts.get("event"), str) and set(opts) <= set(TRACK_KW) | {"event"}:
            kw = {TRACK_KW[k]: v for k, v in opts.items() if k != "event"}
            return client.track(opts["event"], **kw)
        return client.track(opts)
    if op == "identify":
        return client.identify(c.get("user_id"), c.get("traits"))
    if op == "group":
        return client.group(c.get("user_id"), c.get("group_id"), c.get("traits"))
    if op == "page":
        return client.page(c.get("user_id"), c.get("name"), c.get("properties"))
    if op == "screen":
        return client.screen(c.get("user_id"), c.get("name"), c.get("properties"))
    if op == "alias":
        return client.alias(c.get("previous_id"), c.get("user_id"))
    if op == "product":
        return client.product(c.get("product"))
    if op == "ingest_feed":
        return client.ingest_feed(c.get("feed"))
    if op == "batch":
        return client.batch(c.get("messages"))
    if op == "flush":
        return client.flush()
    if op == "close":
        return client.close()
    if op == "anonymous_id":
        return client.anonymous_id
    if op == "wait_requests":
        return server.wait(c["count"])
    if op == "fetch_sources":
        return client.fetch_sources(c.get("org"), c.get("project"))
    if op == "fetch_collections":
        return client.fetch_collections(c.get("source"))
    raise AssertionError("unknown op " + op)


def sub(value: str) -> str:
    return value.replace("{binding}", BINDING)


@pytest.mark.parametrize("path", list(params()))
def test_vector(path: Path, server: Server) -> None:
    vec = load(path)
    server.reset()
    server.answer(vec.get("server", []))
    client = client_for(vec["config"], server.url)
    try:
        for i, c in enumerate(vec["calls"]):
            want = c.get("expect_error")
            where = "call %d (%s)" % (i, c["op"])
            if want:
                with pytest.raises(spoor.Error) as info:
                    do(client, server, c)
                message = want.get("message_by_binding", {}).get(BINDING, want["message"])
                assert (info.value.code, info.value.message) == (want["code"], message), where
                continue
            got = do(client, server, c)
            if "expect_value" in c:
                assert got == c["expect_value"], where
            if "expect_count" in c:
                assert got == c["expect_count"], where
        assert client.anonymous_id == vec["expect"]["anonymous_id"]
    finally:
        client.close()
    captured = server.captured()
    expected = vec["expect"]["requests"]
    assert len(captured) == len(expected), "requests: got %d, want %d" % (len(captured), len(expected))
    for i, (got, want) in enumerate(zip(captured, expected)):
        body = base64.b64decode(got["body_base64"])
        if got["headers"].get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        assert body.decode("utf-8") == sub(want["body"]), "request %d body" % i
        for name, value in want["headers"].items():
            assert got["headers"].get(name) == sub(value), "request %d header %s" % (i, name)
        for name in want["absent_headers"]:
            assert name not in got["headers"], "request %d has header %s" % (i, name)
        if want["signature"]:
            assert got["headers"].get("x-spoor-signature") == want["signature"][BINDING], "request %d signature" % i
        assert (got["method"], got["path"]) == (want.get("method", "POST"), want.get("path", "/v1/batch")), \
            "request %d" % i
