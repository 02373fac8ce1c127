"""Logs reach the "spoor" logger without secrets; the cdef matches the header."""
from __future__ import annotations

import logging
import os
import re
from typing import Callable

import pytest

import spoor
from spoor._spoor_cffi import ffi, lib

from conftest import ROOT, Collector


def test_core_logs_forwarded(make_client: Callable[..., spoor.Client], collector: Collector,
                             caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="spoor"):
        for auth in ({"password": "hunter2-password", "username": "bob"}, {"access_token": "tok-secret-123"}):
            client = make_client(debug=True, api_key="test-key", secret="test-secret", **auth)
            client.track("purchase", user_id="u")
            client.flush(5)
    records = [r for r in caplog.records if r.name == "spoor"]
    queued = [r for r in records if r.getMessage() == "Event queued: purchase"]
    assert queued and queued[0].levelno == logging.DEBUG
    text = "\n".join(r.getMessage() for r in records)
    for secret in ("test-secret", "hunter2-password", "tok-secret-123"):
        assert secret not in text


def test_logger_level_drives_core_level(make_client: Callable[..., spoor.Client],
                                        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="spoor"):
        client = make_client()  # no debug/log_level: follows the logger
        client.track("purchase", user_id="u")
    assert "Event queued: purchase" in caplog.text


def test_failure_logged(collector: Collector, caplog: pytest.LogCaptureFixture) -> None:
    collector.fault(status=500, count=1)
    with caplog.at_level(logging.WARNING, logger="spoor"):
        client = spoor.Client(host=collector.url, api_key="test-key", secret="test-secret", retry_limit=0)
        client.track("x", user_id="u")
        client.flush(5)
        client.close()
    assert any(r.levelno >= logging.WARNING and "500" in r.getMessage() for r in caplog.records)


def test_cdef_has_every_public_function() -> None:
    declared = set()
    include = os.path.join(ROOT, "core", "include")
    for folder, _, files in os.walk(include):
        if os.path.basename(folder) == "sys":
            continue  # spoor/sys/testing.h: unstable test hooks, left out of spoor.h and so of the cdef
        for name in files:
            with open(os.path.join(folder, name)) as f:
                declared |= set(re.findall(r"SPOOR_API\s+[^;(]*?\b(spoor_\w+)\s*\(", f.read()))
    assert declared and "spoor_track" in declared
    missing = [name for name in sorted(declared) if not hasattr(lib, name)]
    assert not missing


def test_error_classes_cover_core_codes() -> None:
    count = ffi.new("size_t *")
    codes = lib.spoor_err_list(count)
    names = {ffi.string(lib.spoor_err2name(codes[i])).decode() for i in range(count[0])}
    assert {"INVALID", "TOO_LARGE", "CONFIG_UNKNOWN", "CONFIG_INVALID", "CLOSED", "TIMED_OUT"} <= names


def test_version() -> None:
    assert re.match(r"^\d+\.\d+\.\d+", spoor.version())


def test_debug_prints_when_logging_is_not_configured(collector: Collector) -> None:
    import subprocess
    import sys
    code = ("import spoor\n"
            "c = spoor.Client(host=%r, api_key='test-key', secret='test-secret', debug=%s)\n"
            "c.track('purchase', user_id='u')\n"
            "c.close()\n")
    loud = subprocess.run([sys.executable, "-c", code % (collector.url, True)], capture_output=True,
                          text=True, timeout=60)
    assert loud.returncode == 0, loud.stderr
    assert "[spoor] DEBUG Event queued: purchase" in loud.stderr
    assert "test-secret" not in loud.stderr
    quiet = subprocess.run([sys.executable, "-c", code % (collector.url, False)], capture_output=True,
                           text=True, timeout=60)
    assert quiet.returncode == 0 and quiet.stderr == ""  # a library prints nothing by default
