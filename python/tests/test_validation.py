"""Invalid calls fail at once, name the field, and queue nothing."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable

import pytest

import spoor


def assert_nothing_queued(client: spoor.Client) -> None:
    assert client.stats()["accepted"] == 0


@pytest.mark.parametrize("call, field", [
    (lambda c: c.track("", user_id="u"), "event"),
    (lambda c: c.track("x"), "userId"),
    (lambda c: c.track("x", user_id="u", timestamp="yesterday"), "timestamp"),
    (lambda c: c.track("x", user_id="u", properties=[1, 2]), "properties"),  # type: ignore[arg-type]
    (lambda c: c.identify(None), "userId"),
    (lambda c: c.group("u", ""), "groupId"),
    (lambda c: c.record_event("", {"profileId": "p"}), "collection"),
    (lambda c: c.record_event("purchase", {"total": 1}), "profileId"),
    (lambda c: c.track_consents([{"regulation": "HIPAA", "purpose": "ads", "consented": True}],
                                profile_id="p"), "regulation"),
    (lambda c: c.track_consents([{"regulation": "GDPR", "purpose": "", "consented": True}],
                                profile_id="p"), "purpose"),
    (lambda c: c.track_consents([{"regulation": "GDPR", "purpose": "ads", "consented": "yes"}],
                                profile_id="p"), "consented"),
    (lambda c: c.product({"id": "sku", "title": "T"}), "description"),
    (lambda c: c.ingest_feed('{"products": [{"product": {"id": "a"}}]}'), "title"),
    (lambda c: c.batch([{"type": "track", "event": "ok", "userId": "u"},
                        {"type": "track", "event": "", "userId": "u"}]), "batch[1]"),
    (lambda c: c.batch([{"type": "nope", "userId": "u"}]), "type"),
])
def test_validation_error_names_field(client: spoor.Client, call: Callable[[spoor.Client], Any],
                                      field: str) -> None:
    with pytest.raises(spoor.ValidationError) as info:
        call(client)
    err = info.value
    assert isinstance(err, ValueError) and isinstance(err, spoor.Error)
    assert err.code in ("INVALID", "TOO_LARGE")
    assert field in str(err), str(err)
    assert_nothing_queued(client)


def test_too_large(make_client: Callable[..., spoor.Client]) -> None:
    client = make_client(max_event_bytes=1024)
    with pytest.raises(spoor.ValidationError) as info:
        client.track("big", user_id="u", properties={"blob": "x" * 4000})
    assert info.value.code == "TOO_LARGE"
    assert_nothing_queued(client)


def test_collection_schema(make_client: Callable[..., spoor.Client]) -> None:
    client = make_client(collection_schemas={"purchase": {"totalprice": "number", "ispaid": "boolean"}})
    client.record_event("purchase", {"profileId": "p", "totalprice": 35, "ispaid": True})
    with pytest.raises(spoor.ValidationError, match="totalprice"):
        client.record_event("purchase", {"profileId": "p", "totalprice": "35"})
    assert client.stats()["accepted"] == 1


class Opaque:
    pass


@pytest.mark.parametrize("properties, path, kind", [
    ({"items": [{"price": 1}, {"price": Opaque()}]}, "properties.items[1].price", TypeError),
    ({"tags": {"a", "b"}}, "properties.tags", TypeError),
    ({"ratio": float("nan")}, "properties.ratio", spoor.ValidationError),
    ({"deep": {"x": [float("inf")]}}, "properties.deep.x[0]", spoor.ValidationError),
    ({"price": Decimal("NaN")}, "properties.price", spoor.ValidationError),
    ({"raw": b"bytes"}, "properties.raw", TypeError),
])
def test_python_value_errors_name_path(client: spoor.Client, properties: Any, path: str, kind: type) -> None:
    with pytest.raises(kind) as info:
        client.track("x", user_id="u", properties=properties)
    assert str(info.value).startswith(path + ":"), str(info.value)
    assert_nothing_queued(client)


def test_non_string_ids_are_type_errors(client: spoor.Client) -> None:
    with pytest.raises(TypeError, match="user_id"):
        client.identify(123)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="collection"):
        client.record_event(5, {"profileId": "p"})  # type: ignore[arg-type]


def test_lone_surrogate_names_path(client: spoor.Client) -> None:
    with pytest.raises(ValueError) as info:
        client.track("x", user_id="u", properties={"names": ["ok", "bad \ud800"]})
    assert str(info.value).startswith("properties.names[1]:")
    assert_nothing_queued(client)


def test_circular_reference_names_path(client: spoor.Client) -> None:
    loop: dict = {}
    loop["self"] = loop
    with pytest.raises(spoor.ValidationError, match=r"^properties\.self: circular"):
        client.track("x", user_id="u", properties=loop)


# Invalid UTF-8 never reaches the wire: the core refuses it at the call, naming the
# field, whether it comes as bytes (a feed) or as a str holding a lone surrogate.
@pytest.mark.parametrize("call, says", [
    (lambda c: c.track("x", user_id="u", properties={"name": "a\ud800"}), "properties.name: is not valid UTF-8"),
    (lambda c: c.track("x", user_id="u", properties={"k\udfff": 1}), "properties: a key is not valid UTF-8"),
    (lambda c: c.identify("u\udc80", {"plan": "pro"}), "userId: is not valid UTF-8"),
    (lambda c: c.record_event("purchase\ud83d", {"profileId": "p"}), "collection: is not valid UTF-8"),
    (lambda c: c.ingest_feed(b'{"products":[{"product":{"id":"S1","title":"Caf\xe9","description":"d",'
                             b'"url":"u","image_link":"i"}}]}'), "products[0].product.title: is not valid UTF-8"),
    (lambda c: c.ingest_feed(b'{"products":[{"product":{"id":"S1","id":"S2","title":"t","description":"d",'
                             b'"url":"u","image_link":"i"}}]}'), "products[0].product.id: appears twice"),
])
def test_invalid_utf8_refused_by_the_core(client: spoor.Client, call: Callable[[spoor.Client], Any], says: str) -> None:
    with pytest.raises(spoor.ValidationError) as info:
        call(client)
    assert str(info.value).startswith(says), str(info.value)
    assert info.value.code == "INVALID"
    assert_nothing_queued(client)
