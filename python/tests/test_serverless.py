"""The serverless pattern of docs/python.md: flush with a deadline before the
handler returns, so nothing waits in a frozen process."""
from __future__ import annotations

import time
from typing import Any, Callable, Dict

import pytest

import spoor

from conftest import API_KEY, SECRET, Collector


class Context:
    """What AWS Lambda hands a handler, as far as the pattern uses it."""

    def __init__(self, budget_ms: int) -> None:
        self.deadline = time.monotonic() + budget_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        return int((self.deadline - time.monotonic()) * 1000)


def make_handler(client: spoor.Client) -> Callable[[Dict[str, Any], Context], Dict[str, Any]]:
    def handler(event: Dict[str, Any], context: Context) -> Dict[str, Any]:
        client.track("order_paid", user_id=event["user"], properties={"total": event["total"]})
        # Leave half a second of the invocation for the return; what does not go
        # in time stays queued for the next invocation.
        try:
            client.flush(timeout=max(0.1, context.get_remaining_time_in_millis() / 1000 - 0.5))
        except spoor.TimeoutError:
            pass
        return {"statusCode": 200}
    return handler


def test_events_are_sent_before_the_handler_returns(collector: Collector) -> None:
    client = spoor.Client(API_KEY, host=collector.url, secret=SECRET)  # default flush_interval: 10 s
    handler = make_handler(client)
    assert handler({"user": "u1", "total": 35}, Context(3000)) == {"statusCode": 200}
    # Frozen from here on: what was sent is already there, without waiting.
    assert [e["eventName"] for e in collector.good()] == ["order_paid"]
    client.close()


def test_the_handler_keeps_its_deadline_with_the_server_down() -> None:
    client = spoor.Client(API_KEY, host="http://127.0.0.1:9")
    handler = make_handler(client)
    start = time.monotonic()
    handler({"user": "u1", "total": 35}, Context(1500))
    assert time.monotonic() - start < 1.5 + 1  # the deadline, and a margin
    assert client.stats()["queued"] == 1  # still there, not lost
    with pytest.raises(spoor.TimeoutError):
        client.close(0.1)
