"""producer.py: the Python side of the reliability suite's kill -9 scenario (run.py).

    python producer.py HOST SPOOL_DIR N PREFIX PROGRESS [SPOOL_SYNC]

Sends N track events with eventIds PREFIX-0 .. PREFIX-(N-1) through spoor.Client
with a spool, printing "accepted A" after every PROGRESS accepted events (one
write(2) each, so nothing waits in a buffer when the process is killed), then
closes and prints one JSON line with the stats. Exit 77 when this core refuses
spool_dir (NOT_SUPPORTED).
"""
import json
import os
import sys

import spoor


def main() -> int:
    host, spool_dir, n, prefix, progress = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
    sync = sys.argv[6] if len(sys.argv) > 6 else "batch"
    try:
        client = spoor.Client(host=host, spool_dir=spool_dir, spool_sync=sync, flush_at=500, max_batch_events=500,
                              flush_interval=0.05, max_queue_size=1000000, retry_backoff=0.01,
                              retry_backoff_max=0.1)
    except spoor.Error as e:
        if getattr(e, "code", "") == "NOT_SUPPORTED":
            print(json.dumps({"unsupported": "spool_dir", "error": str(e)}), flush=True)
            return 77
        raise
    accepted = 0
    for i in range(n):
        client.track("reliability", user_id="u%d" % (i % 97), event_id="%s-%d" % (prefix, i),
                     properties={"i": i, "prefix": prefix})
        accepted += 1
        if accepted % progress == 0:
            os.write(1, b"accepted %d\n" % accepted)
    client.close(60)
    print(json.dumps({"role": "main", "pid": os.getpid(), "attempted": n, "accepted": accepted,
                      "stats": client.stats()}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
