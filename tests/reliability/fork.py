"""fork.py: os.fork() under load through the Python binding (run.py, scenario 6).

    python fork.py HOST N PREFIX [SPOOL_DIR]

Sends N track events (PREFIX-0 ..) through one spoor.Client, calling os.fork() after
N/2 while batches are in flight. The child sends N/2 events of its own (PREFIXc-0 ..)
through the inherited client, closes it and prints its line; the parent sends the
rest, closes, waits for the child and prints its line. Each line: role, accepted,
the delivery callback's events per error name, the client's stats.
"""
import json
import os
import sys
import threading

import spoor

counts = {}
lock = threading.Lock()


def on_delivery(report):
    with lock:
        key = "OK" if report.ok else report.error
        counts[key] = counts.get(key, 0) + len(report.event_ids)


def send(client, prefix, lo, hi):
    for i in range(lo, hi):
        client.track("reliability", user_id="u%d" % (i % 97), event_id="%s-%d" % (prefix, i),
                     properties={"i": i, "prefix": prefix})
    return hi - lo


def report(role, client, accepted):
    with lock:
        cb = dict(counts)
    line = json.dumps({"role": role, "pid": os.getpid(), "accepted": accepted, "refused": 0, "cb": cb,
                       "stats": client.stats()}) + "\n"
    os.write(1, line.encode())  # one write: parent and child share the pipe


def main():
    host, n, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    conf = dict(flush_at=500, max_batch_events=500, flush_interval=0.05, max_queue_size=1000000,
                retry_backoff=0.01, retry_backoff_max=0.1)
    if len(sys.argv) > 4:
        conf["spool_dir"] = sys.argv[4]
    client = spoor.Client(host=host, on_delivery=on_delivery, **conf)
    half = n // 2
    accepted = send(client, prefix, 0, half)
    pid = os.fork()
    if pid == 0:
        with lock:
            counts.clear()  # the child's counters start at the fork, as the core's
        child = send(client, prefix + "c", 0, half)
        client.close(60)
        report("child", client, child)
        os._exit(0)
    accepted += send(client, prefix, half, n)
    client.close(60)
    _, status = os.waitpid(pid, 0)
    report("parent", client, accepted)
    return 0 if status == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
