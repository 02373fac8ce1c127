"""The test modes: capture (events kept for captured()) and disabled (nothing
queued or sent; flush and close return at once)."""
from __future__ import annotations

import time
from typing import Any, Callable, Dict, List

import pytest

import spoor

from conftest import Collector


def signup(client: spoor.Client, user_id: str) -> None:
    """Code under test: what an application would do."""
    client.identify(user_id, {"plan": "pro"})
    client.track("signup", user_id=user_id, properties={"plan": "pro"})


def test_capture_for_a_unit_test() -> None:
    client = spoor.Client(mode="capture")  # no host, no server
    signup(client, "u1")
    events = client.captured()
    assert [(e["type"], e.get("eventName")) for e in events] == [("identify", None), ("track", "signup")]
    assert events[1]["userId"] == "u1" and events[1]["properties"] == {"plan": "pro"}
    assert events[0]["eventId"] and events[0]["timestamp"]  # as they would have been sent
    with pytest.raises(spoor.ValidationError, match="userId: one of userId"):
        client.track("signup")  # still checked
    assert client.stats()["accepted"] == 2
    client.clear_captured()
    assert client.captured() == []
    client.close()


def test_capture_gives_what_send_sends(make_client: Callable[..., spoor.Client], collector: Collector) -> None:
    sending, capturing = make_client(test_id_seed=3), spoor.Client(mode="capture", test_id_seed=3)
    for client in (sending, capturing):
        signup(client, "u1")
    sending.flush(10)

    def untimed(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
        return [{k: v for k, v in e.items() if k != "timestamp"} for e in events]

    assert untimed(capturing.captured()) == untimed(collector.wait_good(2))


def test_capture_is_bounded_by_max_queue_size() -> None:
    client = spoor.Client(mode="capture", max_queue_size=2)
    for i in range(3):
        client.track("e%d" % i, user_id="u")
    assert [e["eventName"] for e in client.captured()] == ["e1", "e2"]
    assert client.stats()["dropped_queue_full"] == 1


def test_disabled_sends_nothing_and_never_waits(collector: Collector) -> None:
    for host in (collector.url, "http://127.0.0.1:9"):  # a live server, and a port nothing listens on
        client = spoor.Client(host=host, api_key="test-key", secret="test-secret", mode="disabled", flush_at=1)
        signup(client, "u1")
        with pytest.raises(spoor.ValidationError):
            client.track("signup")
        start = time.monotonic()
        client.flush()  # no deadline: nothing waits
        client.close(10)
        assert time.monotonic() - start < 2  # a bound, not a benchmark: delivering would retry for a minute
        assert client.stats()["accepted"] == 0 and client.stats()["requests"] == 0
    assert collector.counts()["total"] == 0 and collector.requests() == []


def test_captured_needs_mode_capture(make_client: Callable[..., spoor.Client]) -> None:
    with pytest.raises(spoor.ValidationError, match="set mode to capture"):
        make_client().captured()
    with pytest.raises(spoor.ConfigError, match="spool_dir: cannot be set in mode capture"):
        spoor.Client(mode="capture", spool_dir="/tmp/spoor-never-made")
    with pytest.raises(spoor.ConfigError, match="host: is required"):
        spoor.Client()


def test_module_level_capture() -> None:
    spoor.init(mode="capture")
    try:
        spoor.track("signup", user_id="u1")
        assert [e["eventName"] for e in spoor.captured()] == ["signup"]
        spoor.clear_captured()
        assert spoor.captured() == []
    finally:
        spoor.close()
