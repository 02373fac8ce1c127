"""Retries through the collector's faults, delivery reports, flush/close deadlines."""
from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import threading
import time
from typing import Callable, List, Optional

import pytest

import spoor

from conftest import Collector, collector_binary


def test_retries_5xx_until_delivered(make_client: Callable[..., spoor.Client], collector: Collector) -> None:
    collector.fault(status=500, count=2)
    client = make_client(retry_limit=3)
    client.track("r500", user_id="u", event_id="r500-1")
    client.flush(10)
    assert [e["eventId"] for e in collector.wait_good(1, eventName="r500")] == ["r500-1"]
    stats = client.stats()
    assert stats["retried"] == 2 and stats["delivered"] == 1 and stats["failed"] == 0
    assert [r["status"] for r in collector.requests()][-3:] == [500, 500, 200] or \
        sorted(r["status"] for r in collector.requests()) == [200, 500, 500]


def test_429_honours_retry_after(make_client: Callable[..., spoor.Client], collector: Collector) -> None:
    collector.fault(status=429, retryAfter=1, count=1)
    client = make_client(retry_limit=2, retry_backoff=0.01)
    client.track("r429", user_id="u")
    start = time.monotonic()
    client.flush(10)
    assert time.monotonic() - start >= 0.9  # waited for Retry-After, not the 10 ms backoff
    assert len(collector.wait_good(1, eventName="r429")) == 1
    assert client.stats()["retried"] == 1


def test_connection_cut_is_retried(make_client: Callable[..., spoor.Client], collector: Collector) -> None:
    collector.fault(cut=True, count=1)
    client = make_client(retry_limit=2)
    for i in range(3):
        client.track("cut", user_id="u", event_id="cut-%d" % i)
    client.flush(10)
    events = collector.wait_good(3, eventName="cut")
    assert sorted(e["eventId"] for e in events) == ["cut-0", "cut-1", "cut-2"]
    assert client.stats()["retried"] >= 1


def test_failure_reported_to_on_delivery(make_client: Callable[..., spoor.Client], collector: Collector) -> None:
    reports: List[spoor.DeliveryReport] = []
    collector.fault(status=500, count=1)
    client = make_client(retry_limit=0, on_delivery=reports.append)
    client.track("fail", user_id="u", event_id="fail-1")
    client.track("fail", user_id="u", event_id="fail-2")
    client.flush(10)
    failed = [r for r in reports if not r.ok]
    assert len(failed) == 1
    report = failed[0]
    assert report.error == "HTTP" and report.http_status == 500
    assert sorted(report.event_ids) == ["fail-1", "fail-2"]
    assert report.reason
    assert [json.loads(e)["eventId"] for e in report.events] == report.event_ids  # kept for a dead-letter store
    assert json.loads(report.events[0])["context"]["library"]["binding"] == "python"
    stats = client.stats()
    assert stats["failed"] == 2 and stats["delivered"] == 0
    assert collector.counts()["total"] == 0


def test_failure_reason_quotes_the_server(collector: Collector, caplog: pytest.LogCaptureFixture) -> None:
    """A wrong key: the URL, the status, the collector's own words, and what to check."""
    reports: List[spoor.DeliveryReport] = []
    client = spoor.Client(host=collector.url, api_key="wrong-key", on_delivery=reports.append)
    with caplog.at_level(logging.ERROR, logger="spoor"):
        client.track("auth", user_id="u")
        client.close(10)
    want = "HTTP 403 from %s/v1/batch: {\"error\":\"credentials refused\"} (check api_key)" % collector.url
    assert [r.reason for r in reports] == [want]
    assert "1 events failed (HTTP): " + want in caplog.text
    # The host must be the base URL: refused when it names the endpoint.
    with pytest.raises(spoor.ConfigError, match=r"^host: must be the server's base URL, without /v1/batch"):
        spoor.Client(host=collector.url + "/v1/batch")


def test_close_holds_its_deadline_against_a_silent_server() -> None:
    """A server that accepts and never answers: close(0.3) returns at its deadline
    (it used to be 0.15 to 1 s late: curl's progress callback, once a second)."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # the kernel completes the connection; nobody answers
        reports: List[spoor.DeliveryReport] = []
        client = spoor.Client(host="http://127.0.0.1:%d" % silent.getsockname()[1], flush_at=1,
                              on_delivery=reports.append)
        client.track("unanswered", user_id="u")
        time.sleep(0.1)  # the request is in flight
        start = time.monotonic()
        with pytest.raises(spoor.TimeoutError):
            client.close(0.3)
        took = time.monotonic() - start
        assert 0.29 <= took < 0.3 + 0.3, took  # a correctness bound, with room for a busy machine
        assert [(r.error, len(r.event_ids)) for r in reports] == [("ABORTED", 1)]


def test_success_reported_to_on_delivery(make_client: Callable[..., spoor.Client]) -> None:
    reports: List[spoor.DeliveryReport] = []
    threads: List[str] = []

    def on_delivery(report: spoor.DeliveryReport) -> None:
        threads.append(threading.current_thread().name)
        reports.append(report)

    client = make_client(on_delivery=on_delivery)
    client.track("ok", user_id="u", event_id="ok-1")
    client.flush(10)
    assert [(r.error, r.http_status, r.event_ids) for r in reports] == [(None, 200, ["ok-1"])]
    assert reports[0].ok
    assert reports[0].events == []  # ids only for delivered events, as in Node
    assert threads[0] != threading.current_thread().name  # from the worker thread


def test_4xx_not_retried(collector: Collector) -> None:
    reports: List[spoor.DeliveryReport] = []
    client = spoor.Client(host=collector.url, api_key="wrong-key", retry_limit=3, on_delivery=reports.append)
    client.track("auth", user_id="u")
    client.flush(10)
    client.close()
    assert client.stats()["retried"] == 0
    assert reports[0].error == "HTTP" and reports[0].http_status in (401, 403)


def test_callback_exception_is_logged_not_fatal(make_client: Callable[..., spoor.Client],
                                                collector: Collector,
                                                caplog: pytest.LogCaptureFixture) -> None:
    def explode(report: spoor.DeliveryReport) -> None:
        raise RuntimeError("callback boom")

    client = make_client(on_delivery=explode)
    with caplog.at_level(logging.ERROR, logger="spoor"):
        client.track("a", user_id="u")
        client.flush(10)
        client.track("b", user_id="u")
        client.flush(10)
    assert "callback boom" in caplog.text
    assert len(collector.wait_good(2)) == 2


def test_flush_timeout(make_client: Callable[..., spoor.Client], collector: Collector) -> None:
    collector.fault(delayMs=2000, count=1)
    client = make_client()
    client.track("slow", user_id="u")
    start = time.monotonic()
    with pytest.raises(spoor.TimeoutError) as info:
        client.flush(timeout=0.3)
    assert time.monotonic() - start < 1.5
    assert isinstance(info.value, TimeoutError) and info.value.code == "TIMED_OUT"
    client.flush(10)  # nothing lost by timing out
    assert len(collector.wait_good(1, eventName="slow")) == 1


def test_close_timeout_reports_aborted(collector: Collector) -> None:
    reports: List[spoor.DeliveryReport] = []
    collector.fault(delayMs=2000, count=5)
    client = spoor.Client(host=collector.url, api_key="test-key", secret="test-secret",
                          max_batch_events=1, on_delivery=reports.append)
    for i in range(3):
        client.track("late", user_id="u", event_id="late-%d" % i)
    start = time.monotonic()
    with pytest.raises(spoor.TimeoutError):
        client.close(timeout=0.3)
    assert time.monotonic() - start < 3
    aborted = [i for r in reports if r.error == "ABORTED" for i in r.event_ids]
    assert aborted, reports


def test_flush_releases_the_gil(make_client: Callable[..., spoor.Client], collector: Collector) -> None:
    collector.fault(delayMs=800, count=1)
    client = make_client()
    client.track("gil", user_id="u")
    ticks = 0
    done = threading.Event()

    def spin() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0.001)

    spinner = threading.Thread(target=spin)
    spinner.start()
    client.flush(5)
    done.set()
    spinner.join()
    assert ticks > 50  # the other thread ran while flush blocked in C


def test_closed_client(make_client: Callable[..., spoor.Client], collector: Collector) -> None:
    client = make_client()
    client.track("before", user_id="u")
    client.close()
    assert len(collector.wait_good(1, eventName="before")) == 1  # close flushed
    client.close()  # idempotent
    with pytest.raises(spoor.ClosedError) as info:
        client.track("after", user_id="u")
    assert info.value.code == "CLOSED"
    assert client.stats()["accepted"] == 1
    assert client.anonymous_id


def test_context_manager(collector: Collector) -> None:
    with spoor.Client(host=collector.url, api_key="test-key", secret="test-secret",
                      flush_interval=60) as client:
        client.track("ctx", user_id="u")
    assert len(collector.wait_good(1, eventName="ctx")) == 1
    with pytest.raises(spoor.ClosedError):
        client.track("ctx2", user_id="u")


def test_context_manager_keeps_body_exception(collector: Collector) -> None:
    with pytest.raises(KeyError):
        with spoor.Client(host=collector.url, api_key="test-key", secret="test-secret") as client:
            client.track("ctx3", user_id="u")
            raise KeyError("body")
    assert len(collector.wait_good(1, eventName="ctx3")) == 1


def test_413_splits_the_batch(make_client: Callable[..., spoor.Client], collector: Collector) -> None:
    collector.fault(status=413, count=1)
    reports: List[spoor.DeliveryReport] = []
    client = make_client(flush_at=1000, flush_interval=60, on_delivery=reports.append)
    for i in range(4):
        client.track("split", user_id="u", event_id="split-%d" % i)
    client.flush(10)
    assert [(r["status"], r["events"]) for r in collector.requests()] == [(413, 4), (200, 2), (200, 2)]
    assert sorted(i for r in reports if r.ok for i in r.event_ids) == ["split-%d" % i for i in range(4)]
    assert len(collector.wait_good(4, eventName="split")) == 4


def test_garbage_collected_client_is_flushed(collector: Collector) -> None:
    import gc
    client = spoor.Client(host=collector.url, api_key="test-key", secret="test-secret", flush_interval=60)
    client.track("gc", user_id="u")
    del client
    gc.collect()  # the finalizer destroys it: close (flushing) with close_timeout, then free
    assert len(collector.wait_good(1, eventName="gc")) == 1


def test_close_while_other_threads_track(make_client: Callable[..., spoor.Client],
                                         collector: Collector) -> None:
    client = make_client()
    outcomes: List[str] = []
    start = threading.Barrier(5)

    def work() -> None:
        start.wait()
        for _ in range(300):
            try:
                client.track("race", user_id="u")
                outcomes.append("ok")
            except spoor.ClosedError:
                outcomes.append("closed")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    start.wait()
    time.sleep(0.002)
    client.close(5)
    for thread in threads:
        thread.join()
    accepted = outcomes.count("ok")
    assert accepted + outcomes.count("closed") == 1200
    assert client.stats()["accepted"] == accepted
    assert client.stats()["delivered"] == accepted  # close delivered every accepted event
    assert len(collector.wait_good(accepted, eventName="race")) == accepted


def test_flush_and_close_refused_in_own_callback(make_client: Callable[..., spoor.Client],
                                                 collector: Collector) -> None:
    outcomes: List[str] = []
    holder: List[spoor.Client] = []

    def on_delivery(report: spoor.DeliveryReport) -> None:
        if outcomes:
            return
        client = holder[0]
        for call in (lambda: client.flush(None), lambda: client.close(None)):
            try:
                call()
                outcomes.append("returned")
            except spoor.Error as exc:
                outcomes.append(str(exc))
        client.track("from-callback", user_id="u")  # enqueueing is fine
        outcomes.append("tracked")

    client = make_client(on_delivery=on_delivery)
    holder.append(client)
    client.track("first", user_id="u")
    start = time.monotonic()
    client.flush(10)
    client.flush(10)
    assert time.monotonic() - start < 5
    assert outcomes[0] == "flush: cannot be called from a spoor callback"  # the core refuses it
    assert outcomes[1] == "close: cannot be called from a spoor callback"
    assert outcomes[2] == "tracked"
    assert len(collector.wait_good(1, eventName="from-callback")) == 1


def start_collector_on(port: int, db: str, workdir: str) -> "tuple[subprocess.Popen[bytes], int]":
    """A collector on `port` (0: a free one) storing into the file `db`; it and its port."""
    port_file = os.path.join(workdir, "port-%d" % time.monotonic_ns())
    proc = subprocess.Popen([collector_binary(), "--port", str(port), "--port-file", port_file, "--db", db,
                             "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and proc.poll() is None:
        if os.path.exists(port_file):
            with open(port_file) as f:
                text = f.read().strip()
            if text:
                return proc, int(text)
        time.sleep(0.01)
    proc.kill()
    pytest.fail("the collector did not start on port %d" % port)


def test_collector_restart_loses_nothing_with_default_settings(tmp_path: "os.PathLike[str]") -> None:
    """A deploy of the ingestion server: stopped 0.75 s into 3 s of traffic and started
    again on the same port 1.5 s later. With the default settings (the retries last
    delivery_timeout, a minute) every event arrives; with the old ones (3 retries from
    100 ms, 0.7 s in all) 27 to 43 of 100 were lost."""
    workdir = os.fspath(tmp_path)
    db = os.path.join(workdir, "store.db")
    proc: Optional["subprocess.Popen[bytes]"]
    proc, port = start_collector_on(0, db, workdir)
    url = "http://127.0.0.1:%d" % port
    reports: List[spoor.DeliveryReport] = []
    client = spoor.Client("k", host=url, on_delivery=reports.append)  # nothing else: the defaults
    n, start = 100, time.monotonic()
    try:
        for i in range(n):
            while time.monotonic() < start + i * 0.03:  # 100 events over 3 s
                time.sleep(0.002)
            elapsed = time.monotonic() - start
            if proc is not None and elapsed >= 0.75:
                proc.terminate()
                proc.wait(10)
                proc = None
            if proc is None and elapsed >= 2.25:
                proc, _ = start_collector_on(port, db, workdir)
            client.track("deploy", user_id="u", event_id="deploy-%d" % i)
        client.close()  # close_timeout (5 s) is plenty: the restart took 1.5 s
        stats = client.stats()
        assert (stats["delivered"], stats["failed"], stats["dropped"]) == (n, 0, 0), stats
        assert stats["retried"] > 0  # the outage was felt
        assert all(r.ok for r in reports), [r.reason for r in reports if not r.ok]
        stored = Collector(url).good()
        assert sorted(e["eventId"] for e in stored) == sorted("deploy-%d" % i for i in range(n))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)


def test_deepest_accepted_argument_is_delivered(make_client: Callable[..., spoor.Client],
                                                collector: Collector) -> None:
    """What the client accepts, the server takes: fields nested as deep as an argument
    may be (64 levels) sit two levels deeper in the event (under properties) and two
    more in the request's body, and must not fail the batch they travel in."""
    fields: dict = {"profileId": "deep-1"}
    inner = fields
    for _ in range(62):  # the argument object and 63 levels below it: 64 in all
        inner["n"] = {}
        inner = inner["n"]
    client = make_client()
    client.record_event("deep", fields)
    client.track("shallow", user_id="u")  # a good event in the same batch
    client.flush(10)
    assert client.stats()["failed"] == 0
    assert len(collector.wait_good(2)) == 2
