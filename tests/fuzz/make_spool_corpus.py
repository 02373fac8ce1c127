#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_spool (tests/fuzz/corpus/spool/spool-*).

Segments in the record format of core/src/spool.h, written here from that
comment (not by the core): each record is

    u32 magic "SPR1" | u32 payload length | u64 seq | u32 CRC-32 of (seq bytes + payload)
    payload = the eventId (1 to 256 bytes), a NUL byte, then the event's JSON

little-endian. The events are the conformance vectors' expected wire events
(tests/conformance/vectors/*/*.json, expect.requests[].body's "batch", cut out of
the body text byte for byte, with {binding} as "c"), so the seeds hold the JSON
the spool really stores. Then the damage the reader must survive: torn tails,
flipped CRC, bits or seq, bad magic, impossible lengths, eventIds that are empty,
too long or without their NUL, garbage, an empty segment, a zero-length JSON, and
one segment of many records. And inputs for fuzz_spool's round trip (first byte:
records and damage mode, second: which records are damaged; see fuzz_spool.c).

    python3 tests/fuzz/make_spool_corpus.py [OUT_DIR]   # default tests/fuzz/corpus/spool

Deterministic; stdlib only. Files it did not write (merged by ci/fuzz --merge)
are left alone; its own (spool-*) are rewritten.
"""
import glob
import json
import os
import struct
import zlib

import corpus_files
from corpus_files import VECTORS
MAGIC = b"SPR1"
HEADER = 20
ID_MAX = 256
MAX_RECORD = 64 * 1024 * 1024
MAX_LEN = 65536  # ci/fuzz's -max_len: a longer seed would be cut


def record(seq, event_id, json_bytes, *, length=None, crc=None, magic=MAGIC, raw_payload=None):
    """One record; length, crc, magic or the payload itself overridden to damage it."""
    payload = raw_payload if raw_payload is not None else event_id + b"\0" + json_bytes
    seq_bytes = struct.pack("<Q", seq)
    if crc is None:
        crc = zlib.crc32(seq_bytes + payload) & 0xFFFFFFFF
    if length is None:
        length = len(payload)
    return magic + struct.pack("<I", length) + seq_bytes + struct.pack("<I", crc) + payload


def crc_of(seq, payload):
    return zlib.crc32(struct.pack("<Q", seq) + payload) & 0xFFFFFFFF


def batch_events(body):
    """The events of a request body, each as the exact bytes of the body text."""
    start = body.index('"batch":[') + len('"batch":[')
    dec = json.JSONDecoder()
    pos, out = start, []
    while body[pos] != "]":
        obj, end = dec.raw_decode(body, pos)
        out.append((obj.get("eventId"), body[pos:end].encode()))
        pos = end + 1 if body[end] == "," else end
    return out


def vector_events():
    """{area: [(vector name, [(eventId bytes, json bytes), ...]), ...]} in file order."""
    areas = {}
    for path in sorted(glob.glob(os.path.join(VECTORS, "*", "*.json"))):
        with open(path, encoding="utf-8") as f:
            v = json.load(f)
        area = os.path.basename(os.path.dirname(path))
        evs = []
        for req in v["expect"]["requests"]:
            for eid, text in batch_events(req["body"].replace("{binding}", "c")):
                evs.append((eid.encode() if isinstance(eid, str) else b"no-event-id", text))
        if evs:
            areas.setdefault(area, []).append((v["name"], evs))
    return areas


def segment(events, first_seq=1):
    return b"".join(record(first_seq + i, eid, js) for i, (eid, js) in enumerate(events))


def main():
    out_dir = corpus_files.fresh_dir("spool", "spool-")
    seeds = {}

    def seed(name, data):
        assert name not in seeds, name
        assert len(data) <= MAX_LEN, (name, len(data))
        seeds[name] = data

    areas = vector_events()
    every = [ev for vecs in areas.values() for _, evs in vecs for ev in evs]

    # Good segments: one per area (every expected event of its vectors, in order),
    # and the first event of the first two vectors of each area on its own.
    for area, vecs in areas.items():
        evs = [ev for _, e in vecs for ev in e]
        data = segment(evs)
        while len(data) > MAX_LEN:
            evs = evs[: len(evs) // 2]
            data = segment(evs)
        seed(f"spool-area-{area}", data)
        for name, e in vecs[:2]:
            seed("spool-one-" + name.replace("/", "-"), segment(e[:1], first_seq=7))

    # The base for damage: three records (small, unicode, larger).
    small = min(every, key=lambda ev: len(ev[1]))
    uni = next(ev for ev in every if any(b >= 0x80 for b in ev[1]))
    big = max((ev for ev in every if len(ev[1]) < 4000), key=lambda ev: len(ev[1]))
    trio = [small, uni, big]
    recs = [record(100 + i, eid, js) for i, (eid, js) in enumerate(trio)]
    base = b"".join(recs)
    a, b_, c = recs
    seed("spool-good-three", base)

    # Torn tails: cut in the magic, the header, right after it, in the eventId, in the JSON, one byte short.
    last = len(a) + len(b_)
    for name, cut in [("magic", 2), ("header", 11), ("after-header", HEADER), ("event-id", HEADER + 5),
                      ("json", HEADER + 60), ("one-short", len(c) - 1)]:
        seed(f"spool-torn-{name}", base[: last + cut])
    seed("spool-torn-only-record", c[: len(c) // 2])

    def flip(rec, at, bit=1):
        r = bytearray(rec)
        r[at] ^= bit
        return bytes(r)

    seed("spool-crc-flipped-middle", a + flip(b_, 16) + c)
    seed("spool-crc-flipped-first", flip(a, 19, 0x80) + b_ + c)
    seed("spool-crc-flipped-two", flip(a, 17) + flip(b_, 18) + c)
    seed("spool-crc-flipped-alternate", a + flip(b_, 16) + c + flip(a, 16) + b_)
    seed("spool-payload-bit", a + flip(b_, HEADER + 40, 4) + c)
    seed("spool-seq-bit", a + flip(b_, 8, 2) + c)
    seed("spool-magic-bad-middle", a + flip(b_, 0) + c)
    seed("spool-magic-bad-all", flip(a, 3) + flip(b_, 1) + flip(c, 2))
    seed("spool-magic-spr2", a + b"SPR2" + b_[4:] + c)

    eid, js = uni
    for name, length in [("ffffffff", 0xFFFFFFFF), ("max-plus-one", MAX_RECORD + 1), ("max", MAX_RECORD),
                         ("room-plus-one", len(eid) + 1 + len(js) + 1 + len(c))]:
        seed(f"spool-length-{name}", a + record(101, eid, js, length=length) + c)
    payload = eid + b"\0" + js
    for n in (0, 1):  # too short for an eventId and its NUL, with a CRC that matches
        seed(f"spool-length-{n}", a + record(101, eid, js, length=n, crc=crc_of(101, payload[:n])) + c)
    seed("spool-length-shorter", a + record(101, eid, js, length=len(payload) - 7) + c)

    # eventIds: 1 byte, 256 (the longest), 257, empty, no NUL at all; each with a matching CRC.
    j = small[1]
    seed("spool-id-1", record(1, b"e", j))
    seed("spool-id-256", record(2, b"a" * ID_MAX, j))
    seed("spool-id-257", a + record(3, b"a" * (ID_MAX + 1), j) + c)
    seed("spool-id-empty", a + record(4, b"", j) + c)
    seed("spool-id-no-nul", a + record(5, b"", b"", raw_payload=b"x" * 300) + c)
    seed("spool-id-nul-at-257", a + record(6, b"", b"", raw_payload=b"y" * 257 + b"\0{}") + c)
    seed("spool-json-empty", record(8, small[0], b""))
    seed("spool-json-empty-between", a + record(9, b"z", b"") + c)
    seed("spool-json-nuls", record(10, small[0], b'{"a":"\0\0"}\0'))
    seed("spool-json-not-json", record(11, b"id", bytes(range(1, 256))))

    # Garbage and resynchronisation.
    seed("spool-garbage-start", b"\x00garbage\xff" + base)
    seed("spool-garbage-between", a + b"\n\n\x00\x01" + b_ + b"junk" + c)
    seed("spool-garbage-end", base + b"\x00\x00\x00\x00trailing")
    seed("spool-garbage-s-bytes", a + b"S" * 200 + b"SP" * 50 + b"SPR" * 30 + c)
    seed("spool-garbage-magics", a + MAGIC * 64 + c)
    seed("spool-garbage-zeros", a + bytes(4096) + c)
    seed("spool-garbage-only", bytes(range(256)) * 4)
    seed("spool-headers-only", b"".join(r[:HEADER] for r in recs))
    seed("spool-nested", record(12, b"outer", b'{"x":"' + a + b'"}') + c)
    seed("spool-overlapping", a[:-10] + b_)

    # Sequence numbers the format does not order: equal, decreasing, extremes, duplicates.
    seed("spool-seq-equal", b"".join(record(5, e, s) for e, s in trio))
    seed("spool-seq-decreasing", b"".join(record(9 - i, e, s) for i, (e, s) in enumerate(trio)))
    seed("spool-seq-extremes", record(0, *small) + record(2**64 - 1, *uni) + record(2**63, *small))
    seed("spool-duplicate", a + a + a)

    seed("spool-empty", b"")
    seed("spool-one-byte", b"S")

    # Many records: the vectors' events, repeated with new seqs, to just under max_len.
    data, i = bytearray(), 0
    while True:
        eid, js = every[i % len(every)]
        r = record(1000 + i, eid, js)
        if len(data) + len(r) > MAX_LEN:
            break
        data += r
        i += 1
    seed("spool-many", bytes(data))
    seed("spool-many-tiny", b"".join(record(i, b"%d" % i, b'{"i":%d}' % i) for i in range(1000)))

    # Round-trip inputs: byte 0 = records-1 (bits 0-2), mode (3-4: intact, torn,
    # damaged, damaged+torn), damage kind (5-7); byte 1 = damaged records; the
    # rest is cut into the records' JSON.
    body = b"".join(js for _, js in trio)
    for mode in range(4):
        for kind in range(8):
            nrec = 1 + (mode * 3 + kind) % 8
            ctl = (nrec - 1) | mode << 3 | kind << 5
            mask = [0x00, 0x00, 0x55, 0xA5][mode] if kind % 2 else [0x00, 0x00, 0xFF, 0x3C][mode]
            seed(f"spool-roundtrip-m{mode}-k{kind}", bytes([ctl, mask]) + body[: 60 * nrec + 7 * kind] + bytes([kind * 37 % 256]))

    corpus_files.write(seeds, out_dir)


if __name__ == "__main__":
    main()
