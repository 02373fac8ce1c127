"""Profiles the C core's track() path with callgrind and writes what dominates per event.

    python profile.py --root REPO --n 20000 --out profile.md [--event SCRATCH/shapes/purchase.txt]

Builds spoor-bench-core with debug info (RelWithDebInfo, build/bench-prof), runs it under
valgrind --tool=callgrind for N track() calls of the purchase event (shapes.py's template, a new
text per call, when --event is given; the purchase's constant text otherwise) delivered to the
benchmark sink, and turns callgrind_annotate's inclusive call tree into markdown: instructions
per event for spoor_track() and for its biggest callees, and the top functions by self cost.
Callgrind counts instructions (Ir), not time: syscalls, lock waits and cache misses are not in it.
(`perf` is used instead where `perf stat -e instructions` works; on this kind of VM it does not.)
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+([*>< ])\s+(.*?)(?: \((\d[\d,]*)x\))?(?: \[(.*)\])?\s*$")


def fn_name(s: str) -> str:
    # "/work/main/core/src/event.c:spoor__build_event" -> "event.c: spoor__build_event"
    path, _, fn = s.rpartition(":")
    return "%s: %s" % (os.path.basename(path) if path and path != "???" else "?", fn)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--n", type=int, default=20000)
    p.add_argument("--out", required=True)
    p.add_argument("--callgrind", help="annotate this callgrind.out instead of running")
    p.add_argument("--event", help="the event's template for spoor-bench-core --event")
    a = p.parse_args()
    root = os.path.abspath(a.root)
    if not shutil.which("valgrind") or not shutil.which("callgrind_annotate"):
        sys.exit("profile: valgrind is not installed (ci/setup installs it)")
    if a.callgrind:
        return report(a, a.callgrind)
    build = os.path.join(root, "build", "bench-prof")
    subprocess.run(["cmake", "-S", root, "-B", build, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                    "-DSPOOR_BUILD_COLLECTOR=OFF"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", build, "--target", "spoor-bench-core"], check=True, stdout=subprocess.DEVNULL)
    binary = os.path.join(build, "bench", "core", "spoor-bench-core")
    scratch = os.path.dirname(os.path.abspath(a.out))
    portfile = os.path.join(scratch, "profile-sink.port")
    if os.path.exists(portfile):
        os.unlink(portfile)
    sink = subprocess.Popen(["node", os.path.join(HERE, "sink.js"), "0", portfile], stdout=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if os.path.exists(portfile) and open(portfile).read().strip():
                break
            time.sleep(0.05)
        url = "http://127.0.0.1:" + open(portfile).read().strip()
        cg = os.path.join(scratch, "callgrind.out")
        subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + cg, binary, str(a.n), "--json", url, "run"]
                       + (["--event", a.event] if a.event else []),
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        sink.terminate()
        sink.wait()
    report(a, cg)


def report(a, cg: str) -> None:
    tree = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--tree=calling", cg],
                          capture_output=True, text=True, check=True).stdout
    flat = subprocess.run(["callgrind_annotate", cg], capture_output=True, text=True, check=True).stdout
    n = a.n
    total = int(re.search(r"([\d,]+) \(100.0%\)\s+PROGRAM TOTALS", flat).group(1).replace(",", ""))

    def block(fn: str):
        """(inclusive Ir, [(callee, Ir, calls)]) for the function's entry in the calling tree
        (the function may be listed more than once; the entry with its callees is taken)."""
        lines = tree.splitlines()
        best = (None, [])
        for i, line in enumerate(lines):
            m = LINE.match(line)
            if m and m.group(3) == "*" and m.group(4).endswith(":" + fn):
                inc = int(m.group(1).replace(",", ""))
                kids = []
                for l2 in lines[i + 1:]:
                    m2 = LINE.match(l2)
                    if not m2 or m2.group(3) != ">":
                        break
                    kids.append((m2.group(4), int(m2.group(1).replace(",", "")), m2.group(5) or ""))
                if best[0] is None or len(kids) > len(best[1]):
                    best = (inc, kids)
        return best

    out = []
    w = out.append
    w("## Where spoor's time goes (callgrind, the C core)")
    w("")
    w("`valgrind --tool=callgrind build/bench-prof/bench/core/spoor-bench-core %d --json SINK run%s` "
      "(RelWithDebInfo, -O2 -g; %d `spoor_track()` calls of the purchase event%s, delivered to the sink in "
      "batches of 100). Instructions (Ir) per event, whole process: **%s**." % (
          n, " --event purchase.txt" if a.event else "", n, ", a new text per call" if a.event else "",
          "{:,.0f}".format(total / n)))
    w("")
    # The one-pass build (fastpath.c) takes the purchase event; the general path's
    # spoor__build_event shows only if it is declined.
    for fn, title in (("spoor_track", "spoor_track()"), ("spoor__fast_track", "spoor__fast_track() (the one-pass build)"),
                      ("spoor__build_event", "spoor__build_event() (the general path)"),
                      ("spoor__uuid4", "spoor__uuid4() (the eventId)")):
        inc, kids = block(fn)
        if inc is None:
            continue
        w("| %s: %s Ir per event (%.0f%% of the process) | Ir per event | share of the call | calls per event |" % (
            title, "{:,.0f}".format(inc / n), 100.0 * inc / total))
        w("| --- | ---: | ---: | ---: |")
        shown = 0
        for name, ir, calls in kids:
            if ir < inc * 0.01 or shown >= 12:
                continue
            shown += 1
            c = int(calls.replace(",", "")) / n if calls else 0
            w("| %s | %s | %.1f%% | %s |" % (fn_name(name), "{:,.0f}".format(ir / n), 100.0 * ir / inc,
                                            ("%.0f" % c if c == int(c) else "%.2g" % c) if c else ""))
        w("")
    w("Top functions by their own instructions (self cost), per event:")
    w("")
    w("| function | Ir per event | share |")
    w("| --- | ---: | ---: |")
    shown = 0
    for line in flat.splitlines():
        m = re.match(r"^\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(\S.*?)(?: \[(.*)\])?\s*$", line)
        if not m or "PROGRAM TOTALS" in line or "file:function" in line:
            continue
        lib = os.path.basename(m.group(4) or "")
        w("| %s (%s) | %s | %s%% |" % (fn_name(m.group(3)), lib, "{:,.0f}".format(int(m.group(1).replace(",", "")) / n), m.group(2)))
        shown += 1
        if shown >= 15:
            break
    w("")
    findings = os.path.join(HERE, "findings.md")
    if os.path.exists(findings):
        w(open(findings).read().rstrip())
        w("")
    with open(a.out, "w") as f:
        f.write("\n".join(out))
    print("profile: %s Ir per event; wrote %s" % ("{:,.0f}".format(total / n), a.out))


if __name__ == "__main__":
    main()
