"""The encoders of event values: orjson, when it is installed (``spoor[fast]``), and the
json module, the reference. Whichever encodes a value, the core makes the same event of
it, or the call fails with the same error. ci/test-python runs this suite twice, with
orjson installed and without it; the comparisons below need both in one process."""
from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import enum
import importlib.util
import uuid
from decimal import Decimal
from typing import Any, Callable, List, Tuple

import pytest

import spoor
from spoor import _client, _convert

HAVE_ORJSON = importlib.util.find_spec("orjson") is not None
needs_orjson = pytest.mark.skipif(not HAVE_ORJSON, reason="orjson is not installed (the json-only run)")


class Colour(enum.Enum):
    RED = "red"


class Size(enum.IntEnum):
    LARGE = 3


class Unit(str, enum.Enum):
    KG = "kg"


class Broken(enum.Enum):
    NAN = float("nan")


class MyDict(dict):  # type: ignore[type-arg]
    pass


class MyStr(str):
    pass


class MyInt(int):
    pass


class MyFloat(float):
    pass


class MyList(list):  # type: ignore[type-arg]
    pass


class MyDatetime(dt.datetime):
    pass


@dataclasses.dataclass
class Point:
    x: int = 1


def _circular() -> List[Any]:
    loop: List[Any] = []
    loop.append(loop)
    return loop


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


# (name, value): every kind of value the two encoders could write differently.
CASES: List[Tuple[str, Any]] = [
    ("int", 20), ("negative", -7), ("zero float", 0.0), ("negative zero", -0.0), ("price", 99.99),
    ("0.1+0.2", 0.1 + 0.2), ("1e15", 1e15), ("1e16", 1e16), ("1e-7", 1e-7), ("tiny", 5e-324),
    ("huge float", 1.7976931348623157e308), ("2^53+1", 2**53 + 1), ("2^63-1", 2**63 - 1),
    ("-2^63", -2**63), ("2^64-1", 2**64 - 1), ("2^64", 2**64), ("-2^63-1", -2**63 - 1), ("10^30", 10**30),
    ("NaN", float("nan")), ("infinity", float("inf")), ("-infinity", float("-inf")),
    ("NaN deep", {"a": [1, {"b": float("nan")}]}), ("None", None), ("None and NaN", [None, float("nan")]),
    ("the word null", "null"), ("bools", [True, False]),
    ("int key", {1: 2}), ("bool key", {True: 1}), ("None key", {None: 1}), ("float key", {1.5: 1}),
    ("tuple key", {(1, 2): 1}), ("tuple", (1, 2)), ("nested tuple", [1, [2, (3,)]]),
    ("dict subclass", MyDict(a=1)), ("OrderedDict", collections.OrderedDict(b=1, a=2)),
    ("str subclass", MyStr("s")), ("int subclass", MyInt(3)), ("float subclass", MyFloat(2.5)),
    ("list subclass", MyList([1, 2])), ("str subclass key", {MyStr("k"): 1}),
    ("Enum", Colour.RED), ("IntEnum", Size.LARGE), ("str Enum", Unit.KG), ("Enum of NaN", Broken.NAN),
    ("dataclass", Point()), ("naive datetime", dt.datetime(2026, 1, 2, 3, 4, 5, 678901)),
    ("aware datetime", dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))),
    ("datetime subclass", MyDatetime(2026, 1, 2)), ("date", dt.date(2026, 1, 2)), ("time", dt.time(1, 2)),
    ("Decimal", Decimal("19.99")), ("big Decimal", Decimal("12345678901234567890.123456789")),
    ("Decimal exponent", Decimal("1E+2")), ("Decimal NaN", Decimal("NaN")),
    ("UUID", uuid.UUID(int=5)), ("non-ASCII", "é—😀 ünïcödé"), ("controls", "\x00\x1f\x7f\u2028\u2029"),
    ("escapes", 'a"b\\c\n\t\r\b\f/'), ("lone surrogate", "bad \ud800"), ("surrogate key", {"k\udfff": 1}),
    ("bytes", b"raw"), ("set", {1}), ("object", object()), ("circular", _circular()),
    ("nested 30", _nested(30)), ("nested 300", _nested(300)), ("long text", "x" * 40000),
]


def _outcome(encode: Callable[[Any, str], bytes], monkeypatch: pytest.MonkeyPatch,
             call: Callable[[spoor.Client], None]) -> Tuple[str, str]:
    """What a call makes with one encoder: the event as the core writes it, or the error."""
    monkeypatch.setattr(_client, "to_json", encode)
    client = spoor.Client(mode="capture", test_id_seed=1, test_fixed_time="2026-01-02T03:04:05.678Z")
    try:
        call(client)
    except Exception as exc:  # the error, as the caller sees it
        return type(exc).__name__, str(exc)
    finally:
        monkeypatch.undo()
    out = _client.ffi.new("char **")
    assert _client.lib.spoor_captured(client._ptr, out) == 0
    try:
        return "event", _client.ffi.string(out[0]).decode("utf-8")
    finally:
        _client.lib.spoor_free(out[0])


@needs_orjson
@pytest.mark.parametrize("value", [v for _, v in CASES], ids=[n for n, _ in CASES])
def test_orjson_gives_what_json_gives(value: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def track(client: spoor.Client) -> None:
        client.track("e", user_id="u", properties={"v": value})

    with_json = _outcome(_convert._json_module, monkeypatch, track)
    assert _outcome(_convert._orjson, monkeypatch, track) == with_json


@needs_orjson
@pytest.mark.parametrize("call", [
    lambda c: c.identify("u", {"plan": "pro", "seats": 3.5, "since": dt.date(2026, 1, 2)}),
    lambda c: c.record_event("purchase", {"profileId": "p", "totalprice": Decimal("35.10")}),
    lambda c: c.batch([{"type": "track", "event": "a", "userId": "u", "properties": {"n": float("inf")}}]),
    lambda c: c.page("u", "Home", {"path": "/é"}),
], ids=["identify", "record_event", "batch", "page"])
def test_orjson_gives_what_json_gives_on_every_call(call: Callable[[spoor.Client], None],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    assert _outcome(_convert._orjson, monkeypatch, call) == _outcome(_convert._json_module, monkeypatch, call)


# Values as a service sends them: orjson must write them byte for byte as json does, so
# that the core takes its one-pass path for both (non-ASCII as UTF-8, floats as repr).
@needs_orjson
def test_orjson_writes_common_values_as_json_does() -> None:
    message = {"event": "purchase", "userId": "user_1", "properties": {
        "revenue": 99.99, "tax": 0.1 + 0.2, "count": 3, "big": 2**60, "free": False, "name": "Crème brûlée — 🍮",
        "quote": 'say "hi"\n', "items": [{"price": 20, "ratio": -1.5}, {"price": 15, "ratio": 1e15}],
        "when": dt.datetime(2026, 1, 2, 3, 4, 5), "day": dt.date(2026, 1, 2), "id": uuid.UUID(int=7)}}
    assert _convert._orjson(message, "") == _convert._json_module(message, "")


def test_encoder_is_orjson_when_installed() -> None:
    assert _convert.ENCODER == ("orjson" if HAVE_ORJSON else "json")
    assert _convert.to_json is (_convert._orjson if HAVE_ORJSON else _convert._json_module)


def test_enum_is_sent_as_its_value() -> None:
    client = spoor.Client(mode="capture")
    client.track("e", user_id="u", properties={"colour": Colour.RED, "size": Size.LARGE, "unit": Unit.KG})
    assert client.captured()[0]["properties"] == {"colour": "red", "size": 3, "unit": "kg"}
    with pytest.raises(ValueError) as info:
        client.track("e", user_id="u", properties={"list": [Broken.NAN]})
    assert str(info.value).startswith("properties.list[0]: nan is not a JSON number"), str(info.value)
