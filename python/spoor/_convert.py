"""Python values to the JSON texts and config strings libspoor takes.

The fast path is orjson when it is installed (``pip install spoor[fast]``), else
the json module's C encoder, each with a `default` hook for the few extra types.
orjson takes only what it writes as json would (see to_json); the rest goes to
the json path, which is the reference. Only when that fails is the value walked
again, slowly, to name the field that broke (e.g. ``properties.items[1].price``)."""
from __future__ import annotations

import datetime as _dt
import enum
import json
import math
import os
import uuid
from decimal import Decimal
from typing import Any, Callable, Dict, List, Mapping, NoReturn, Optional, Set, Tuple

from ._errors import ValidationError

try:
    import orjson
    if tuple(int(part) for part in orjson.__version__.split(".")[:2]) < (3, 9):
        orjson = None  # type: ignore[assignment, unused-ignore]  # older than the fast extra's, never tested
except (ImportError, ValueError):  # optional (the "fast" extra): the json module does it all
    orjson = None  # type: ignore[assignment, unused-ignore]

__all__ = ["to_json", "iso8601", "config_text", "ENCODER"]

_UTC = _dt.timezone.utc


def iso8601(value: _dt.datetime) -> str:
    """ISO-8601 in UTC with milliseconds; naive datetimes are taken as UTC."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        value = value.replace(tzinfo=_UTC)
    else:
        value = value.astimezone(_UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (value.microsecond // 1000)


# Decimals become a placeholder string that is swapped for the number after
# encoding; the random token keeps user strings from ever matching.
_DECIMAL_TAG = "\x00spoor-decimal-%s:" % os.urandom(8).hex()  # (as secrets.token_hex, without importing hmac)


class _HasDecimal(Exception):
    """Raised by the fast encoder's hook: take the path that keeps Decimals exact."""


def _default_fast(value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        return iso8601(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):  # orjson sends any Enum as its value: so does this path
        return value.value
    if isinstance(value, Decimal):
        raise _HasDecimal()
    raise TypeError("not JSON serialisable")


_OPTIONS: Dict[str, Any] = dict(allow_nan=False, ensure_ascii=False, separators=(",", ":"))


def _fast_encoder() -> Callable[[Any], str]:
    """One C encoder made once (json.dumps makes one per call): no circular
    check (a cycle ends in RecursionError, reported by the slow walk)."""
    make = getattr(json.encoder, "c_make_encoder", None)
    quote = getattr(json.encoder, "c_encode_basestring", None)
    if make is not None and quote is not None:
        try:
            encode = make(None, _default_fast, quote, None, ":", ",", False, False, False)
            if "".join(encode({"a": [1.5, "\u00e9"]}, 0)) == '{"a":[1.5,"\u00e9"]}':
                return lambda value: "".join(encode(value, 0))
        except TypeError:  # another signature: use the public API
            pass
    return json.JSONEncoder(default=_default_fast, check_circular=False, **_OPTIONS).encode


_FAST = _fast_encoder()


def _encode_with_decimals(value: Any) -> str:
    """Decimals become placeholder strings, swapped for the exact numbers after."""
    numbers: List[str] = []

    def default(item: Any) -> Any:
        if isinstance(item, Decimal):
            if not item.is_finite():
                raise ValueError("not a finite number")
            numbers.append(str(item))
            return "%s%d" % (_DECIMAL_TAG, len(numbers) - 1)
        return _default_fast(item)

    text = json.JSONEncoder(default=default, **_OPTIONS).encode(value)
    tag = _DECIMAL_TAG.replace("\x00", "\\u0000")
    for index, number in enumerate(numbers):
        text = text.replace('"%s%d"' % (tag, index), number, 1)
    return text


def _json_module(value: Any, field: str) -> bytes:
    """Encode value as UTF-8 JSON. TypeError / ValueError name the field path.
    A lone surrogate is passed through as the bytes it would be (not UTF-8): the
    core refuses them, naming the field, as it does for any binding."""
    try:
        try:
            text = _FAST(value)
        except _HasDecimal:
            text = _encode_with_decimals(value)
        return text.encode("utf-8", "surrogatepass")
    except (TypeError, ValueError, RecursionError) as exc:
        _raise_at(value, field, exc)


if orjson is not None:
    # Subclasses (of dict, str, int, list), dataclasses and date/times go to the json
    # path's hook, which converts what it converts there too (datetime, UUID, ...) and
    # refuses the rest, as orjson refuses non-str keys, ints beyond 64 bits and lone
    # surrogates: then the json path encodes the value, exactly as without orjson, or
    # words the error.
    _ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATACLASS | \
        orjson.OPT_PASSTHROUGH_DATETIME
    _orjson_dumps = orjson.dumps
    _orjson_error = orjson.JSONEncodeError

    def _orjson(value: Any, field: str) -> bytes:
        """orjson's bytes, or the json path's where the two would differ."""
        try:
            data = _orjson_dumps(value, _default_fast, _ORJSON_OPTIONS)
        except _orjson_error:
            return _json_module(value, field)
        # orjson writes NaN and infinity as null, which json refuses: a text with a
        # null (a None, or a string that holds the word) is encoded by json instead.
        if data.find(b"null") >= 0:  # (find: faster than `in` on bytes)
            return _json_module(value, field)
        return data


ENCODER = "json" if orjson is None else "orjson"
"""The encoder of event values: "orjson" when it is installed, else "json"."""
to_json: Callable[[Any, str], bytes] = _json_module if orjson is None else _orjson


_SCALARS = (str, int, bool, type(None), _dt.date, uuid.UUID)


def _raise_at(value: Any, field: str, cause: BaseException) -> NoReturn:
    """Find the first bad value under `value` and raise an error naming it."""
    problem = _find(value, field, set())
    if problem is None:  # not found by the walk: report the encoder's words
        raise ValidationError("%s: %s" % (field, cause), "INVALID") from None
    path, kind, what = problem
    if kind is ValueError:  # a value no JSON can hold: spoor's ValidationError, still a ValueError
        raise ValidationError("%s: %s" % (path, what), "INVALID") from None
    raise kind("%s: %s" % (path, what)) from None


def _find(value: Any, path: str, seen: Set[int]) -> Optional[Tuple[str, Callable[[str], Exception], str]]:
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return path, ValueError, "%r is not a JSON number (NaN and infinity are not allowed)" % value
        return None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return path, ValueError, "Decimal(%r) is not a JSON number" % str(value)
        return None
    if isinstance(value, _SCALARS):
        return None
    if isinstance(value, enum.Enum):
        return _find(value.value, path, seen)
    if isinstance(value, (dict, list, tuple)):
        if id(value) in seen:
            return path, ValueError, "circular reference"
        seen.add(id(value))
        try:
            if isinstance(value, dict):
                for key, item in value.items():
                    if not isinstance(key, (str, int, float, bool, type(None))):
                        return path, TypeError, "key %r is not a string" % (key,)
                    found = _find(item, "%s.%s" % (path, key) if path else str(key), seen)
                    if found:
                        return found
            else:
                for index, item in enumerate(value):
                    found = _find(item, "%s[%d]" % (path, index), seen)
                    if found:
                        return found
        finally:
            seen.discard(id(value))
        return None
    return path, TypeError, "%s is not JSON serialisable (use dict, list, str, int, float, bool, " \
        "None, datetime, date, Decimal or UUID)" % type(value).__name__


# -- configuration values --------------------------------------------------

# spoor_prop_type_t values (the enum of spoor/config.h)
PROP_STRING, PROP_INT, PROP_BOOL, PROP_DURATION, PROP_JSON, PROP_ENUM = range(6)


def config_text(key: str, kind: int, value: Any) -> Optional[str]:
    """The text spoor_config_set() takes for a Python value of a key of `kind`.
    None means "the default". Raises TypeError (the caller names the key)."""
    if value is None:
        return None
    if kind == PROP_BOOL:
        if isinstance(value, bool):
            return "true" if value else "false"
        raise TypeError("expected True or False, got %r" % (value,))
    if kind == PROP_INT:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        raise TypeError("expected an int, got %r" % (value,))
    if kind == PROP_DURATION:
        if isinstance(value, _dt.timedelta):
            value = value.total_seconds()
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            return "%ss" % value  # seconds, with their unit: the core converts, checks and words it
        raise TypeError("expected a number of seconds, got %r" % (value,))
    if kind == PROP_JSON:
        if isinstance(value, str):
            return value
        if isinstance(value, Mapping):
            return to_json(dict(value), key).decode("utf-8")
        raise TypeError("expected a dict, got %r" % (value,))
    # STRING and ENUM
    if isinstance(value, _dt.datetime):
        return iso8601(value)
    if isinstance(value, os.PathLike):
        return str(os.fspath(value))
    if isinstance(value, str):
        return value
    raise TypeError("expected a string, got %r" % (value,))


def without_none(items: Dict[str, Any]) -> Dict[str, Any]:
    return {key: value for key, value in items.items() if value is not None}
