"""spoor.AsyncClient: the client for asyncio programs.

Its calls are the same as Client's and stay synchronous: each validates and queues
and never waits on the network. Only flush and close wait, and here they are
awaitables: the core's blocking wait runs in a thread of its own (with the GIL
released), and its end is handed to the event loop, which keeps running meanwhile.
"""
from __future__ import annotations

import asyncio
import threading
from typing import Any, Callable, Optional

from ._client import BaseClient
from ._errors import Error
from ._logging import logger

__all__ = ["AsyncClient"]


async def _off_the_loop(name: str, call: Callable[[], None]) -> None:
    """Run call (a blocking core call that raises its error) in a new thread and
    wait for it without blocking the loop. The error is made in that thread (the
    core's message is per thread) and raised here. Cancelling the await does not
    stop the call: it ends at its own deadline."""
    loop = asyncio.get_running_loop()
    done: "asyncio.Future[None]" = loop.create_future()

    def settle(error: Optional[BaseException]) -> None:
        if done.done():  # the awaiting task was cancelled
            return
        if error is None:
            done.set_result(None)
        else:
            done.set_exception(error)

    def run() -> None:
        error: Optional[BaseException] = None
        try:
            call()
        except BaseException as exc:  # handed to the awaiting task
            error = exc
        try:
            loop.call_soon_threadsafe(settle, error)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass

    threading.Thread(target=run, name="spoor-" + name, daemon=True).start()
    await done


class AsyncClient(BaseClient):
    """A client for asyncio: ``async with spoor.AsyncClient(...) as client:``.

    Takes the same arguments as :class:`spoor.Client`. Every operation (track,
    identify, record_event, batch, ...) is the same synchronous call, which never
    waits on the network; ``flush`` and ``close`` are coroutines that never block
    the event loop. Leaving the ``async with`` block awaits ``close()``.
    """

    async def flush(self, timeout: Optional[float] = None) -> None:
        """Wait, without blocking the loop, until everything accepted so far is
        delivered or has finally failed. Raises spoor.TimeoutError after
        `timeout` seconds (nothing is lost: delivery goes on)."""
        await _off_the_loop("flush", lambda: self._flush(timeout))

    async def close(self, timeout: Optional[float] = None) -> None:
        """Flush (until `timeout` seconds, default close_timeout), stop the worker
        and refuse later calls with spoor.ClosedError, without blocking the loop.
        A second close is a no-op."""
        await _off_the_loop("close", lambda: self._close(timeout))

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            await self.close()
            return
        try:  # do not hide the exception that is leaving the block
            await self.close()
        except Error as close_error:
            logger.warning("close: %s", close_error)
