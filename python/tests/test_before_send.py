"""before_send: the event as it will be sent, changed, dropped; a failing hook
changes nothing and is logged."""
from __future__ import annotations

import logging
from typing import Any, Callable, Dict, List, Mapping, Optional

import pytest

import spoor

from conftest import Collector


def test_hook_sees_the_event_as_it_is_sent(make_client: Callable[..., spoor.Client],
                                           collector: Collector) -> None:
    seen: List[Dict[str, Any]] = []

    def hook(event: Dict[str, Any]) -> Dict[str, Any]:
        seen.append(event)
        return event

    client = make_client(before_send=hook)
    client.track("purchase", user_id="u1", properties={"revenue": 99.99, "items": [{"sku": "a"}]})
    client.identify("u1", {"plan": "pro"})
    assert [e["type"] for e in seen] == ["track", "identify"]  # called inside each call
    client.flush(10)
    stored = collector.wait_good(2)
    assert seen == stored
    assert client.stats()["dropped_by_hook"] == 0 and client.stats()["hook_failed"] == 0


def test_hook_changes_and_drops(make_client: Callable[..., spoor.Client], collector: Collector,
                                caplog: pytest.LogCaptureFixture) -> None:
    reports: List[spoor.DeliveryReport] = []

    def scrub(event: Dict[str, Any]) -> Optional[Dict[str, Any]]:
        if event.get("eventName") == "internal":
            return None
        event.get("properties", {}).pop("email", None)
        return event

    client = make_client(before_send=scrub, on_delivery=reports.append, debug=True)
    with caplog.at_level(logging.DEBUG, logger="spoor"):
        client.track("signup", user_id="u1", properties={"email": "a@example.com", "plan": "pro"})
        client.track("internal", user_id="u1", event_id="internal-1")
        client.batch([{"type": "track", "event": "internal", "userId": "u2"},
                      {"type": "track", "event": "kept", "userId": "u2"}])
        client.flush(10)
    stored = collector.wait_good(2)
    assert [e["eventName"] for e in stored] == ["signup", "kept"]
    assert stored[0]["properties"] == {"plan": "pro"}
    stats = client.stats()
    assert stats["dropped_by_hook"] == 2 and stats["accepted"] == 2 and stats["dropped"] == 0
    assert "before_send dropped event internal-1" in caplog.text
    # The hook's own decision is not a delivery report: only the delivered ones came.
    assert all(r.ok for r in reports) and sum(len(r.event_ids) for r in reports) == 2


@pytest.mark.parametrize("hook, reason", [
    (lambda event: 1 / 0, "(ZeroDivisionError: division by zero); it is sent unchanged"),
    (lambda event: "not a dict", "(TypeError: before_send returned str, not a dict or None)"),
    (lambda event: {k: v for k, v in event.items() if k != "userId"},
     "breaks a rule (userId: one of userId, anonymousId or profileId is required"),
    (lambda event: dict(event, properties={"price": float("nan")}), "(spoor.ValidationError: event.properties.price:"),
])
def test_a_failing_hook_changes_nothing(make_client: Callable[..., spoor.Client], collector: Collector,
                                        caplog: pytest.LogCaptureFixture,
                                        hook: Callable[[Dict[str, Any]], Any], reason: str) -> None:
    client = make_client(before_send=hook)
    with caplog.at_level(logging.ERROR, logger="spoor"):
        client.track("purchase", user_id="u1", event_id="e-1", properties={"price": 1})
    client.flush(10)
    stored = collector.wait_good(1)
    assert stored[0]["eventId"] == "e-1" and stored[0]["userId"] == "u1"
    assert stored[0]["properties"] == {"price": 1}
    assert "before_send" in caplog.text and "e-1" in caplog.text and reason in caplog.text, caplog.text
    assert client.stats()["hook_failed"] == 1


def test_the_hook_cannot_send_through_its_own_client() -> None:
    errors: List[Exception] = []

    def hook(event: Dict[str, Any]) -> Mapping[str, Any]:
        try:
            client.track("again", user_id="u1")
        except spoor.ValidationError as exc:
            errors.append(exc)
        return event

    client = spoor.Client(mode="capture", before_send=hook)
    client.track("once", user_id="u1")
    assert [e["eventName"] for e in client.captured()] == ["once"]
    assert len(errors) == 1 and "cannot send through its own client" in str(errors[0])


def test_before_send_must_be_callable() -> None:
    with pytest.raises(spoor.ConfigError, match="before_send: expected a callable"):
        spoor.Client(mode="capture", before_send="scrub")  # type: ignore[arg-type]
