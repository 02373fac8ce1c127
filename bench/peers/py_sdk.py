"""One benchmark run of one Python SDK (or a floor) in this process; prints one JSON line.

    python py_sdk.py --sdk spoor|segment|posthog|rudder|floor-json|floor-post
                     --n N --host URL --sink URL --mode run|down

run: N calls in a loop (the SDK's own thread delivers meanwhile), then the SDK's flush,
     then wait until the sink has counted all N (or nothing arrived for 3 s).
down: the host is a closed port; only the calls are timed (the request path while the
      ingestion server is down).
"""
from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import resource
import sys
import time
import urllib.request

logging.disable(logging.CRITICAL)  # the peers log every failed request in down mode
BATCH = 100
USER_ID = "user_123"
EVENT = "purchase"
PROPERTIES = {
    "revenue": 99.99,
    "currency": "USD",
    "product_id": "prod_456",
    "items": [{"item name": "item 1", "price": 20}, {"item name": "item 2", "price": 15}],
}


def version(dist: str) -> str:
    from importlib.metadata import version as v
    return v(dist)


def adapter(name: str, n: int):
    """(version, make(host), call(client), finish(client))"""
    if name == "spoor":
        import spoor

        def make(host):
            return spoor.Client(host=host, api_key="bench", flush_at=BATCH, max_batch_events=BATCH,
                                flush_interval=10.0, max_queue_size=n + 1000, close_timeout=0.0,
                                log_level="error")

        def call(c):
            c.track(EVENT, user_id=USER_ID, properties=PROPERTIES)

        def finish(c):
            c.flush(300.0)

        return spoor.__version__, make, call, finish
    if name in ("segment", "rudder"):
        if name == "segment":
            from segment.analytics.client import Client
            ver = version("segment-analytics-python")
        else:
            from rudderstack.analytics.client import Client
            ver = version("rudder-sdk-python")

        def make(host):
            return Client("bench", host=host, upload_size=BATCH, max_queue_size=n + 1000, upload_interval=10.0)

        def call(c):
            c.track(USER_ID, EVENT, PROPERTIES)

        def finish(c):
            c.flush()

        return ver, make, call, finish
    if name == "posthog":
        from posthog import Posthog

        def make(host):
            return Posthog("bench", host=host, flush_at=BATCH, max_queue_size=n + 1000, flush_interval=10.0)

        def call(c):
            c.capture(EVENT, distinct_id=USER_ID, properties=PROPERTIES)

        def finish(c):
            c.flush(300.0)

        return version("posthog"), make, call, finish
    raise SystemExit("unknown sdk " + name)


def get_count(sink: str) -> dict:
    with urllib.request.urlopen(sink + "/count") as r:
        return json.loads(r.read())


def usage() -> dict:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu_s": ru.ru_utime + ru.ru_stime, "peak_rss_mb": ru.ru_maxrss / 1024}


def produce(call, c, n: int) -> dict:
    lat = [0] * n
    clock = time.perf_counter_ns
    t0 = clock()
    for i in range(n):
        a = clock()
        call(c)
        lat[i] = clock() - a
    wall = (clock() - t0) / 1e9
    in_calls = sum(lat) / 1e9
    lat.sort()
    return {"wall": wall, "in_calls": in_calls, "p50_us": lat[n // 2] / 1e3,
            "p99_us": lat[min(n - 1, int(n * 0.99))] / 1e3, "max_us": lat[-1] / 1e3}


def run_sdk(a) -> dict:
    ver, make, call, finish = adapter(a.sdk, a.n)
    c = make(a.host)
    if a.mode == "down":
        r = produce(call, c, a.n)
        out = {"sdk": a.sdk, "mode": "down", "n": a.n, "version": ver, "down_p50_us": r["p50_us"],
               "down_p99_us": r["p99_us"], "down_max_us": r["max_us"], **usage()}
        print(json.dumps(out), flush=True)
        os._exit(0)  # do not wait for retries against the closed port
    t0 = time.perf_counter()
    r = produce(call, c, a.n)
    finish(c)
    t_flushed = time.perf_counter() - t0
    last, last_change, t_done = -1, time.monotonic(), t_flushed
    while True:
        cnt = get_count(a.sink)
        if cnt["unique"] >= a.n:
            t_done = time.perf_counter() - t0
            break
        if cnt["events"] != last:
            last, last_change, t_done = cnt["events"], time.monotonic(), time.perf_counter() - t0
        elif time.monotonic() - last_change > 3:
            break
        time.sleep(0.005)
    u = usage()
    out = {"sdk": a.sdk, "mode": "run", "n": a.n, "version": ver,
           "enqueue_eps": a.n / r["in_calls"], "producer_eps": a.n / r["wall"],
           "p50_us": r["p50_us"], "p99_us": r["p99_us"], "max_us": r["max_us"],
           "flush_s": t_flushed, "e2e_s": t_done, "e2e_eps": cnt["unique"] / t_done,
           "received": cnt["events"], "unique": cnt["unique"], "lost": a.n - cnt["unique"],
           "duplicates": cnt["events"] - cnt["unique"], "requests": cnt["requests"],
           "cpu_us_per_event": u["cpu_s"] / a.n * 1e6, **u}
    print(json.dumps(out), flush=True)
    os._exit(0)


def floor_json(a) -> None:
    event = {"userId": USER_ID, "event": EVENT, "properties": PROPERTIES}
    dumps = json.dumps
    t0 = time.perf_counter()
    for _ in range(a.n):
        dumps(event)
    s = time.perf_counter() - t0
    print(json.dumps({"sdk": a.sdk, "n": a.n, "enqueue_eps": a.n / s, **usage()}))


def floor_post(a) -> None:
    from urllib.parse import urlsplit
    u = urlsplit(a.host)
    bodies = []
    for b in range((a.n + BATCH - 1) // BATCH):
        batch = [{"eventId": "00000000-0000-4000-8000-%012d" % (b * BATCH + i), "type": "track",
                  "eventName": EVENT, "userId": USER_ID, "properties": PROPERTIES} for i in range(BATCH)]
        bodies.append(json.dumps({"sentAt": "2026-11-23T10:00:00.000Z", "batch": batch}).encode())
    conn = http.client.HTTPConnection(u.hostname, u.port)
    headers = {"Content-Type": "application/json"}
    t0 = time.perf_counter()
    for body in bodies:
        conn.request("POST", "/v1/batch", body, headers)
        conn.getresponse().read()
    while get_count(a.sink)["unique"] < a.n:
        time.sleep(0.002)
    s = time.perf_counter() - t0
    cnt = get_count(a.sink)
    print(json.dumps({"sdk": a.sdk, "n": a.n, "e2e_eps": cnt["unique"] / s, "e2e_s": s,
                      "received": cnt["events"], "lost": a.n - cnt["unique"], **usage()}))


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--sdk", required=True)
    p.add_argument("--n", type=int, default=100000)
    p.add_argument("--host")
    p.add_argument("--sink")
    p.add_argument("--mode", default="run")
    a = p.parse_args()
    # Never import the source folder python/spoor: the installed package is measured.
    sys.path[:] = [x for x in sys.path if not os.path.isdir(os.path.join(x or ".", "spoor", "_errors.py"))]
    if a.sdk == "floor-json":
        floor_json(a)
    elif a.sdk == "floor-post":
        floor_post(a)
    else:
        run_sdk(a)


if __name__ == "__main__":
    main()
