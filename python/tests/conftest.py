"""Shared fixtures: one collector (collector/) for the session, reset per test."""
from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest

import spoor

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
API_KEY = "test-key"
SECRET = "test-secret"
ADMIN_KEY = "test-admin-key"  # opens /micro/* (running_collector starts every collector with it)


def fingerprint(secret: str) -> str:
    """How /micro/requests shows a credential: a short hash, never the value."""
    return "***sha256:" + hashlib.sha256(secret.encode()).hexdigest()[:8]


def collector_binary() -> str:
    path = os.environ.get("SPOOR_COLLECTOR")
    if path:
        return path
    found = sorted(glob.glob(os.path.join(ROOT, "build*", "collector", "spoor-collector")),
                   key=os.path.getmtime, reverse=True)
    if not found:
        pytest.exit("no spoor-collector binary: set SPOOR_COLLECTOR or build it "
                    "(cmake --build build --target spoor-collector)", returncode=2)
    return found[0]


class Collector:
    """The collector's HTTP API (/micro/*), as the tests use it."""

    def __init__(self, url: str) -> None:
        self.url = url

    def _request(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json", "X-API-Key": ADMIN_KEY})
        with urllib.request.urlopen(req, timeout=10) as resp:
            text = resp.read().decode()
        return json.loads(text) if text.strip() else None

    def reset(self) -> None:
        self._request("POST", "/micro/reset", {})

    def counts(self) -> Dict[str, int]:
        return dict(self._request("GET", "/micro/all"))

    def good(self, **query: Any) -> List[Dict[str, Any]]:
        query.setdefault("limit", 100000)
        return list(self._request("GET", "/micro/good?" + urllib.parse.urlencode(query)))

    def bad(self) -> List[Dict[str, Any]]:
        return list(self._request("GET", "/micro/bad"))

    def requests(self, limit: int = 1000) -> List[Dict[str, Any]]:
        return list(self._request("GET", "/micro/requests?limit=%d" % limit))

    def fault(self, **fault: Any) -> None:
        self._request("POST", "/micro/fault", fault)

    def wait_good(self, n: int, timeout: float = 10.0, **query: Any) -> List[Dict[str, Any]]:
        """Poll until at least n good events (matching query) are stored."""
        deadline = time.monotonic() + timeout
        while True:
            events = self.good(**query)
            if len(events) >= n or time.monotonic() > deadline:
                return events
            time.sleep(0.05)


@contextlib.contextmanager
def running_collector(*args: str) -> Iterator[Collector]:
    """Run spoor-collector on a free port for the duration of the block."""
    with tempfile.TemporaryDirectory() as tmp:
        port_file = os.path.join(tmp, "port")
        log = open(os.path.join(tmp, "log"), "w+b")
        proc = subprocess.Popen([collector_binary(), "--port", "0", "--port-file", port_file,
                                 "--db", ":memory:", "--admin-key", ADMIN_KEY, *args],
                                stdout=log, stderr=subprocess.STDOUT)
        port = ""
        deadline = time.monotonic() + 20
        while not port and time.monotonic() < deadline and proc.poll() is None:
            if os.path.exists(port_file):
                with open(port_file) as f:
                    port = f.read().strip()
            time.sleep(0.05)
        if not port:
            proc.kill()
            log.seek(0)
            pytest.exit("spoor-collector did not start: " + log.read().decode(errors="replace"),
                        returncode=2)
        try:
            yield Collector("http://127.0.0.1:%s" % port)
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()


@pytest.fixture(scope="session")
def collector_server() -> Iterator[Collector]:
    with running_collector("--api-key", API_KEY, "--secret", SECRET) as server:
        yield server


@pytest.fixture
def collector(collector_server: Collector) -> Collector:
    collector_server.reset()
    return collector_server


@pytest.fixture
def make_client(collector: Collector) -> Iterator[Callable[..., spoor.Client]]:
    """Clients for the test's collector (api_key and secret set), closed after the test."""
    made: List[spoor.Client] = []

    def make(**config: Any) -> spoor.Client:
        config.setdefault("host", collector.url)
        config.setdefault("api_key", API_KEY)
        config.setdefault("secret", SECRET)
        config.setdefault("flush_interval", 0.05)
        config.setdefault("retry_backoff", 0.01)
        client = spoor.Client(**config)
        made.append(client)
        return client

    yield make
    for client in made:
        try:
            client.close(timeout=2)
        except spoor.Error:
            pass


@pytest.fixture
def client(make_client: Callable[..., spoor.Client]) -> spoor.Client:
    return make_client()


def library(event: Dict[str, Any]) -> Dict[str, Any]:
    return dict(event["context"]["library"])


PYTHON = sys.executable
