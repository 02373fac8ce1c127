"""Bulk import of historical events from a JSON-lines file, with a progress bar.

    python bulk_import.py HOST [API_KEY] [--file sample_events.jsonl]

Each line is {"userId", "event", "properties", "timestamp"?, "eventId"?}; the
eventId (when given) makes re-running the import idempotent.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any, Dict, TextIO

import spoor

HERE = os.path.dirname(os.path.abspath(__file__))


def progress(done: int, total: int, started: float, out: TextIO = sys.stderr) -> None:
    width = 30
    filled = width * done // total if total else width
    rate = done / max(time.monotonic() - started, 1e-9)
    out.write("\r[%s%s] %d/%d %.0f ev/s" % ("#" * filled, "." * (width - filled), done, total, rate))
    out.flush()


def import_file(client: spoor.Client, path: str) -> int:
    with open(path, encoding="utf-8") as f:
        lines = [line for line in f if line.strip()]
    started = time.monotonic()
    for number, line in enumerate(lines, 1):
        row: Dict[str, Any] = json.loads(line)
        try:
            client.track(row["event"], user_id=row.get("userId"), anonymous_id=row.get("anonymousId"),
                         properties=row.get("properties"), timestamp=row.get("timestamp"),
                         event_id=row.get("eventId"))
        except spoor.ValidationError as exc:
            sys.stderr.write("\nline %d skipped: %s\n" % (number, exc))
        if number % 10 == 0 or number == len(lines):
            progress(number, len(lines), started)
    sys.stderr.write("\n")
    return len(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("host")
    parser.add_argument("api_key", nargs="?")
    parser.add_argument("--file", default=os.path.join(HERE, "sample_events.jsonl"))
    args = parser.parse_args()

    # Larger batches for imports; a queue big enough for the file.
    with spoor.Client(args.api_key, host=args.host, flush_at=50, flush_interval=5.0,
                      max_queue_size=100000) as client:
        total = import_file(client, args.file)
        client.flush(timeout=60)
        stats = client.stats()
    print("imported %d lines: %d delivered, %d failed" % (total, stats["delivered"], stats["failed"]))
    return 0 if stats["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
