"""The examples send their events to a collector, where each arrives once."""
from __future__ import annotations

import os
import subprocess
import sys
from typing import Iterator, List

import pytest

from conftest import API_KEY, ROOT, Collector, running_collector

EXAMPLES = os.path.join(ROOT, "examples", "python")


@pytest.fixture(scope="module")
def open_collector() -> Iterator[Collector]:
    """A collector that checks the api key but not signatures (the examples sign nothing)."""
    with running_collector("--api-key", API_KEY) as server:
        yield server


@pytest.fixture
def plain(open_collector: Collector) -> Collector:
    open_collector.reset()
    return open_collector


def run(script: str, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, os.path.join(EXAMPLES, script), *args],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def types(collector: Collector) -> List[str]:
    return sorted(e["type"] for e in collector.good())


def test_quickstart(plain: Collector) -> None:
    run("quickstart.py", plain.url, API_KEY)
    assert types(plain) == ["consent", "profile", "record"]
    record = plain.good(type="record")[0]
    assert record["eventName"] == "purchase" and record["profileId"] == "user_42"
    assert record["properties"]["totalprice"] == 35
    counts = plain.counts()
    assert counts["bad"] == 0 and counts["duplicates"] == 0


def test_stripe_webhook_self_test(plain: Collector) -> None:
    result = run("stripe_webhook.py", plain.url, API_KEY, "--self-test")
    assert '"received": true' in result.stdout
    events = plain.good(type="track")
    assert len(events) == 1
    event = events[0]
    assert event["eventName"] == "purchase" and event["userId"] == "user_123"
    assert event["properties"] == {"revenue": 49.99, "currency": "usd", "order_id": "cs_test_a1b2c3",
                                   "payment_method": "stripe"}


def test_bulk_import(plain: Collector) -> None:
    result = run("bulk_import.py", plain.url, API_KEY)
    assert "120/120" in result.stderr and "imported 120 lines: 120 delivered, 0 failed" in result.stdout
    events = plain.wait_good(120)
    assert len(events) == 120 and len({e["eventId"] for e in events}) == 120
    assert plain.counts()["duplicates"] == 0
    run("bulk_import.py", plain.url, API_KEY)  # idempotent: same eventIds
    counts = plain.counts()
    assert counts["good"] == 120 and counts["duplicates"] == 120
