"""Threads, fork, atexit and the module-level client."""
from __future__ import annotations

import inspect
import os
import signal
import subprocess
import sys
import textwrap
import threading
from typing import Callable, List, Tuple

import pytest

import spoor

from conftest import API_KEY, SECRET, Collector


def test_many_threads(make_client: Callable[..., spoor.Client], collector: Collector) -> None:
    client = make_client(flush_at=50)
    threads_n, per_thread = 8, 250
    errors: List[BaseException] = []

    def work(t: int) -> None:
        try:
            for i in range(per_thread):
                client.track("thr", user_id="t%d" % t, properties={"t": t, "i": i})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    client.flush(20)
    events = collector.wait_good(threads_n * per_thread, eventName="thr")
    assert len(events) == threads_n * per_thread
    assert collector.counts()["duplicates"] == 0
    for t in range(threads_n):  # order from one thread is kept
        mine = [e["properties"]["i"] for e in events if e["properties"]["t"] == t]
        assert mine == sorted(mine) and len(mine) == per_thread


# Python 3.12+ warns when forking with threads alive; surviving that is what is tested.
FORK_WITH_THREADS = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")


@FORK_WITH_THREADS
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_fork(make_client: Callable[..., spoor.Client], collector: Collector) -> None:
    client = make_client(flush_at=1000, flush_interval=60)
    client.track("parent-before", user_id="u", event_id="pb-1")  # queued, not yet sent
    pid = os.fork()
    if pid == 0:  # child
        code = 1
        try:
            client.track("child", user_id="u", event_id="ch-1")
            client.flush(10)
            code = 0 if client.stats()["delivered"] >= 1 else 3
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    client.track("parent-after", user_id="u", event_id="pa-1")
    client.flush(10)
    events = collector.wait_good(3)
    assert sorted(e["eventId"] for e in events) == ["ch-1", "pa-1", "pb-1"]
    counts = collector.counts()
    assert counts["duplicates"] == 0 and counts["total"] == 3  # nothing sent twice


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=60)


def test_atexit_flushes(collector: Collector) -> None:
    result = run_python("""
        import spoor
        client = spoor.Client(host=%r, api_key=%r, secret=%r, flush_at=1000, flush_interval=60)
        for i in range(5):
            client.track("atexit", user_id="u", properties={"i": i})
        print("exiting without close")
    """ % (collector.url, API_KEY, SECRET))
    assert result.returncode == 0, result.stderr
    events = collector.wait_good(5, eventName="atexit")
    assert sorted(e["properties"]["i"] for e in events) == list(range(5))


def test_atexit_bounded_by_close_timeout(collector: Collector) -> None:
    import time
    collector.fault(delayMs=5000, count=1)
    start = time.monotonic()
    result = run_python("""
        import spoor
        client = spoor.Client(host=%r, api_key=%r, secret=%r, close_timeout=0.5)
        client.track("stuck", user_id="u")
    """ % (collector.url, API_KEY, SECRET))
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - start < 4.5


def test_module_level_api(collector: Collector) -> None:
    result = run_python("""
        import spoor
        try:
            spoor.track("x", user_id="u")
        except spoor.Error as exc:
            print("before init:", exc)
        spoor.init(%r, host=%r, secret=%r)
        spoor.record_event("purchase", {"profileId": "p1", "totalprice": 35})
        spoor.profile(profile_id="p1", user_identifier="a@example.com")
        spoor.track_consents([{"regulation": "GDPR", "purpose": "ads", "consented": True}], profile_id="p1")
        spoor.track("purchase", user_id="u1", properties={"revenue": 99.99})
        spoor.identify("u1", {"plan": "pro"})
        spoor.group("u1", "g1")
        spoor.page("u1", "Home")
        spoor.product({"productId": "sku", "data": {}})
        spoor.batch([{"type": "track", "event": "b", "userId": "u1"}])
        assert spoor.anonymous_id()
        spoor.flush(5)
        print("accepted", spoor.stats()["accepted"])
        spoor.close()
    """ % (API_KEY, collector.url, SECRET))
    assert result.returncode == 0, result.stderr
    assert "before init: spoor.init() has not been called" in result.stdout
    assert "accepted 9" in result.stdout
    events = collector.wait_good(9)
    assert sorted(e["type"] for e in events) == sorted(
        ["record", "profile", "consent", "track", "identify", "group", "page", "product", "track"])


def test_init_replaces_and_closes_previous(collector: Collector) -> None:
    first = spoor.init(API_KEY, host=collector.url, secret=SECRET)
    second = spoor.init(API_KEY, host=collector.url, secret=SECRET)
    try:
        assert spoor.default_client() is second
        with pytest.raises(spoor.ClosedError):
            first.track("x", user_id="u")
    finally:
        spoor.close()
    with pytest.raises(spoor.Error, match="init"):
        spoor.track("x", user_id="u")


def _child_work(url: str, n: int) -> int:
    """Runs in a pool worker (fork start method) using the parent's default client."""
    for i in range(n):
        spoor.track("pool", user_id="w%d" % os.getpid(), properties={"i": i})
    spoor.flush(10)
    return os.getpid()


@FORK_WITH_THREADS
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_multiprocessing_fork_pool(collector: Collector) -> None:
    import multiprocessing
    spoor.init(API_KEY, host=collector.url, secret=SECRET, flush_interval=60)
    try:
        spoor.track("pool-parent", user_id="parent")  # queued before the fork
        with multiprocessing.get_context("fork").Pool(3) as pool:
            pids = pool.starmap(_child_work, [(collector.url, 10)] * 6)
        spoor.flush(10)
    finally:
        spoor.close()
    assert len(collector.wait_good(60, eventName="pool")) == 60
    assert len(collector.good(eventName="pool-parent")) == 1
    counts = collector.counts()
    assert counts["duplicates"] == 0 and counts["total"] == 61
    assert len(set(pids)) >= 1


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_forked_child_exiting_normally_flushes_at_exit(collector: Collector) -> None:
    result = run_python("""
        import os, sys, warnings
        warnings.simplefilter("ignore", DeprecationWarning)
        import spoor
        client = spoor.Client(host=%r, api_key=%r, secret=%r, flush_at=1000, flush_interval=60)
        client.track("from-parent", user_id="p", event_id="p-1")
        pid = os.fork()
        if pid == 0:
            client.track("from-child", user_id="c", event_id="c-1")
            sys.exit(0)  # normal exit: atexit closes (flushes) the child's client
        _, status = os.waitpid(pid, 0)
        assert os.WEXITSTATUS(status) == 0, status
        client.close()
    """ % (collector.url, API_KEY, SECRET))
    assert result.returncode == 0, result.stderr
    events = collector.wait_good(2)
    assert sorted(e["eventId"] for e in events) == ["c-1", "p-1"]
    counts = collector.counts()
    assert counts["total"] == 2 and counts["duplicates"] == 0


def test_module_functions_show_the_methods_signatures() -> None:
    """help(spoor.track) and inspect show the method's parameters, without self."""
    for name in ("record_event", "profile", "track_consents", "track", "identify", "group", "page",
                 "product", "ingest_feed", "batch", "flush", "stats"):
        method = inspect.signature(getattr(spoor.Client, name))
        function = inspect.signature(getattr(spoor, name))
        assert list(method.parameters)[0] == "self"
        assert list(function.parameters.values()) == list(method.parameters.values())[1:], name
        assert getattr(spoor, name).__doc__ == getattr(spoor.Client, name).__doc__
    assert list(inspect.signature(spoor.track).parameters)[:2] == ["event", "user_id"]


# A server process of the kind that dies of SIGTERM's default action (no atexit):
# 5 events queued (flush_interval 60 s), then it waits to be stopped.
SIGNALLED = """
    import signal, sys, time
    import spoor
    spoor.init(%r, host=%r, secret=%r, flush_interval=60)
    if "helper" in sys.argv:
        spoor.flush_on_signals()
    if "own-handler" in sys.argv:  # the application's own handler, installed first
        def stop(signum, frame):
            print("own handler ran", flush=True)
            sys.exit(3)
        signal.signal(signal.SIGTERM, stop)
        spoor.flush_on_signals()
    for i in range(5):
        spoor.track("sig", user_id="u", event_id="sig-%%d" %% i)
    print("ready", flush=True)
    time.sleep(60)
"""


def run_until_signalled(collector: Collector, signum: int, *flags: str) -> Tuple[int, str]:
    """Start SIGNALLED, signal it once it has queued its events; exit status and output."""
    code = textwrap.dedent(SIGNALLED % (API_KEY, collector.url, SECRET))
    proc = subprocess.Popen([sys.executable, "-c", code, *flags], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    proc.send_signal(signum)
    out, _ = proc.communicate(timeout=30)
    return proc.returncode, out


def test_sigterm_loses_queued_events_without_the_helper(collector: Collector) -> None:
    status, _ = run_until_signalled(collector, signal.SIGTERM)
    assert status == -signal.SIGTERM
    assert collector.counts()["total"] == 0  # why spoor.flush_on_signals() exists


def test_flush_on_signals_delivers_at_sigterm(collector: Collector) -> None:
    status, out = run_until_signalled(collector, signal.SIGTERM, "helper")
    assert status == -signal.SIGTERM, out  # still ends as SIGTERM ends a process
    assert sorted(e["eventId"] for e in collector.wait_good(5)) == ["sig-%d" % i for i in range(5)]


def test_flush_on_signals_chains_to_the_previous_handler(collector: Collector) -> None:
    status, out = run_until_signalled(collector, signal.SIGTERM, "own-handler")
    assert status == 3 and "own handler ran" in out, out
    assert sorted(e["eventId"] for e in collector.wait_good(5)) == ["sig-%d" % i for i in range(5)]


def test_flush_on_signals_at_sigint(collector: Collector) -> None:
    status, out = run_until_signalled(collector, signal.SIGINT, "helper")
    # Python's own SIGINT handler ran after (an uncaught KeyboardInterrupt ends as SIGINT does)
    assert "KeyboardInterrupt" in out and status == -signal.SIGINT, out
    assert sorted(e["eventId"] for e in collector.wait_good(5)) == ["sig-%d" % i for i in range(5)]
