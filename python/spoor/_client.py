"""spoor.Client: the thin layer over one libspoor client."""
from __future__ import annotations

import atexit
import json
import os
import sys
import threading
import traceback
import warnings
import weakref
from collections.abc import Mapping as _Mapping  # for isinstance: typing's Mapping is slower
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, NamedTuple, Optional, Sequence, Union

from ._convert import PROP_STRING, config_text, to_json, without_none
from ._errors import ConfigError, Error, error_name, raise_error
from ._logging import core_level, enable_debug, forward, logger
from ._options import ClientOptions
from ._spoor_cffi import ffi, lib

if sys.version_info >= (3, 11):
    from typing import Unpack  # novermin (only on 3.11 and newer, by the check above)
elif TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["Client", "DeliveryReport", "ConfigProperty", "config_properties", "version", "BeforeSend"]

JSON = Any  # a value the converter takes: dict, list, str, int, float, bool, None, ...

BeforeSend = Callable[[Dict[str, Any]], Optional[Mapping[str, Any]]]
"""A before_send hook: takes each event as it will be sent (a dict) and returns it,
changed or not, or None to drop it."""


@dataclass(frozen=True)
class DeliveryReport:
    """What became of `event_ids`: delivered (error None) or why they failed."""

    error: Optional[str]
    """The core's error name (``"HTTP"``, ``"TRANSPORT"``, ``"REJECTED"``,
    ``"QUEUE_FULL"``, ``"ABORTED"``), or None when the server accepted them."""
    http_status: int
    """The last HTTP status, 0 when none was received."""
    reason: str
    event_ids: List[str] = field(default_factory=list)
    events: List[str] = field(default_factory=list)
    """The failed events as queued (JSON texts), e.g. to keep them aside; empty
    for delivered ones (their ids say which), as in Node."""

    @property
    def ok(self) -> bool:
        return self.error is None


class ConfigProperty(NamedTuple):
    """One configuration key, as the core lists it."""

    name: str
    type: str  # string, int, bool, duration (seconds in Python), json, enum
    default: str
    description: str
    min: int
    max: int
    secret: bool
    unstable: bool = False  # a test hook, not part of the stable API


_TYPE_NAMES = {0: "string", 1: "int", 2: "bool", 3: "duration", 4: "json", 5: "enum"}


def _text(ptr: Any) -> str:
    return str(ffi.string(ptr).decode("utf-8", "replace")) if ptr != ffi.NULL else ""


def _core_properties() -> List[Any]:
    """The core's property table, entry by entry (spoor_config_property)."""
    table: List[Any] = []
    while True:
        p = lib.spoor_config_property(len(table))
        if p == ffi.NULL:
            return table
        table.append(p)


def config_properties() -> List[ConfigProperty]:
    """Every configuration key of the core (Client keyword arguments)."""
    return [ConfigProperty(_text(p.name), _TYPE_NAMES.get(int(p.type), "string"),
                           _text(p.default_value), _text(p.description),
                           int(p.min), int(p.max), bool(p.secret), bool(p.unstable))
            for p in _core_properties()]


def version() -> str:
    """The version of the loaded libspoor."""
    return _text(lib.spoor_version())


def _property_types() -> Dict[str, int]:
    return {_text(p.name): int(p.type) for p in _core_properties()}


# key -> spoor_prop_type_t: drives the conversion of every keyword argument
_PROPERTY_TYPES = _property_types()
# the counters of spoor_stats_t (SPOOR_STATS_COUNTERS): every field after its size
_COUNTERS = [name for name, _ in ffi.typeof("spoor_stats_t").fields if name != "size"]
# the keys the core marks secret: an error about one never shows its value
_SECRET_KEYS = frozenset(p.name for p in config_properties() if p.secret)


# -- callbacks from C (cffi takes the GIL around each) ----------------------

_tls = threading.local()


def _running() -> "List[_Callbacks]":
    """The clients (their _Callbacks) whose callback this thread is running now."""
    running: Optional[List[_Callbacks]] = getattr(_tls, "running", None)
    if running is None:
        running = _tls.running = []
    return running


class _Callbacks:
    """The Python side of one client's callbacks, reached through a cffi handle."""

    __slots__ = ("on_delivery", "access_token", "before_send")

    def __init__(self, on_delivery: Optional[Callable[[DeliveryReport], Any]],
                 access_token: Optional[Callable[[], str]], before_send: Optional[BeforeSend]) -> None:
        self.on_delivery = on_delivery
        self.access_token = access_token
        self.before_send = before_send


def _spoor_log_cb(level: int, message: Any, opaque: Any) -> None:
    try:
        text = _text(message)
        creating: Optional[List[str]] = getattr(_tls, "creating", None)
        if creating is not None and level <= 4:  # a warning of spoor_client_new, on this thread
            creating.append(text)
        forward(int(level), text)
    except Exception:  # a broken handler must not reach C
        pass


def _spoor_delivery_cb(report: Any, opaque: Any) -> None:
    callbacks: _Callbacks = ffi.from_handle(opaque)
    running = _running()
    running.append(callbacks)
    try:
        if callbacks.on_delivery is None:
            return
        count = range(report.count)
        ids = [_text(report.event_ids[i]) for i in count]
        # The texts only of failed events: what a caller may want to keep (as in Node).
        failed = report.err != 0 and report.events != ffi.NULL
        events = [_text(report.events[i]) for i in count] if failed else []
        error = None if report.err == 0 else error_name(report.err)
        callbacks.on_delivery(DeliveryReport(error, int(report.http_status), _text(report.reason), ids, events))
    except Exception:
        logger.exception("on_delivery callback raised")
    finally:
        running.pop()


def _spoor_token_cb(buf: Any, size: int, opaque: Any) -> int:
    callbacks: _Callbacks = ffi.from_handle(opaque)
    running = _running()
    running.append(callbacks)
    try:
        assert callbacks.access_token is not None
        token = callbacks.access_token()
        if not isinstance(token, str):
            raise TypeError("access_token callable returned %s, not str" % type(token).__name__)
        data = token.encode("utf-8")
        if len(data) >= size:
            raise ValueError("access token longer than %d bytes" % (size - 1))
        ffi.memmove(buf, data + b"\0", len(data) + 1)
        return 0
    except Exception:
        logger.exception("access_token callable raised; the request waits for a token")
        return 1
    finally:
        running.pop()


def _spoor_before_send_cb(event: Any, reply: Any, opaque: Any) -> int:
    """before_send on the caller's thread, inside its call: the event as a dict in,
    the hook's dict (or None: drop) back as JSON text. An exception, or a value that
    is not a dict, goes to the core as the reason, which logs it and sends the event
    unchanged."""
    callbacks: _Callbacks = ffi.from_handle(opaque)
    assert callbacks.before_send is not None
    try:
        changed = callbacks.before_send(json.loads(ffi.string(event)))
        if changed is None:
            return int(lib.SPOOR_HOOK_DROP)
        if not isinstance(changed, Mapping):
            raise TypeError("before_send returned %s, not a dict or None" % type(changed).__name__)
        lib.spoor_hook_reply(reply, to_json(changed, "event"))
        return int(lib.SPOOR_HOOK_REPLACE)
    except Exception as exc:
        logger.debug("before_send raised", exc_info=True)
        why = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        lib.spoor_hook_reply(reply, why.encode("utf-8", "replace"))
        return int(lib.SPOOR_HOOK_FAILED)


for _callback in (_spoor_log_cb, _spoor_delivery_cb, _spoor_token_cb, _spoor_before_send_cb):
    ffi.def_extern()(_callback)  # bind to the extern "Python" declarations of the cdef


def _destroy(ptr: Any, handle: Any) -> None:
    """Free a client (closing it with close_timeout first). `handle` rides along
    so the callbacks' target lives until the worker has stopped."""
    if ffi.from_handle(handle) in _running():
        # Collected inside one of its own callbacks, on its worker thread: that
        # thread cannot join itself, so free the client from another one.
        threading.Thread(target=lib.spoor_client_destroy, args=(ptr,), daemon=True).start()
        return
    lib.spoor_client_destroy(ptr)


# Live clients, closed (which flushes, bounded by close_timeout) at exit.
_live: "weakref.WeakSet[BaseClient]" = weakref.WeakSet()


@atexit.register
def _close_at_exit() -> None:
    for client in list(_live):
        try:
            client._close(None)
        except Error as exc:
            logger.warning("at exit: %s", exc)


def _cstr(value: Optional[str], name: str) -> Any:
    if value is None:
        return ffi.NULL
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")  # a lone surrogate: the core refuses it, naming the field
    raise TypeError("%s: expected a string, got %s" % (name, type(value).__name__))


def _ms(timeout: Optional[float]) -> int:
    if timeout is None:
        return -1
    return max(0, min(int(timeout * 1000), 2**31 - 1))


def _caller_level() -> int:
    """The stacklevel that makes a warning point at the first caller outside this
    package (the line with Client(...) or spoor.init(...)), for its caller."""
    level, frame = 1, sys._getframe(1)
    while frame.f_back is not None and str(frame.f_globals.get("__name__", "")).partition(".")[0] == "spoor":
        level, frame = level + 1, frame.f_back
    return level


def _config_seconds(conf: Any, key: str) -> float:
    """A duration key's value in a config, in seconds."""
    buf = ffi.new("char[]", 32)
    lib.spoor_config_get(conf, key.encode("utf-8"), buf, 32)
    return int(ffi.string(buf) or b"0") / 1000


def _set_config(conf: Any, key: str, value: Any) -> None:
    try:
        text = config_text(key, _PROPERTY_TYPES.get(key, PROP_STRING), value)
    except TypeError as exc:
        if key not in _PROPERTY_TYPES:
            text = str(value)  # let the core say that the key is unknown
        elif key in _SECRET_KEYS:  # the type only: the value may be the secret, whatever its type
            raise ConfigError("%s: expected a string, got %s" % (key, type(value).__name__), "CONFIG_INVALID") from None
        else:
            raise ConfigError("%s: %s" % (key, exc), "CONFIG_INVALID") from None
    err = lib.spoor_config_set(conf, key.encode("utf-8"), ffi.NULL if text is None else text.encode("utf-8", "surrogatepass"))
    if err:
        raise_error(err)


class BaseClient:
    """What :class:`Client` and :class:`spoor.AsyncClient` share: the configuration
    (see :class:`Client`) and every call that never waits: the operations, stats and
    the captured events. They differ in how flush and close wait."""

    def __init__(self, api_key: Optional[str] = None, *, host: Optional[str] = None,
                 on_delivery: Optional[Callable[[DeliveryReport], Any]] = None,
                 before_send: Optional[BeforeSend] = None,
                 **config: Unpack[ClientOptions]) -> None:
        if on_delivery is not None and not callable(on_delivery):
            raise ConfigError("on_delivery: expected a callable", "CONFIG_INVALID")
        if before_send is not None and not callable(before_send):
            raise ConfigError("before_send: expected a callable", "CONFIG_INVALID")
        settings: Dict[str, Any] = {"binding": "python"}
        if api_key is not None:
            settings["api_key"] = api_key
        if host is not None:
            settings["host"] = host
        settings.update(config)
        token = settings.get("access_token")
        token_fn: Optional[Callable[[], str]] = None
        if callable(token):
            token_fn = token
            del settings["access_token"]
        if settings.get("debug") is True:
            enable_debug()
        if "log_level" not in settings:
            settings["log_level"] = "debug" if settings.get("debug") is True else core_level()

        callbacks = _Callbacks(on_delivery, token_fn, before_send)
        handle = ffi.new_handle(callbacks)
        conf = lib.spoor_config_new()
        if conf == ffi.NULL:
            raise MemoryError("spoor_config_new")
        out = ffi.new("spoor_client_t **")
        try:
            for key, value in settings.items():
                _set_config(conf, key, value)
            lib.spoor_config_set_log_cb(conf, lib._spoor_log_cb, ffi.NULL)
            if on_delivery is not None:
                lib.spoor_config_set_delivery_cb(conf, lib._spoor_delivery_cb, handle)
            if token_fn is not None:
                lib.spoor_config_set_token_cb(conf, lib._spoor_token_cb, handle)
            if before_send is not None:
                lib.spoor_config_set_before_send_cb(conf, lib._spoor_before_send_cb, handle)
            self._close_timeout = _config_seconds(conf, "close_timeout")
            creating: List[str] = []
            _tls.creating = creating
            try:
                err = lib.spoor_client_new(out, conf)
            finally:
                _tls.creating = None
            if err:
                raise_error(err)
        finally:
            lib.spoor_config_destroy(conf)
        # What the core warns about at creation (a duration in the wrong unit, a
        # damaged spool) also shows without logging set up, as Python warnings do.
        for message in creating:
            warnings.warn(message, UserWarning, stacklevel=_caller_level())
        self._ptr = out[0]
        self._callbacks = callbacks
        self._finalizer = weakref.finalize(self, _destroy, self._ptr, handle)
        self._finalizer.atexit = False  # _close_at_exit closes it instead
        _live.add(self)

    # -- operations (each validates in the core and queues, or raises) -------

    def record_event(self, collection: str, event: Mapping[str, JSON]) -> None:
        """recordEvent: the collection's fields become "properties"."""
        err = lib.spoor_record_event(self._ptr, _cstr(collection, "collection"), to_json(event, "event"))
        if err:
            raise_error(err)

    def profile(self, /, profile_id: Optional[str] = None, user_identifier: Optional[str] = None,
                account_identifier: Optional[str] = None, **attributes: JSON) -> None:
        """profile: identity keys plus any other attributes (traits)."""
        message = without_none({"profileId": profile_id, "user_identifier": user_identifier,
                                "account_identifier": account_identifier})
        message.update(attributes)
        err = lib.spoor_profile(self._ptr, to_json(message, ""))
        if err:
            raise_error(err)

    def track_consents(self, consents: Sequence[Mapping[str, JSON]], *, profile_id: Optional[str] = None,
                       user_id: Optional[str] = None) -> None:
        """Consents: [{"regulation": "GDPR"|"CCPA", "purpose": ..., "consented": bool}]."""
        subject = without_none({"profileId": profile_id, "userId": user_id})
        err = lib.spoor_track_consents(self._ptr, to_json(consents, "consents"), to_json(subject, ""))
        if err:
            raise_error(err)

    def track(self, event: Union[str, Mapping[str, JSON]], *, user_id: Optional[JSON] = None,
              anonymous_id: Optional[JSON] = None, profile_id: Optional[JSON] = None,
              properties: Optional[Mapping[str, JSON]] = None, event_id: Optional[JSON] = None,
              timestamp: Optional[JSON] = None, session_id: Optional[JSON] = None,
              account_id: Optional[JSON] = None, page_id: Optional[JSON] = None) -> None:
        """Track an event. `event` is its name, or the options object
        ({"event", "userId", "properties", ...}) as a dict."""
        if type(event) is not str and isinstance(event, _Mapping):
            options: Mapping[str, JSON] = event
        else:
            # The keywords given (not None), in this order: one test each, no dict of
            # ten to filter (the call's cost is mostly its Python, see docs/benchmarks.md).
            message: Dict[str, JSON] = {} if event is None else {"event": event}
            if user_id is not None:
                message["userId"] = user_id
            if anonymous_id is not None:
                message["anonymousId"] = anonymous_id
            if profile_id is not None:
                message["profileId"] = profile_id
            if properties is not None:
                message["properties"] = properties
            if event_id is not None:
                message["eventId"] = event_id
            if timestamp is not None:
                message["timestamp"] = timestamp
            if session_id is not None:
                message["sessionId"] = session_id
            if account_id is not None:
                message["accountId"] = account_id
            if page_id is not None:
                message["pageId"] = page_id
            options = message
        err = lib.spoor_track(self._ptr, to_json(options, ""))
        if err:
            raise_error(err)

    def identify(self, user_id: Union[str, Mapping[str, JSON], None],
                 traits: Optional[Mapping[str, JSON]] = None) -> None:
        """identify(user_id, traits) or identify({"userId", "traits", ...})."""
        if type(user_id) is not str and isinstance(user_id, _Mapping):
            options = user_id
            if set(options) - {"userId", "traits"}:
                return self._enqueue_as("identify", options)
            user_id, traits = options.get("userId"), options.get("traits")
        err = lib.spoor_identify(self._ptr, _cstr(user_id, "user_id"),
                                 ffi.NULL if traits is None else to_json(traits, "traits"))
        if err:
            raise_error(err)

    def group(self, user_id: Union[str, Mapping[str, JSON], None], group_id: Optional[str] = None,
              traits: Optional[Mapping[str, JSON]] = None) -> None:
        """group(user_id, group_id, traits) or group({"userId", "groupId", "traits", ...})."""
        if type(user_id) is not str and isinstance(user_id, _Mapping):
            options = user_id
            if set(options) - {"userId", "groupId", "traits"}:
                return self._enqueue_as("group", options)
            user_id, group_id, traits = options.get("userId"), options.get("groupId"), options.get("traits")
        err = lib.spoor_group(self._ptr, _cstr(user_id, "user_id"), _cstr(group_id, "group_id"),
                              ffi.NULL if traits is None else to_json(traits, "traits"))
        if err:
            raise_error(err)

    def page(self, user_id: Optional[str], name: Optional[str] = None,
             properties: Optional[Mapping[str, JSON]] = None) -> None:
        """A server-rendered page view."""
        err = lib.spoor_page(self._ptr, _cstr(user_id, "user_id"), _cstr(name, "name"),
                             ffi.NULL if properties is None else to_json(properties, "properties"))
        if err:
            raise_error(err)

    def screen(self, user_id: Optional[str], name: Optional[str] = None,
               properties: Optional[Mapping[str, JSON]] = None) -> None:
        """A screen view of a mobile or desktop app, as page()."""
        err = lib.spoor_screen(self._ptr, _cstr(user_id, "user_id"), _cstr(name, "name"),
                               ffi.NULL if properties is None else to_json(properties, "properties"))
        if err:
            raise_error(err)

    def alias(self, previous_id: Optional[str], user_id: Optional[str]) -> None:
        """previous_id (an anonymous id, or an earlier user id) is user_id from now on."""
        err = lib.spoor_alias(self._ptr, _cstr(previous_id, "previous_id"), _cstr(user_id, "user_id"))
        if err:
            raise_error(err)

    def product(self, product: Mapping[str, JSON]) -> None:
        """{"productId", "data"} or a catalog product {"id", "title", "description", "url", "image_link", ...}."""
        err = lib.spoor_product(self._ptr, to_json(product, "product"))
        if err:
            raise_error(err)

    def ingest_feed(self, text_or_path: Union[str, bytes, "os.PathLike[str]"]) -> int:
        """Queue every product of a JSON or XML catalog feed (the text, or a file's
        path). All are validated first; returns how many were queued."""
        if isinstance(text_or_path, os.PathLike):
            text_or_path = os.fspath(text_or_path)
        data = text_or_path.encode("utf-8", "surrogatepass") if isinstance(text_or_path, str) else bytes(text_or_path)
        count = ffi.new("size_t *")
        err = lib.spoor_ingest_feed(self._ptr, data, count)
        if err:
            raise_error(err)
        return int(count[0])

    def enqueue(self, message: Mapping[str, JSON]) -> None:
        """One message with a "type", as in batch()."""
        err = lib.spoor_enqueue(self._ptr, to_json(message, "message"))
        if err:
            raise_error(err)

    def _enqueue_as(self, type_: str, options: Mapping[str, JSON]) -> None:
        """An options dict with keys beyond the positional arguments (timestamp, context,
        ...): the whole message goes to the core, which takes or refuses each key."""
        message: Dict[str, JSON] = {"type": type_}
        message.update(options)
        self.enqueue(message)

    def batch(self, messages: Sequence[Mapping[str, JSON]]) -> None:
        """Several messages, each a dict with a "type" (track, identify, group,
        page, screen, alias, record, profile, consent, product). All or nothing."""
        err = lib.spoor_batch(self._ptr, to_json(messages, "batch"))
        if err:
            raise_error(err)

    # -- the Get APIs: the server's schema registry ------------------------

    def fetch_sources(self, org_name: str, project_name: str) -> Dict[str, Any]:
        """A project's sources with their collections, as the server answers
        ``{"org", "project", "sources": [{"id", "name", "collections"}]}``.
        Unlike every other call this one waits on the network: one GET (GIL
        released), bounded by ``timeout``; it never touches the event queue.
        Raises spoor.Error (code ``"HTTP"`` or ``"TRANSPORT"``) saying why."""
        return self._fetch(lib.spoor_fetch_sources, _cstr(org_name, "org_name"), _cstr(project_name, "project_name"))

    def fetch_collections(self, source: str) -> Dict[str, Any]:
        """One source's collections, ``{"source", "collections": {collection:
        {field: type}}}`` (what ``collection_schemas`` takes); one GET, as
        :meth:`fetch_sources`."""
        return self._fetch(lib.spoor_fetch_collections, _cstr(source, "source"))

    def _fetch(self, call: Callable[..., int], *args: Any) -> Dict[str, Any]:
        out = ffi.new("char **")
        err = call(self._ptr, *args, out)
        if err:
            raise_error(err)
        try:
            text = ffi.string(out[0])
        finally:
            lib.spoor_free(out[0])
        answer: Dict[str, Any] = json.loads(text)  # the core checked it is a JSON object
        return answer

    # -- waiting (blocking; Client and AsyncClient call these their way) ---

    def _flush(self, timeout: Optional[float]) -> None:
        err = lib.spoor_flush(self._ptr, _ms(timeout))
        if err:
            raise_error(err)

    def _close(self, timeout: Optional[float]) -> None:
        _live.discard(self)
        err = lib.spoor_close(self._ptr, _ms(timeout))
        if err:
            raise_error(err)

    # -- test mode ---------------------------------------------------------

    def captured(self) -> List[Dict[str, Any]]:
        """With ``mode="capture"``: every event the calls accepted so far, oldest
        first, as it would have been sent (dicts). Raises spoor.ValidationError
        in another mode."""
        out = ffi.new("char **")
        err = lib.spoor_captured(self._ptr, out)
        if err:
            raise_error(err)
        try:
            events: List[Dict[str, Any]] = json.loads(ffi.string(out[0]))
        finally:
            lib.spoor_free(out[0])
        return events

    def clear_captured(self) -> None:
        """With ``mode="capture"``: forget the events captured so far."""
        err = lib.spoor_captured_clear(self._ptr)
        if err:
            raise_error(err)

    @property
    def anonymous_id(self) -> str:
        """The client's own anonymous id, stable for its life."""
        return _text(lib.spoor_anonymous_id(self._ptr))

    def stats(self) -> Dict[str, int]:
        """Counters: accepted, queued, delivered, failed, dropped, retried, ..."""
        out = ffi.new("spoor_stats_t *")
        out.size = ffi.sizeof("spoor_stats_t")  # SPOOR_STATS_INIT
        err = lib.spoor_client_stats(self._ptr, out)
        if err:
            raise_error(err)
        return {name: int(getattr(out, name)) for name in _COUNTERS}

    def __repr__(self) -> str:
        return "<spoor.%s anonymous_id=%s>" % (type(self).__name__, self.anonymous_id)


class Client(BaseClient):
    """One event-tracking client: validates at the call, queues in memory and
    delivers in batches from a background thread.

    Every configuration key of the core is a keyword argument (durations in
    seconds); see :func:`spoor.config_properties`. ``access_token`` may be a
    callable returning the token; ``on_delivery`` is called from the worker
    thread with a :class:`DeliveryReport` for every delivered or failed batch;
    ``before_send`` is called on the caller's thread with each event as it will
    be sent (a dict) and returns it, changed or not, or None to drop it.
    """

    def flush(self, timeout: Optional[float] = None) -> None:
        """Wait (GIL released) until everything accepted so far is delivered or
        has finally failed. Raises spoor.TimeoutError after `timeout` seconds."""
        self._flush(timeout)

    def close(self, timeout: Optional[float] = None) -> None:
        """Flush (until `timeout` seconds, default close_timeout), stop the worker
        and refuse later calls with spoor.ClosedError. A second close is a no-op."""
        self._close(timeout)

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.close()
            return
        try:  # do not hide the exception that is leaving the block
            self.close()
        except Error as close_error:
            logger.warning("close: %s", close_error)
