"""The core's log lines, forwarded to the standard logger "spoor"."""
from __future__ import annotations

import logging

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
