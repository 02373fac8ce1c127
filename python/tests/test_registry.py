"""The Get APIs (fetch_sources, fetch_collections) and schemas_from, against a
collector that serves a schema registry (--schemas)."""
from __future__ import annotations

import json
import os
import tempfile
import time
from typing import Any, Dict, Iterator

import pytest

import spoor

from conftest import Collector, running_collector

SOURCE_KEY = "shop-server-key"
REGISTRY = {"sources": [
    {"id": "shop-server", "name": "Shop server", "org": "acme", "project": "web", "apiKeys": [SOURCE_KEY],
     "collections": {"purchase": {"totalprice": "number", "ispaid": "boolean", "items": "array"},
                     "refund": {"amount": "number", "reason": "string"}}},
    {"id": "crm", "org": "acme", "project": "web", "collections": {"signup": {"plan": "string"}}},
]}


@pytest.fixture(scope="module")
def registry() -> Iterator[Collector]:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "schemas.json")
        with open(path, "w") as f:
            json.dump(REGISTRY, f)
        os.chmod(path, 0o600)
        with running_collector("--schemas", path) as server:
            yield server


def make(server: Collector, **config: Any) -> spoor.Client:
    config.setdefault("api_key", SOURCE_KEY)
    config.setdefault("flush_interval", 0.05)
    return spoor.Client(host=server.url, **config)


def test_fetch_sources_answers_the_projects_sources(registry: Collector) -> None:
    with make(registry) as client:
        answer = client.fetch_sources("acme", "web")
        assert answer["org"] == "acme" and answer["project"] == "web"
        assert [s["id"] for s in answer["sources"]] == ["shop-server", "crm"]
        assert answer["sources"][0]["name"] == "Shop server"
        assert answer["sources"][0]["collections"]["purchase"] == {"totalprice": "number", "ispaid": "boolean",
                                                                    "items": "array"}
        assert "apiKeys" not in answer["sources"][0]  # keys are never served
        # Only reads: nothing was queued or sent.
        stats = client.stats()
        assert stats["accepted"] == 0 and stats["requests"] == 0


def test_fetch_collections_is_what_collection_schemas_takes(registry: Collector) -> None:
    with make(registry) as client:
        answer = client.fetch_collections("shop-server")
    assert answer["source"] == "shop-server"
    with make(registry, collection_schemas=answer["collections"]) as checked:
        with pytest.raises(spoor.ValidationError) as exc:
            checked.record_event("refund", {"profileId": "p1", "amount": "12"})
    assert exc.value.message == "event.amount: must be of type number (collection refund)"


def test_fetch_errors_say_what_the_server_answered(registry: Collector) -> None:
    with make(registry) as client:
        with pytest.raises(spoor.Error) as exc:
            client.fetch_sources("acme", "mobile")
        assert exc.value.code == "HTTP"
        assert exc.value.message.startswith("fetch_sources: HTTP 404 from %s/v1/orgs/acme/projects/mobile/sources: "
                                            % registry.url)
        assert "no such project" in exc.value.message
        assert exc.value.message.endswith("(check the org and project names, and that the server serves a schema "
                                          "registry)")
        with pytest.raises(spoor.Error) as exc:
            client.fetch_collections("nope")
        assert "source nope: no such source" in exc.value.message
        with pytest.raises(spoor.ValidationError) as vexc:
            client.fetch_sources("", "web")
        assert vexc.value.message == "org: must be a non-empty string"
        with pytest.raises(TypeError):
            client.fetch_collections(42)  # type: ignore[arg-type]
    with make(registry, api_key="wrong-key") as client:
        with pytest.raises(spoor.Error) as exc:
            client.fetch_collections("crm")
        assert exc.value.code == "HTTP" and "HTTP 403" in exc.value.message
        assert exc.value.message.endswith("(check api_key)")
        assert "wrong-key" not in exc.value.message
    with make(registry) as client:
        client.close()
        with pytest.raises(spoor.ClosedError):
            client.fetch_collections("crm")


def test_module_level_fetch(registry: Collector) -> None:
    spoor.init(api_key=SOURCE_KEY, host=registry.url)
    try:
        assert spoor.fetch_collections("crm")["collections"] == {"signup": {"plan": "string"}}
    finally:
        spoor.close()


def test_schemas_from_refuses_a_wrong_type_at_the_call(registry: Collector) -> None:
    registry.reset()
    with make(registry, schemas_from="shop-server") as client:
        with pytest.raises(spoor.ValidationError) as exc:
            client.record_event("purchase", {"profileId": "p1", "totalprice": "35", "ispaid": True})
        assert exc.value.message == "event.totalprice: must be of type number (collection purchase)"
        client.record_event("purchase", {"profileId": "p1", "totalprice": 35, "ispaid": True,
                                         "items": [{"item name": "item 1", "price": 20}]})
        client.flush(5)
        stats = client.stats()
        assert stats["schema_fetches"] == 1 and stats["schema_fetch_failures"] == 0
    good = registry.wait_good(1, eventName="purchase")
    assert good[0]["properties"]["totalprice"] == 35
    assert registry.bad() == []


def test_schemas_from_an_unknown_source_keeps_the_client_working(registry: Collector) -> None:
    messages: Dict[str, Any] = {}
    with make(registry, schemas_from="nope", schemas_refresh=0.05,
              collection_schemas={"purchase": {"ispaid": "boolean"}}) as client:
        deadline = time.monotonic() + 10
        while client.stats()["schema_fetch_failures"] < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert client.stats()["schema_fetch_failures"] >= 2
        # collection_schemas serves meanwhile.
        with pytest.raises(spoor.ValidationError) as exc:
            client.record_event("purchase", {"profileId": "p1", "ispaid": "yes"})
        messages["error"] = exc.value.message
        client.record_event("purchase", {"profileId": "p1", "ispaid": True})
    assert messages["error"] == "event.ispaid: must be of type boolean (collection purchase)"


def test_schemas_from_failure_is_logged(registry: Collector, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="spoor"):
        with make(registry, schemas_from="nope", schemas_refresh=0):
            pass
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "schemas_from nope: HTTP 404 from %s/v1/sources/nope/collections" % registry.url in text
    assert "recordEvent is not checked against any schema until a fetch succeeds" in text
