"""spoor: server-side event tracking (the Python binding of libspoor).

    import spoor
    client = spoor.Client(api_key="...", host="https://ingest.example.com")
    client.track("purchase", user_id="user_123", properties={"revenue": 99.99})
    client.close()

or a module-level default client:

    spoor.init(api_key="...", host="...")
    spoor.record_event("purchase", {"profileId": "p1", "totalprice": 35})
"""
from __future__ import annotations

import functools
import inspect
import sys
import threading
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar

from ._client import BeforeSend, Client, ConfigProperty, DeliveryReport, config_properties, version
from ._errors import ClosedError, ConfigError, Error, TimeoutError, ValidationError
from ._options import ClientOptions
from ._signals import flush_on_signals

if sys.version_info >= (3, 11):
    from typing import Unpack  # novermin (only on 3.11 and newer, by the check above)
elif TYPE_CHECKING:
    from typing_extensions import Unpack
if TYPE_CHECKING:
    from ._async import AsyncClient

__version__ = version()  # the core's, from spoor/version.h (the one place it is written)

__all__ = [
    "Client", "AsyncClient", "BeforeSend", "ClientOptions", "DeliveryReport", "ConfigProperty",
    "config_properties", "version",
    "Error", "ValidationError", "ConfigError", "ClosedError", "TimeoutError",
    "init", "default_client", "record_event", "profile", "track_consents", "track", "identify",
    "group", "page", "screen", "alias", "product", "ingest_feed", "batch", "enqueue", "flush", "close",
    "anonymous_id", "stats", "fetch_sources", "fetch_collections", "captured", "clear_captured",
    "flush_on_signals",
]


def __getattr__(name: str) -> Any:
    """AsyncClient is imported on first use: asyncio takes longer to import than all
    of the rest of spoor, which a process that never uses it should not pay."""
    if name == "AsyncClient":
        from ._async import AsyncClient
        globals()[name] = AsyncClient
        return AsyncClient
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


_default: Optional[Client] = None
_default_lock = threading.Lock()


def init(api_key: Optional[str] = None, *, host: Optional[str] = None,
         on_delivery: Optional[Callable[[DeliveryReport], Any]] = None,
         before_send: Optional[BeforeSend] = None,
         **config: Unpack[ClientOptions]) -> Client:
    """Create the module-level client (closing any previous one) and return it.
    Takes the same arguments as :class:`Client`."""
    global _default
    client = Client(api_key, host=host, on_delivery=on_delivery, before_send=before_send, **config)
    with _default_lock:
        previous, _default = _default, client
    if previous is not None:
        previous.close()
    return client


def default_client() -> Client:
    """The client made by :func:`init`."""
    client = _default
    if client is None:
        raise Error("spoor.init() has not been called", None)
    return client


if TYPE_CHECKING:  # typing has these from Python 3.10; only the checker needs them
    from typing import Concatenate, ParamSpec  # novermin
    _P = ParamSpec("_P")
_R = TypeVar("_R")


def _on_default(method: Callable[Concatenate[Client, _P], _R]) -> Callable[_P, _R]:
    """Client.method as a module function acting on the default client, with the
    method's signature less ``self`` (what help() and inspect.signature show)."""
    @functools.wraps(method)
    def call(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        return method(default_client(), *args, **kwargs)
    signature = inspect.signature(method)
    call.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=list(signature.parameters.values())[1:])
    del call.__wrapped__  # inspect would follow it back to the method's signature
    return call


record_event = _on_default(Client.record_event)
profile = _on_default(Client.profile)
track_consents = _on_default(Client.track_consents)
track = _on_default(Client.track)
identify = _on_default(Client.identify)
group = _on_default(Client.group)
page = _on_default(Client.page)
screen = _on_default(Client.screen)
alias = _on_default(Client.alias)
product = _on_default(Client.product)
ingest_feed = _on_default(Client.ingest_feed)
batch = _on_default(Client.batch)
enqueue = _on_default(Client.enqueue)
flush = _on_default(Client.flush)
stats = _on_default(Client.stats)
fetch_sources = _on_default(Client.fetch_sources)
fetch_collections = _on_default(Client.fetch_collections)
captured = _on_default(Client.captured)
clear_captured = _on_default(Client.clear_captured)


def close(timeout: Optional[float] = None) -> None:
    """Close the default client (if any) and forget it."""
    global _default
    with _default_lock:
        client, _default = _default, None
    if client is not None:
        client.close(timeout)


def anonymous_id() -> str:
    """The default client's anonymous id."""
    return default_client().anonymous_id


