"""Enqueue throughput of Client.track() with a purchase's properties (bench/peers/shapes.py).

    python bench/python/enqueue.py [--events 200000] [--threads 1]

The host is a local socket that listens but never answers (a stalled server),
so the worker sits in its first request while the queue, big enough for every
event, fills: what is measured is the call itself (converting the arguments,
validating and queueing in the core), not the network.
"""
from __future__ import annotations

import argparse
import os
import socket
import sys
import threading
import time

# Use the installed package, not the source folder this script sits in.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
import spoor  # noqa: E402

PROPERTIES = {
    "revenue": 99.99,
    "currency": "USD",
    "product_id": "prod_456",
    "items": [{"item name": "item 1", "price": 20}, {"item name": "item 2", "price": 15}],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=200000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--host", help="default: a local server that never answers")
    args = parser.parse_args()

    stalled = socket.socket()
    stalled.bind(("127.0.0.1", 0))
    stalled.listen(16)  # never accept()ed: connections complete, requests never answered
    host = args.host or "http://127.0.0.1:%d" % stalled.getsockname()[1]

    client = spoor.Client(host=host, max_queue_size=args.events * 2, flush_at=100000,
                          flush_interval=3600.0, timeout=3600.0, retry_limit=0, close_timeout=0.0)
    per_thread = args.events // args.threads

    def work() -> None:
        track = client.track
        for _ in range(per_thread):
            track("purchase", user_id="user_123", properties=PROPERTIES)

    for _ in range(1000):  # warm up
        client.track("purchase", user_id="user_123", properties=PROPERTIES)
    threads = [threading.Thread(target=work) for _ in range(args.threads)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    total = per_thread * args.threads
    stats = client.stats()
    print("track(): %d events in %.3f s = %.0f events/s (%.2f us/event), %d thread(s); accepted %d, dropped %d"
          % (total, elapsed, total / elapsed, elapsed / total * 1e6, args.threads,
             stats["accepted"], stats["dropped"]))
    try:
        client.close(0)
    except spoor.TimeoutError:
        pass  # the stalled host: what is still queued is reported aborted
    stalled.close()


if __name__ == "__main__":
    main()
