"""Every configuration key: a good value and a bad one, and the keys' effects."""
from __future__ import annotations

import base64
import gzip as gzip_module
import hashlib
import hmac
import logging
import os
import textwrap
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import pytest

import spoor

from conftest import Collector, fingerprint

PROPS = {p.name: p for p in spoor.config_properties()}

# A good value for every key (Python types: durations in seconds).
GOOD: Dict[str, Any] = {
    "host": "http://127.0.0.1:9", "api_key": "k", "access_token": "tok", "username": "u",
    "password": "p", "headers": {"X-Tenant": "t1"}, "flush_at": 20, "flush_interval": 2.5,
    "max_batch_events": 100, "max_batch_bytes": 65536, "max_event_bytes": 4096,
    "max_queue_size": 500, "timeout": 3, "connect_timeout": 1.5, "retry_limit": 0,
    "retry_backoff": 0.2, "retry_backoff_max": 2.0, "delivery_timeout": 30, "retry_after_max": 30, "gzip": True,
    "secret": "s3cr3t", "spool_dir": "<tmp_path>/spool", "spool_sync": "event", "debug": True, "log_level": "info",
    "ca_path": "/etc/ssl/certs/ca-certificates.crt", "tls_verify": False,
    "proxy": "http://127.0.0.1:3128", "close_timeout": 1.0,
    "collection_schemas": {"purchase": {"totalprice": "number"}},
    "schemas_from": "shop-server", "schemas_refresh": 60, "schemas_wait": 0.5,
    "binding": "python", "key_style": "snake", "protocol": "spoor", "mode": "capture", "test_fixed_time": "2026-11-23T10:00:00Z", "test_id_seed": 7,
}

# A bad value for every key: wrong Python type, or a value the core refuses.
BAD: Dict[str, Any] = {
    "host": "ftp://example.com", "api_key": 5, "access_token": 5, "username": 5, "password": 5,
    "headers": ["X: y"], "flush_at": 0, "flush_interval": -1, "max_batch_events": "ten",
    "max_batch_bytes": 10, "max_event_bytes": 10**12, "max_queue_size": 0, "timeout": "10s!",
    "connect_timeout": float("inf"), "retry_limit": -1, "retry_backoff": -0.5,
    "retry_backoff_max": True, "delivery_timeout": "a minute", "retry_after_max": [], "gzip": "yes", "secret": 1.5,
    "spool_dir": 3, "spool_sync": "always", "debug": 1, "log_level": "loud", "ca_path": 7, "tls_verify": "no",
    "proxy": 8, "close_timeout": -2, "collection_schemas": {"purchase": {"totalprice": "money"}},
    "schemas_from": "shop\udcff", "schemas_refresh": -1, "schemas_wait": 120,
    "binding": 9, "key_style": "kebab", "protocol": "snowplow", "mode": "record", "test_fixed_time": "not a time", "test_id_seed": -5,
}


def test_tables_cover_every_key() -> None:
    assert set(GOOD) == set(PROPS), "keys changed: update GOOD"
    assert set(BAD) == set(PROPS), "keys changed: update BAD"


# Keys that need a partner to be valid.
PARTNERS: Dict[str, Dict[str, Any]] = {"username": {"password": "p"}, "password": {"username": "u"}}


@pytest.mark.parametrize("key", sorted(GOOD))
def test_good_value(key: str, tmp_path: Any) -> None:
    config = {"host": "http://127.0.0.1:9", **PARTNERS.get(key, {})}
    config[key] = GOOD[key]
    if key == "spool_dir":
        config[key] = tmp_path / "spool"
    if key == "tls_verify":  # False: the core's warning shows as a Python warning
        with pytest.warns(UserWarning, match="tls_verify is false"):
            client = spoor.Client(**config)
    else:
        client = spoor.Client(**config)
    client.close(0)


@pytest.mark.parametrize("key", sorted(BAD))
def test_bad_value_names_key(key: str) -> None:
    config = {"host": "http://127.0.0.1:9", **PARTNERS.get(key, {})}
    config[key] = BAD[key]
    with pytest.raises(spoor.ConfigError) as info:
        spoor.Client(**config)
    assert key in str(info.value), str(info.value)
    assert info.value.code == "CONFIG_INVALID"
    assert isinstance(info.value, ValueError)


def test_duration_errors_show_seconds() -> None:
    """Durations reach the core as seconds with their unit ("86401s"): the core, not the
    binding, words the error, in the caller's unit and in milliseconds."""
    with pytest.raises(spoor.ConfigError) as info:
        spoor.Client(host="http://127.0.0.1:9", flush_interval=86401)
    assert str(info.value) == "flush_interval: 86401s is 86401000 ms, out of range [1, 86400000] ms"
    with pytest.raises(spoor.ConfigError) as info:
        spoor.Client(host="http://127.0.0.1:9", timeout=-0.5)
    assert str(info.value).startswith('timeout: "-0.5s" is not a duration')


def test_unknown_key() -> None:
    with pytest.raises(spoor.ConfigError) as info:
        spoor.Client(host="http://127.0.0.1:9", flush_every=3)  # type: ignore[call-arg]
    assert str(info.value) == "flush_every: unknown configuration key"
    assert info.value.code == "CONFIG_UNKNOWN"


@pytest.mark.parametrize("key,meant", [("flushAT", "flush_at"), ("flushAt", "flush_at"),
                                       ("flush_intervall", "flush_interval"), ("spoolDir", "spool_dir")])
def test_unknown_key_says_what_was_meant(key: str, meant: str) -> None:
    with pytest.raises(spoor.ConfigError) as info:
        spoor.Client(host="http://127.0.0.1:9", **{key: 5})
    assert str(info.value) == "%s: unknown configuration key (did you mean %s?)" % (key, meant)
    assert info.value.code == "CONFIG_UNKNOWN"


def test_duration_in_the_wrong_unit_warns() -> None:
    """flush_interval=5000 (milliseconds by habit) is 83 minutes in seconds: a warning
    that shows without logging set up, pointing at the caller's line."""
    with pytest.warns(UserWarning, match=r"^flush_interval is 5000000 ms \(83.3 minutes\), more than 10 minutes: "
                                         r"is the unit right\?") as record:
        client = spoor.Client(host="http://127.0.0.1:9", flush_interval=5000)
    assert record[0].filename == __file__
    client.close(0)
    with pytest.warns(UserWarning, match=r"^timeout is 10000000 ms") as record:
        spoor.init(host="http://127.0.0.1:9", timeout=10000)  # through init, the same line is named
    assert record[0].filename == __file__
    spoor.close(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        spoor.Client(host="http://127.0.0.1:9", flush_interval=5).close(0)  # plausible: silent


def test_options_typed_from_the_core() -> None:
    """ClientOptions (generated from the core's table by core/tools/tables.py; a ctest
    keeps it in step) has every key but the named parameters and key_style (which the
    binding sets: Python's keys are snake_case), so mypy knows them all."""
    assert set(spoor.ClientOptions.__annotations__) == set(PROPS) - {"api_key", "host", "key_style"}


def test_test_hooks_are_marked_unstable() -> None:
    assert {name for name, p in PROPS.items() if p.unstable} == {"test_fixed_time", "test_id_seed"}


def test_mypy_catches_a_misspelt_option(tmp_path: Path) -> None:
    mypy = pytest.importorskip("mypy.api")
    source = tmp_path / "app.py"
    source.write_text(textwrap.dedent("""\
        import spoor
        spoor.Client(host="http://x", flush_at=5, flush_interval=2.5, spool_sync="batch")
        spoor.Client(host="http://x", flushAT=5)
        spoor.init(host="http://x", flush_at="5")
        spoor.Client(host="http://x", spool_sync="sometimes")
    """))
    out, _, status = mypy.run(["--strict", "--no-incremental", str(source)])
    assert status == 1, out
    errors = [line.split(": error: ")[0].split(":")[1] for line in out.splitlines() if ": error: " in line]
    assert errors == ["3", "4", "5"], out
    assert 'Unexpected keyword argument "flushAT"' in out


def test_host_required() -> None:
    with pytest.raises(spoor.ConfigError, match="host"):
        spoor.Client(api_key="k")


def test_on_delivery_must_be_callable() -> None:
    with pytest.raises(spoor.ConfigError, match="on_delivery"):
        spoor.Client(host="http://127.0.0.1:9", on_delivery=5)


def test_properties_listed() -> None:
    assert PROPS["flush_at"].type == "int" and PROPS["flush_at"].default == "10"
    assert PROPS["flush_interval"].type == "duration"
    assert PROPS["secret"].secret and PROPS["api_key"].secret


# -- what the keys do, seen at the collector --------------------------------

def sent(collector: Collector) -> List[Dict[str, Any]]:
    return [r for r in collector.requests() if r["status"] == 200]


def test_access_token_string(make_client: Callable[..., spoor.Client], collector: Collector) -> None:
    client = make_client(access_token="tok-123")
    client.track("t", user_id="u")
    client.flush(5)
    assert sent(collector)[0]["headers"]["authorization"] == "Bearer " + fingerprint("tok-123")


def test_access_token_callable(make_client: Callable[..., spoor.Client], collector: Collector) -> None:
    calls: List[int] = []

    def token() -> str:
        calls.append(1)
        return "fresh-%d" % len(calls)

    client = make_client(access_token=token)
    client.track("t", user_id="u")
    client.flush(5)
    assert calls
    tokens = {"Bearer " + fingerprint("fresh-%d" % (i + 1)) for i in range(len(calls))}
    assert sent(collector)[0]["headers"]["authorization"] in tokens


def test_access_token_callable_raising(make_client: Callable[..., spoor.Client], collector: Collector,
                                       caplog: pytest.LogCaptureFixture) -> None:
    calls: List[int] = []

    def token() -> str:
        calls.append(1)
        if len(calls) <= 2:
            raise RuntimeError("vault down")
        return "fresh"

    client = make_client(access_token=token)
    with caplog.at_level(logging.ERROR, logger="spoor"):
        client.track("t", user_id="u")
        client.flush(5)
    assert "vault down" in caplog.text
    # Never sent without a token: retried until the callable had one.
    assert [r["headers"].get("authorization") for r in collector.requests()] == ["Bearer " + fingerprint("fresh")]
    assert client.stats()["requests"] == 1 and client.stats()["delivered"] == 1


def test_basic_auth(make_client: Callable[..., spoor.Client], collector: Collector) -> None:
    client = make_client(username="alice", password="pw")
    client.track("t", user_id="u")
    client.flush(5)
    expected = "Basic " + fingerprint(base64.b64encode(b"alice:pw").decode())
    assert sent(collector)[0]["headers"]["authorization"] == expected


@pytest.mark.parametrize("name,instead", [("Authorization", " (use access_token or username/password)"),
                                          ("x-api-key", " (use api_key)"), ("Content-Type", "")])
def test_headers_spoor_sets_are_refused(name: str, instead: str) -> None:
    with pytest.raises(spoor.ConfigError) as info:
        spoor.Client(host="http://127.0.0.1:9", headers={name: "v"})
    assert str(info.value) == f'headers: "{name}" is set by spoor{instead}'


def test_headers(make_client: Callable[..., spoor.Client], collector: Collector) -> None:
    client = make_client(headers={"X-Tenant": "t1"})
    client.track("t", user_id="u")
    client.flush(5)
    assert sent(collector)[0]["headers"]["x-tenant"] == "t1"


def test_gzip(make_client: Callable[..., spoor.Client], collector: Collector) -> None:
    client = make_client(gzip=True)
    client.track("t", user_id="u", properties={"pad": "a" * 2000})
    client.flush(5)
    req = sent(collector)[0]
    assert req["gzip"] is True and req["headers"]["content-encoding"] == "gzip"
    assert req["bytes"] < 2000
    assert collector.wait_good(1)[0]["properties"]["pad"] == "a" * 2000


def test_secret_signature_checked_by_collector(make_client: Callable[..., spoor.Client],
                                               collector: Collector) -> None:
    good = make_client(secret="test-secret")
    good.track("signed", user_id="u")
    good.flush(5)
    assert len(collector.wait_good(1, eventName="signed")) == 1
    headers = sent(collector)[0]["headers"]
    assert headers["x-spoor-signature"].startswith("v1=" + "***sha256:")  # shown as a fingerprint
    int(headers["x-spoor-timestamp"])
    reports: List[spoor.DeliveryReport] = []
    wrong = make_client(secret="wrong-secret", on_delivery=reports.append)
    wrong.track("badsig", user_id="u")
    wrong.flush(5)
    assert [r.http_status for r in reports] == [401] or [r.http_status for r in reports] == [403]
    assert reports[0].error == "HTTP"


def test_flush_at_sends_without_flush(make_client: Callable[..., spoor.Client], collector: Collector) -> None:
    client = make_client(flush_at=3, flush_interval=60)
    for i in range(3):
        client.track("fa", user_id="u")
    assert len(collector.wait_good(3, timeout=5)) == 3


def test_flush_interval_sends_without_flush(make_client: Callable[..., spoor.Client],
                                            collector: Collector) -> None:
    client = make_client(flush_at=1000, flush_interval=0.2)
    client.track("fi", user_id="u")
    assert len(collector.wait_good(1, timeout=5)) == 1


def test_max_batch_events_splits(make_client: Callable[..., spoor.Client], collector: Collector) -> None:
    client = make_client(max_batch_events=2, flush_at=1000, flush_interval=60)
    for i in range(5):
        client.track("mb", user_id="u")
    client.flush(5)
    assert [r["events"] for r in sent(collector)] == [2, 2, 1] or \
        sorted(r["events"] for r in sent(collector)) == [1, 2, 2]


def test_max_queue_size_drops_oldest(collector: Collector) -> None:
    reports: List[spoor.DeliveryReport] = []
    client = spoor.Client(host=collector.url, api_key="test-key", secret="test-secret",
                          max_queue_size=3, flush_at=1000, flush_interval=60, on_delivery=reports.append)
    for i in range(5):
        client.track("q", user_id="u", event_id="q-%d" % i)
    client.flush(5)
    client.close()
    stats = client.stats()
    assert stats["dropped_queue_full"] == 2 and stats["dropped"] == 2
    arrived = sorted(e["eventId"] for e in collector.wait_good(3, eventName="q"))
    assert arrived == ["q-2", "q-3", "q-4"]
    dropped = [i for r in reports if r.error == "QUEUE_FULL" for i in r.event_ids]
    assert sorted(dropped) == ["q-0", "q-1"]


def test_tls_options_reach_transport(collector: Collector, tmp_path: Any) -> None:
    reports: List[spoor.DeliveryReport] = []
    # An unreadable CA bundle is refused when the client is made, naming it.
    with pytest.raises(spoor.ConfigError, match="^ca_path: cannot read /nonexistent/ca.pem: No such file"):
        spoor.Client(host="https://127.0.0.1:1", ca_path="/nonexistent/ca.pem")
    bundle = tmp_path / "ca.pem"
    bundle.write_text("not a certificate\n")
    client = spoor.Client(host="https://127.0.0.1:1", ca_path=str(bundle), tls_verify=True,
                          retry_limit=0, connect_timeout=0.5, on_delivery=reports.append)
    client.track("tls", user_id="u")
    client.flush(5)
    client.close()
    assert reports and reports[0].error == "TRANSPORT"


def test_proxy_is_used(collector: Collector) -> None:
    reports: List[spoor.DeliveryReport] = []
    # A proxy that refuses connections: the request fails although the host is up.
    client = spoor.Client(host=collector.url, api_key="test-key", proxy="http://127.0.0.1:1",
                          retry_limit=0, on_delivery=reports.append)
    client.track("px", user_id="u")
    client.flush(5)
    client.close()
    assert reports and reports[0].error == "TRANSPORT"
    assert collector.counts()["total"] == 0


def test_timeout_key(collector: Collector) -> None:
    reports: List[spoor.DeliveryReport] = []
    collector.fault(delayMs=1500, count=1)
    client = spoor.Client(host=collector.url, api_key="test-key", secret="test-secret", timeout=0.3,
                          retry_limit=0, on_delivery=reports.append)
    client.track("slow", user_id="u")
    client.flush(5)
    client.close()
    assert reports and reports[0].error == "TRANSPORT"


def test_debug_logs(make_client: Callable[..., spoor.Client], caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="spoor"):
        client = make_client(debug=True)
        client.track("purchase", user_id="u")
        client.flush(5)
    assert "Event queued: purchase" in caplog.text


def test_log_level_error_quiets_debug(make_client: Callable[..., spoor.Client],
                                      caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="spoor"):
        client = make_client(log_level="error")
        client.track("purchase", user_id="u")
        client.flush(5)
    assert "Event queued" not in caplog.text


def test_deterministic_ids_and_clock(make_client: Callable[..., spoor.Client], collector: Collector) -> None:
    import datetime as dt
    # Close to the real time: the collector refuses signatures with a stale timestamp.
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    fixed = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    ids = []
    for _ in range(2):
        client = make_client(test_fixed_time=fixed, test_id_seed=42)
        client.track("det", user_id="u")
        client.flush(5)
        ids.append(client.anonymous_id)
    events = collector.wait_good(1, eventName="det")
    assert len(events) == 1  # the same eventId twice: deduplicated
    assert collector.counts()["duplicates"] == 1
    assert events[0]["timestamp"] == now.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert ids[0] == ids[1]
    other = make_client(test_id_seed=43)
    assert other.anonymous_id != ids[0]


def test_close_timeout_key(collector: Collector) -> None:
    collector.fault(delayMs=3000, count=1)
    client = spoor.Client(host=collector.url, api_key="test-key", secret="test-secret", close_timeout=0.3)
    client.track("ct", user_id="u")
    with pytest.raises(spoor.TimeoutError):
        client.close()  # no timeout: close_timeout applies


def test_duration_error_says_seconds() -> None:
    with pytest.raises(spoor.ConfigError) as info:
        spoor.Client(host="http://127.0.0.1:9", flush_interval=0.0001)
    assert str(info.value) == "flush_interval: 0.0001s is 0 ms, out of range [1, 86400000] ms"


def test_timedelta_duration(make_client: Callable[..., spoor.Client], collector: Collector) -> None:
    import datetime as dt
    client = make_client(flush_at=1000, flush_interval=dt.timedelta(milliseconds=200))
    client.track("td", user_id="u")
    assert len(collector.wait_good(1, eventName="td", timeout=5)) == 1


def test_spool_dir_and_spool_sync(tmp_path: Any, collector: Collector) -> None:
    spool = tmp_path / "a" / "b"  # created, parents too
    assert PROPS["spool_dir"].type == "string" and PROPS["spool_sync"].type == "enum"
    assert PROPS["spool_sync"].default == "batch"
    client = spoor.Client(host=collector.url, api_key="test-key", secret="test-secret",
                          spool_dir=spool, spool_sync="event")
    client.track("sp", user_id="u", event_id="sp-1")
    assert os.path.isdir(spool) and any(n.startswith("seg-") for n in os.listdir(spool))
    client.close(5)
    assert client.stats()["delivered"] == 1
    assert [e["eventId"] for e in collector.wait_good(1, eventName="sp")] == ["sp-1"]


# A secret setting of the wrong type is named with its type only: its value (the
# secret, perhaps as bytes) never appears in the error.
@pytest.mark.parametrize("key", sorted(p.name for p in spoor.config_properties() if p.secret))
@pytest.mark.parametrize("value", [b"SEKRIT-bytes", bytearray(b"SEKRIT-array"), ["SEKRIT-list"], 12345678])
def test_secret_errors_show_only_the_type(key: str, value: Any) -> None:
    with pytest.raises(spoor.ConfigError) as info:
        spoor.Client(host="http://127.0.0.1:9", **{key: value})
    assert str(info.value) == "%s: expected a string, got %s" % (key, type(value).__name__)
    assert "SEKRIT" not in str(info.value) and "12345678" not in str(info.value)


# A value that becomes a header cannot carry a second header: the core refuses it.
@pytest.mark.parametrize("key", ["api_key", "access_token", "username", "password"])
def test_header_injection_refused(key: str) -> None:
    config: Dict[str, Any] = {key: "k1\r\nX-Injected: yes"}
    if key in ("username", "password"):
        config.update({"username": "u", "password": "p", key: "k1\r\nX-Injected: yes"})
    with pytest.raises(spoor.ConfigError) as info:
        spoor.Client(host="http://127.0.0.1:9", **config)
    assert str(info.value) == "%s: must not contain control characters (a header value is one line)" % key
