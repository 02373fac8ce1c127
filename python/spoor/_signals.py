"""spoor.flush_on_signals(): deliver what is queued when a signal ends the process.

Python ends on SIGTERM (its default action) without running atexit, so the
clients' exit-time close never runs and queued events are lost: a Flask or
Django development server, a plain script, a container's PID 1. Servers that
handle the signal themselves (gunicorn's workers, uvicorn) exit through atexit
and need nothing; see docs/python.md."""
from __future__ import annotations

import signal
from types import FrameType
from typing import Any, Callable, Dict, Optional, Union

from ._client import _live
from ._errors import Error
from ._logging import logger

__all__ = ["flush_on_signals"]

_Handler = Union[Callable[[int, Optional[FrameType]], Any], int, signal.Handlers, None]

# signal number -> the handler flush_on_signals replaced, which it chains to
_previous: Dict[int, _Handler] = {}


def flush_on_signals(*signals: int) -> None:
    """On SIGTERM and SIGINT (or the given signals), deliver what every live
    client has queued, then do what the signal did before:

    - when that was the default action (the process ends, without atexit), each
      client is closed (bounded by its ``close_timeout``) and the signal is
      raised again with its default action, so the process ends as it would
      have, exit status included;
    - when it was a handler (yours, a server's, or SIGINT's KeyboardInterrupt),
      each client is flushed (bounded by its ``close_timeout``) and that handler
      is called; the clients stay open, and atexit closes them when the process
      ends;
    - when the signal was ignored, the clients are flushed and it stays ignored.

    Opt-in, for the main thread (as :func:`signal.signal`); calling it again is
    harmless. Install it before a server that saves and restores the previous
    handlers (uvicorn does), so that the server chains to it."""
    for signum in signals or (signal.SIGTERM, signal.SIGINT):
        current = signal.getsignal(signum)
        if current is _on_signal:
            continue
        signal.signal(signum, _on_signal)  # raises ValueError outside the main thread
        _previous[signum] = current


def _on_signal(signum: int, frame: Optional[FrameType]) -> None:
    previous = _previous.get(signum, signal.SIG_DFL)
    # None: a handler set outside Python, which cannot be called from here.
    ends = previous is None or previous == signal.SIG_DFL
    for client in list(_live):
        try:
            if ends:  # blocking, for an AsyncClient too: the process is going
                client._close(None)
            else:
                client._flush(client._close_timeout)
        except Error as exc:
            logger.warning("%s: %s", signal.Signals(signum).name, exc)
    if ends:
        signal.signal(signum, signal.SIG_DFL)
        signal.raise_signal(signum)
    elif callable(previous):
        previous(signum, frame)
