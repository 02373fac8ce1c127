#!/usr/bin/env python3
"""Writes seeds for fuzz_event from the conformance vectors (tests/fuzz/corpus/event/vector-*).

fuzz_event's input is one byte that picks the operation (byte % 11, see
fuzz_event.c) followed by that operation's argument. Every call of every vector
(tests/conformance/vectors/*/*.json) that has a JSON argument becomes one seed,
its argument written as the C conformance runner passes it (the vector's JSON
value as text, numbers exactly as written). Also: the first messages of each batch
call one by one through spoor_enqueue (9), and the feed texts through spoor_ingest_feed
(10, which fuzz_event only calls for text starting with '{', '<' or '['). The
harness's fixed ids and names (identify's "u", page's "n", record_event's
collection "purchase") stand in for the vector's.

    python3 tests/fuzz/make_event_corpus.py [OUT_DIR]   # default tests/fuzz/corpus/event

Deterministic; stdlib only. Seeds with the same bytes are written once; seeds
longer than ci/fuzz's -max_len (8192) are left out. Files it
did not write (merged by ci/fuzz --merge) are left alone; its own (vector-*) are
rewritten.
"""
import glob
import json
import os

import corpus_files
from corpus_files import VECTORS

# fuzz_event.c's switch (data[0] % 11) and the argument each vector op passes there.
OPS = {"track": (0, "options"), "record_event": (1, "event"), "profile": (2, "attributes"),
       "track_consents": (3, "consents"), "identify": (4, "traits"), "group": (5, "traits"),
       "page": (6, "properties"), "product": (7, "product"), "batch": (8, "messages")}
ENQUEUE, FEED = 9, 10
ENQUEUE_PER_BATCH = 3  # the first messages of a batch call also go one by one
MAX_LEN = 8192  # ci/fuzz's -max_len for fuzz_event: a longer seed would be cut


class Number(str):
    """A JSON number, kept as the text the vector has."""


def dump(v):
    if isinstance(v, Number):
        return str(v)
    if isinstance(v, dict):
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + dump(x) for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ",".join(dump(x) for x in v) + "]"
    return json.dumps(v, ensure_ascii=False)  # str, bool, None


def main():
    out_dir = corpus_files.fresh_dir("event", "vector-")
    seeds, seen = {}, set()

    def seed(name, op, text):
        data = bytes([op]) + text.encode("utf-8")
        if len(data) <= MAX_LEN and data not in seen:
            seen.add(data)
            seeds[name] = data

    for path in sorted(glob.glob(os.path.join(VECTORS, "*", "*.json"))):
        with open(path, encoding="utf-8") as f:
            v = json.load(f, parse_float=Number, parse_int=Number)
        name = "vector-" + v["name"].replace("/", "-")
        for i, call in enumerate(v["calls"]):
            op = call["op"]
            if op in OPS:
                byte, key = OPS[op]
                if call.get(key) is not None:  # absent and null reach the core as NULL, not text
                    seed(f"{name}-{i}", byte, dump(call[key]))
                if op == "batch" and isinstance(call.get("messages"), list):
                    for k, m in enumerate(call["messages"][:ENQUEUE_PER_BATCH]):
                        seed(f"{name}-{i}-enqueue-{k}", ENQUEUE, dump(m))
            elif op == "ingest_feed" and isinstance(call.get("feed"), str):
                feed = call["feed"]
                if feed[:1] in ("{", "<", "["):
                    seed(f"{name}-{i}", FEED, feed)

    corpus_files.write(seeds, out_dir)


if __name__ == "__main__":
    main()
