"""spoor's exceptions, and the one place where core error codes become them."""
from __future__ import annotations

import builtins
from typing import Dict, NoReturn, Optional, Type

from ._spoor_cffi import ffi, lib

__all__ = ["Error", "ValidationError", "ConfigError", "ClosedError", "TimeoutError",
           "error_name", "raise_error"]


class Error(Exception):
    """Base of every spoor error. ``code`` is the core's error name
    (``"INVALID"``, ``"TIMED_OUT"``, ...), ``message`` the core's message."""

    def __init__(self, message: str, code: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class ValidationError(Error, ValueError):
    """The call's input breaks a validation rule; the message names the field."""


class ConfigError(Error, ValueError):
    """An unknown configuration key or a bad value; the message names the key."""


class ClosedError(Error):
    """The client was closed."""


class TimeoutError(Error, builtins.TimeoutError):  # noqa: A001 - spoor.TimeoutError
    """flush() or close() reached its deadline; delivery goes on."""


# Core error name -> exception class. Names not listed raise Error.
_CLASSES: Dict[str, Type[Error]] = {
    "INVALID": ValidationError,
    "TOO_LARGE": ValidationError,
    "CONFIG_UNKNOWN": ConfigError,
    "CONFIG_INVALID": ConfigError,
    "CLOSED": ClosedError,
    "TIMED_OUT": TimeoutError,
}


def error_name(code: int) -> str:
    """The core's name of an error code, e.g. ``"TIMED_OUT"``."""
    return str(ffi.string(lib.spoor_err2name(code)).decode("utf-8", "replace"))


def error_class(name: Optional[str]) -> Type[Error]:
    return _CLASSES.get(name or "", Error)


def raise_error(code: int) -> NoReturn:
    """Raise the exception for a failed core call. Call it in the thread that
    made the call, right after it: the message is thread-local."""
    message = ffi.string(lib.spoor_last_error()).decode("utf-8", "replace")
    if not message:
        message = ffi.string(lib.spoor_strerror(code)).decode("utf-8", "replace")
    name = error_name(code)
    raise error_class(name)(message, name)
