"""The core's log lines, forwarded to the standard logger "spoor"."""
from __future__ import annotations

import logging
import sys
import threading

logger = logging.getLogger("spoor")

# spoor_log_level_t (syslog numbers) -> logging levels
_LEVELS = {3: logging.ERROR, 4: logging.WARNING, 6: logging.INFO, 7: logging.DEBUG}


def forward(level: int, message: str) -> None:
    logger.log(_LEVELS.get(level, logging.INFO), message)


def core_level() -> str:
    """The core's log_level matching the "spoor" logger's effective level, so
    the core does not format lines that logging would throw away."""
    effective = logger.getEffectiveLevel()
    if effective <= logging.DEBUG:
        return "debug"
    if effective <= logging.INFO:
        return "info"
    if effective <= logging.WARNING:
        return "warn"
    return "error"

# A library does not print: without handlers configured by the application,
# records stop here instead of reaching logging's last-resort stderr handler.
logger.addHandler(logging.NullHandler())


_debug_lock = threading.Lock()


def _has_handler() -> bool:
    """Whether a record of "spoor" would reach a handler the application set up."""
    current: "logging.Logger | None" = logger
    while current is not None:
        if any(not isinstance(h, logging.NullHandler) for h in current.handlers):
            return True
        current = current.parent if current.propagate else None
    return False


def enable_debug() -> None:
    """debug=True: let debug lines through the "spoor" logger and, when the
    application configured no logging at all, print them to stderr
    ("[spoor] DEBUG Event queued: purchase")."""
    with _debug_lock:
        if logger.getEffectiveLevel() > logging.DEBUG:
            logger.setLevel(logging.DEBUG)
        if not _has_handler():
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("[spoor] %(levelname)s %(message)s"))
            logger.addHandler(handler)
