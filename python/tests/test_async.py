"""spoor.AsyncClient: synchronous calls, awaitable flush and close that leave the
event loop running."""
from __future__ import annotations

import asyncio
from typing import Any, Dict

import pytest

import spoor

from conftest import API_KEY, SECRET, Collector


def options(collector: Collector, **more: Any) -> Dict[str, Any]:
    return dict(host=collector.url, api_key=API_KEY, secret=SECRET, flush_interval=0.05,
                retry_backoff=0.01, **more)


def test_async_with_delivers(collector: Collector) -> None:
    async def main() -> None:
        async with spoor.AsyncClient(**options(collector)) as client:
            assert client.track("purchase", user_id="u1") is None  # synchronous
            client.identify("u1", {"plan": "pro"})
        with pytest.raises(spoor.ClosedError):
            client.track("late", user_id="u1")

    asyncio.run(main())
    assert sorted(e["type"] for e in collector.wait_good(2)) == ["identify", "track"]


def test_the_loop_runs_during_a_slow_flush(collector: Collector) -> None:
    collector.fault(delayMs=1500, count=1)  # the server stalls 1.5 s before it answers

    async def main() -> int:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        async with spoor.AsyncClient(**options(collector)) as client:
            client.track("slow", user_id="u1")
            task = asyncio.create_task(ticker())
            await client.flush(10)
            task.cancel()
        return ticks

    ticks = asyncio.run(main())
    # A blocked loop would tick once at most; a free one ticks about 150 times.
    assert ticks >= 20, ticks
    assert len(collector.wait_good(1)) == 1


def test_flush_deadline_and_cancellation(collector: Collector) -> None:
    collector.fault(delayMs=2000, count=2)

    async def main() -> None:
        client = spoor.AsyncClient(**options(collector))
        client.track("slow", user_id="u1")
        with pytest.raises(spoor.TimeoutError):
            await client.flush(0.2)
        with pytest.raises(asyncio.TimeoutError):  # the await is cancelled; the flush ends on its own
            await asyncio.wait_for(client.flush(), 0.2)
        await client.close(10)
        await client.close()  # idempotent

    asyncio.run(main())
    assert len(collector.wait_good(1)) == 1


def test_async_capture_mode() -> None:
    async def main() -> None:
        async with spoor.AsyncClient(mode="capture") as client:
            client.track("signup", user_id="u1")
            await client.flush()
            assert [e["eventName"] for e in client.captured()] == ["signup"]

    asyncio.run(main())
