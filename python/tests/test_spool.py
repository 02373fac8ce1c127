"""spool_dir: events kept on disk while the server is down, replayed by the next client."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import textwrap
from typing import Any, Dict, Iterator, List

import pytest

import spoor

from conftest import API_KEY, SECRET, Collector


@contextlib.contextmanager
def dead_host() -> Iterator[str]:
    """A loopback URL whose port is bound but not listening: every connect is refused."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", 0))
        yield "http://127.0.0.1:%d" % sock.getsockname()[1]
    finally:
        sock.close()


def down_client(host: str, spool: Any, reports: List[spoor.DeliveryReport], **config: Any) -> spoor.Client:
    """A client with a spool whose server is down: one attempt, then its events rest."""
    config.setdefault("retry_limit", 0)
    config.setdefault("retry_backoff", 0.01)
    config.setdefault("retry_backoff_max", 0.05)
    config.setdefault("connect_timeout", 1)
    config.setdefault("flush_interval", 0.05)
    return spoor.Client(host=host, api_key=API_KEY, secret=SECRET, spool_dir=spool,
                        on_delivery=reports.append, **config)


def segments(spool: Any) -> List[str]:
    return sorted(name for name in os.listdir(spool) if name.startswith("seg-"))


def replay(collector: Collector, spool: Any, n: int) -> Dict[str, int]:
    """Open the spool against the collector, wait for n events and close; the stats."""
    reports: List[spoor.DeliveryReport] = []
    client = spoor.Client(host=collector.url, api_key=API_KEY, secret=SECRET, spool_dir=spool,
                          flush_interval=0.05, retry_backoff=0.01, on_delivery=reports.append)
    try:
        assert client.stats()["replayed"] == n  # loaded at creation
        client.flush(10)
    finally:
        client.close(5)
    stats = client.stats()
    assert [r for r in reports if not r.ok] == []
    assert sum(len(r.event_ids) for r in reports) == n
    return stats


def test_events_survive_a_close_while_the_server_is_down(tmp_path: Any, collector: Collector) -> None:
    spool = tmp_path / "spool"
    n = 25
    ids = ["down-%02d" % i for i in range(n)]
    reports: List[spoor.DeliveryReport] = []
    with dead_host() as host:
        client = down_client(host, spool, reports)
        for event_id in ids:
            client.track("spooled", user_id="u", event_id=event_id, properties={"i": int(event_id[5:])})
        with pytest.raises(spoor.TimeoutError):  # kept, not failed: a flush cannot finish
            client.flush(0.2)
        client.close(0.5)  # no error: what is undelivered stays in the spool
    stats = client.stats()
    assert stats["accepted"] == n and stats["queued"] == n
    assert stats["failed"] == 0 and stats["delivered"] == 0 and stats["dropped"] == 0
    assert stats["requests"] >= 1  # it did try
    assert reports == []  # nothing reported failed
    assert segments(spool)  # the events are on disk

    stats = replay(collector, spool, n)
    assert stats["replayed"] == n and stats["delivered"] == n
    assert stats["queued"] == 0 and stats["failed"] == 0 and stats["accepted"] == 0
    events = collector.wait_good(n, eventName="spooled")
    assert sorted(e["eventId"] for e in events) == ids
    assert sorted(e["properties"]["i"] for e in events) == list(range(n))
    counts = collector.counts()
    assert counts["total"] == n and counts["duplicates"] == 0  # exactly once
    assert segments(spool) == []  # all settled: the segments are gone

    again = spoor.Client(host=collector.url, api_key=API_KEY, secret=SECRET, spool_dir=spool)
    assert again.stats()["replayed"] == 0
    again.close(1)
    assert collector.counts()["total"] == n


def test_replayed_events_come_before_new_ones(tmp_path: Any, collector: Collector) -> None:
    spool = tmp_path / "spool"
    reports: List[spoor.DeliveryReport] = []
    with dead_host() as host:
        client = down_client(host, spool, reports)
        for i in range(3):
            client.track("order", user_id="u", event_id="old-%d" % i)
        client.close(0.2)
    assert client.stats()["queued"] == 3
    client = spoor.Client(host=collector.url, api_key=API_KEY, secret=SECRET, spool_dir=spool,
                          flush_interval=0.05)
    assert client.stats()["replayed"] == 3
    for i in range(2):
        client.track("order", user_id="u", event_id="new-%d" % i)
    client.close(10)
    stats = client.stats()
    assert stats["replayed"] == 3 and stats["accepted"] == 2 and stats["delivered"] == 5
    events = collector.wait_good(5, eventName="order")  # in arrival order
    assert [e["eventId"] for e in events] == ["old-0", "old-1", "old-2", "new-0", "new-1"]


def test_5xx_keeps_events_instead_of_failing_them(tmp_path: Any, collector: Collector) -> None:
    collector.fault(status=503, count=2)
    reports: List[spoor.DeliveryReport] = []
    client = down_client(collector.url, tmp_path / "spool", reports)
    client.track("kept", user_id="u", event_id="kept-1")
    client.track("kept", user_id="u", event_id="kept-2")
    client.flush(10)  # two 503s with retry_limit=0: kept, rested, then delivered
    client.close(5)
    stats = client.stats()
    assert stats["failed"] == 0 and stats["delivered"] == 2 and stats["requests"] == 3
    assert [r.error for r in reports] == [None]
    assert sorted(reports[0].event_ids) == ["kept-1", "kept-2"]
    assert sorted(e["eventId"] for e in collector.wait_good(2, eventName="kept")) == ["kept-1", "kept-2"]


def test_a_held_spool_is_refused(tmp_path: Any, collector: Collector) -> None:
    spool = tmp_path / "held"
    first = spoor.Client(host=collector.url, api_key=API_KEY, secret=SECRET, spool_dir=spool)
    with pytest.raises(spoor.ConfigError) as info:
        spoor.Client(host=collector.url, api_key=API_KEY, secret=SECRET, spool_dir=spool)
    message = str(info.value)
    assert info.value.code == "CONFIG_INVALID"
    assert "spool_dir" in message and str(spool) in message, message
    assert "pid %d" % os.getpid() in message, message
    first.track("held", user_id="u", event_id="held-1")
    first.close(5)
    second = spoor.Client(host=collector.url, api_key=API_KEY, secret=SECRET, spool_dir=spool)
    second.track("held", user_id="u", event_id="held-2")
    second.close(5)
    assert second.stats()["replayed"] == 0 and second.stats()["delivered"] == 1
    assert sorted(e["eventId"] for e in collector.wait_good(2, eventName="held")) == ["held-1", "held-2"]


def test_a_spool_held_by_another_process_is_refused(tmp_path: Any) -> None:
    spool = tmp_path / "other"
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sys, spoor
        c = spoor.Client(host="http://127.0.0.1:9", spool_dir=sys.argv[1])
        print("open", flush=True)
        sys.stdin.read()
        c.close(0)
        """), str(spool)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline() == "open\n"
        with pytest.raises(spoor.ConfigError) as info:
            spoor.Client(host="http://127.0.0.1:9", spool_dir=spool)
        assert str(spool) in str(info.value) and "pid %d" % child.pid in str(info.value)
    finally:
        child.communicate(timeout=30)
    assert child.returncode == 0
    spoor.Client(host="http://127.0.0.1:9", spool_dir=spool).close(0)  # free again


FORK_WITH_THREADS = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")


@FORK_WITH_THREADS
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_forked_child_leaves_the_parents_spool_alone(tmp_path: Any, collector: Collector) -> None:
    spool = tmp_path / "spool"
    client = spoor.Client(host=collector.url, api_key=API_KEY, secret=SECRET, spool_dir=spool,
                          flush_at=1000, flush_interval=60)
    client.track("fork", user_id="u", event_id="parent-before")  # in the spool, not yet sent
    pid = os.fork()
    if pid == 0:  # child: queues in memory, sends its own event only
        code = 1
        try:
            client.track("fork", user_id="u", event_id="child")
            client.flush(10)
            stats = client.stats()
            code = 0 if stats["delivered"] == 1 and stats["queued"] == 0 else 3
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    assert [e["eventId"] for e in collector.wait_good(1, eventName="fork")] == ["child"]
    client.track("fork", user_id="u", event_id="parent-after")
    client.close(10)
    assert client.stats()["delivered"] == 2
    events = collector.wait_good(3, eventName="fork")
    assert sorted(e["eventId"] for e in events) == ["child", "parent-after", "parent-before"]
    assert collector.counts()["duplicates"] == 0
    again = spoor.Client(host=collector.url, api_key=API_KEY, secret=SECRET, spool_dir=spool)
    assert again.stats()["replayed"] == 0  # the parent settled both of its events
    again.close(1)


@pytest.mark.parametrize("sync", ["none", "batch", "event"])
def test_events_survive_kill_9(tmp_path: Any, collector: Collector, sync: str) -> None:
    spool = tmp_path / "spool"
    n = 40
    with dead_host() as host:
        result = subprocess.run([sys.executable, "-c", textwrap.dedent("""
            import os, signal, sys, spoor
            host, spool, sync, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
            c = spoor.Client(host=host, api_key="k", spool_dir=spool, spool_sync=sync,
                             retry_limit=0, retry_backoff=0.01)
            for i in range(n):
                c.track("killed", user_id="u", event_id="k9-%03d" % i, properties={"i": i})
            assert c.stats()["queued"] == n
            os.kill(os.getpid(), signal.SIGKILL)
            """), host, str(spool), sync, str(n)], capture_output=True, text=True, timeout=60)
    assert result.returncode == -signal.SIGKILL, result.stderr
    stats = replay(collector, spool, n)
    assert stats["replayed"] == n and stats["delivered"] == n and stats["spool_corrupt"] == 0
    events = collector.wait_good(n, eventName="killed")
    assert sorted(e["eventId"] for e in events) == ["k9-%03d" % i for i in range(n)]
    assert collector.counts()["duplicates"] == 0


def test_stats_have_the_spool_counters(tmp_path: Any) -> None:
    client = spoor.Client(host="http://127.0.0.1:9")
    stats = client.stats()
    client.close(0)
    assert stats["replayed"] == 0 and stats["spool_corrupt"] == 0
    names = list(stats)
    assert names[names.index("bytes_sent") + 1:][:2] == ["replayed", "spool_corrupt"]


@pytest.mark.parametrize("value", ["always", "", "fsync", 1, True])
def test_spool_sync_bad_value(tmp_path: Any, value: Any) -> None:
    with pytest.raises(spoor.ConfigError) as info:
        spoor.Client(host="http://127.0.0.1:9", spool_dir=tmp_path, spool_sync=value)
    assert "spool_sync" in str(info.value) and info.value.code == "CONFIG_INVALID"


def test_spool_sync_names_ignore_case(tmp_path: Any) -> None:
    spoor.Client(host="http://127.0.0.1:9", spool_dir=tmp_path, spool_sync="EVENT").close(0)


def test_spool_dir_that_cannot_be_a_directory(tmp_path: Any) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(spoor.Error) as info:
        spoor.Client(host="http://127.0.0.1:9", spool_dir=blocker)
    assert "spool_dir" in str(info.value) and str(blocker) in str(info.value), str(info.value)
