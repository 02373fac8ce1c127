"""ci/bench's driver: runs spoor and its peers against one sink, writes the table and chart.

    python run.py --scratch build/bench-peers --core-bin build-bench/bench/core/spoor-bench-core
                  [--quick] [--runs 3] [--n-node 200000] [--n-py 100000] [--n-c 200000]
                  [--md docs/benchmarks.md] [--png docs/benchmarks.png] [--profile FILE]

Every run of every SDK is a fresh process (node_sdk.js, py_sdk.py, spoor-bench-core --json);
the sink (sink.js) is one more process, reset before each run. Runs are interleaved (run 1 of
everything, then run 2, ...), each figure is the median of the runs, and the spoor/peer
ratios are taken pair by pair within a run and then their median.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
BATCH = 100


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now: connections are refused at once
    return port


class Sink:
    def __init__(self, logdir: str):
        portfile = os.path.join(logdir, "sink.port")
        if os.path.exists(portfile):
            os.unlink(portfile)
        self.proc = subprocess.Popen(["node", os.path.join(HERE, "sink.js"), "0", portfile],
                                     stdout=subprocess.DEVNULL, stderr=open(os.path.join(logdir, "sink.log"), "w"))
        for _ in range(200):
            if os.path.exists(portfile) and open(portfile).read().strip():
                break
            time.sleep(0.05)
        self.url = "http://127.0.0.1:%s" % open(portfile).read().strip()

    def reset(self):
        urllib.request.urlopen(urllib.request.Request(self.url + "/reset", method="POST", data=b"")).read()

    def count(self) -> dict:
        return json.loads(urllib.request.urlopen(self.url + "/count").read())

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def run_one(cmd: list[str], logf, timeout: float, env=None) -> dict | None:
    logf.write("\n$ " + " ".join(cmd) + "\n")
    logf.flush()
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, text=True, env=env)
    except subprocess.TimeoutExpired as e:
        logf.write("TIMED OUT after %ss\n" % timeout)
        return {"error": "timed out after %d s" % timeout}
    err = p.stderr
    if len(err) > 4000:
        err = err[:2000] + "\n[... %d characters ...]\n" % (len(err) - 4000) + err[-2000:]
    logf.write(p.stdout + err)
    logf.flush()
    for line in reversed(p.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {"error": "exit %d: %s" % (p.returncode, (p.stderr.strip().splitlines() or [""])[-1][:200])}


def core_commit() -> str:
    """The last commit that touched core/, and whether core/ has uncommitted changes."""
    try:
        h = subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%h %cI", "--", "core/"],
                           capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "core/"],
                               capture_output=True, text=True).stdout.strip()
        return (h or "unknown") + (" plus uncommitted changes" if dirty else "")
    except OSError:
        return "unknown"


def machine() -> dict:
    model = "?"
    mem = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = "%.1f GiB" % (int(line.split()[1]) / 1024 / 1024)
                break
    except OSError:
        pass
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "cpu": model, "memory": mem, "kernel": platform.release(),
            "os": platform.platform(), "python": platform.python_version(), "node": node}


def med(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--scratch", required=True)
    p.add_argument("--core-bin", required=True)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--runs", type=int)
    p.add_argument("--n-node", type=int)
    p.add_argument("--n-py", type=int)
    p.add_argument("--n-c", type=int)
    p.add_argument("--md", default=os.path.join(ROOT, "docs", "benchmarks.md"))
    p.add_argument("--png", default=os.path.join(ROOT, "docs", "benchmarks.png"))
    p.add_argument("--profile", help="markdown to append under 'Where spoor's time goes'")
    p.add_argument("--json", help="write every run's raw results here")
    p.add_argument("--render", help="only write the page and chart again from this results JSON")
    a = p.parse_args()
    if a.render:
        d = json.load(open(a.render))
        os.environ["SPOOR_BENCH_LOAD"] = d.get("load", "")
        os.environ["SPOOR_BENCH_CORE"] = d.get("core") or core_commit()
        write_outputs(a, d["jobs"], d["results"], d["runs"], d["n"], d["elapsed"], os.path.abspath(a.scratch))
        return
    runs = a.runs or (1 if a.quick else 3)
    n_node = a.n_node or (5000 if a.quick else 200000)
    n_py = a.n_py or (3000 if a.quick else 100000)
    n_c = a.n_c or (20000 if a.quick else 200000)
    scratch = os.path.abspath(a.scratch)
    modules = os.path.join(scratch, "node")
    py = os.path.join(scratch, "venv", "bin", "python")
    logdir = os.path.join(scratch, "logs")
    os.makedirs(logdir, exist_ok=True)
    logf = open(os.path.join(logdir, "runs.log"), "w")
    sink = Sink(logdir)
    down = "http://127.0.0.1:%d" % closed_port()
    log("sink at %s, closed port %s, log %s" % (sink.url, down, logf.name))

    node_js = os.path.join(HERE, "node_sdk.js")
    py_sdk = os.path.join(HERE, "py_sdk.py")
    # (key, language, label, kind, command for run, command for down or None, n)
    node_sdks = [("spoor", "spoor (Node)"), ("segment", "@segment/analytics-node"),
                 ("posthog", "posthog-node"), ("rudder", "@rudderstack/rudder-sdk-node")]
    py_sdks = [("spoor", "spoor (Python)"), ("segment", "segment-analytics-python"),
               ("posthog", "posthog"), ("rudder", "rudder-sdk-python")]
    jobs = []
    for mode in ("yield", "tight"):
        for sdk, label in node_sdks:
            n = n_node
            if sdk == "rudder" and mode == "tight":
                # Each track() JSON-stringifies the whole queue (cjs/index.js, enqueue: queue.reduce),
                # and a loop that never yields never lets it drain: quadratic. Capped so the run ends.
                n = min(n_node, 3000 if not a.quick else 1000)
                label = "%s (N = %s: quadratic, see below)" % (label, fmt(n))
                # spoor at the same N, for this pair's ratios (peak RSS grows with N).
                jobs.append(dict(key="node-tight-spoor-at-rudder-n", lang="node", mode="tight", sdk="spoor",
                                 label="spoor (Node) at Rudder's N = %s" % fmt(n), n=n, extra=True,
                                 cmd=["node", node_js, "--sdk", "spoor", "--n", str(n), "--host", "{sink}",
                                      "--sink", "{sink}", "--mode", mode, "--modules", modules]))
            jobs.append(dict(key="node-%s-%s" % (mode, sdk), lang="node", mode=mode, sdk=sdk, label=label, n=n,
                             cmd=["node", node_js, "--sdk", sdk, "--n", str(n), "--host", "{sink}", "--sink", "{sink}",
                                  "--mode", mode, "--modules", modules]))
    jobs.append(dict(key="node-tight-posthog-defq", lang="node", mode="tight", sdk="posthog",
                     label="posthog-node, default queue (1,000)", n=n_node, extra=True,
                     cmd=["node", node_js, "--sdk", "posthog", "--n", str(n_node), "--host", "{sink}", "--sink", "{sink}",
                          "--mode", "tight", "--modules", modules, "--default-queue"]))
    for sdk, label in node_sdks:
        nd = max(1000, n_node // 10)
        jobs.append(dict(key="node-down-%s" % sdk, lang="node", mode="down", sdk=sdk, label=label, n=nd,
                         cmd=["node", node_js, "--sdk", sdk, "--n", str(nd), "--host", down, "--sink", "{sink}",
                              "--mode", "down", "--modules", modules]))
    for sdk, label in py_sdks:
        jobs.append(dict(key="py-run-%s" % sdk, lang="python", mode="run", sdk=sdk, label=label, n=n_py,
                         cmd=[py, py_sdk, "--sdk", sdk, "--n", str(n_py), "--host", "{sink}", "--sink", "{sink}"]))
    for sdk, label in py_sdks:
        nd = max(1000, n_py // 10)
        jobs.append(dict(key="py-down-%s" % sdk, lang="python", mode="down", sdk=sdk, label=label, n=nd,
                         cmd=[py, py_sdk, "--sdk", sdk, "--n", str(nd), "--host", down, "--sink", "{sink}", "--mode", "down"]))
    jobs.append(dict(key="c-run", lang="c", mode="run", sdk="spoor-c", label="spoor C core", n=n_c,
                     cmd=[a.core_bin, str(n_c), "--json", "{sink}", "run"]))
    jobs.append(dict(key="c-down", lang="c", mode="down", sdk="spoor-c", label="spoor C core", n=n_c // 10,
                     cmd=[a.core_bin, str(n_c // 10), "--json", down, "down"]))
    for lang, n, cmdj, cmdp in (
            ("node", n_node, ["node", node_js, "--sdk", "floor-json", "--n", str(n_node), "--modules", modules],
             ["node", node_js, "--sdk", "floor-post", "--n", str(n_node), "--host", "{sink}", "--sink", "{sink}", "--modules", modules]),
            ("python", n_py, [py, py_sdk, "--sdk", "floor-json", "--n", str(n_py)],
             [py, py_sdk, "--sdk", "floor-post", "--n", str(n_py), "--host", "{sink}", "--sink", "{sink}"])):
        jobs.append(dict(key="%s-floor-json" % lang, lang=lang, mode="floor", sdk="floor-json", n=n, cmd=cmdj,
                         label="floor: %s the event N times" % ("JSON.stringify" if lang == "node" else "json.dumps")))
        jobs.append(dict(key="%s-floor-post" % lang, lang=lang, mode="floor", sdk="floor-post", n=n, cmd=cmdp,
                         label="floor: POST ready batches of 100 (%s)" % ("http, keep-alive" if lang == "node" else "http.client, keep-alive")))

    env = dict(os.environ)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    results: dict[str, list[dict]] = {j["key"]: [] for j in jobs}
    t_start = time.time()
    load_start = os.getloadavg()
    os.environ["SPOOR_BENCH_CORE"] = core_commit()
    for r in range(runs):
        for j in jobs:
            sink.reset()
            cmd = [c.replace("{sink}", sink.url) for c in j["cmd"]]
            t0 = time.time()
            res = run_one(cmd, logf, timeout=900, env=env) or {}
            if j["lang"] == "c" and j["mode"] == "run" and "error" not in res:
                cnt = sink.count()
                res.update(received=cnt["events"], unique=cnt["unique"], lost=j["n"] - cnt["unique"],
                           duplicates=cnt["events"] - cnt["unique"], e2e_eps=cnt["unique"] / res["e2e_s"])
            results[j["key"]].append(res)
            log("run %d/%d %-28s %6.1f s  %s" % (r + 1, runs, j["key"], time.time() - t0,
                                                 res.get("error") or "e2e %s/s enqueue %s/s" % (
                                                     fmt(res.get("e2e_eps")), fmt(res.get("enqueue_eps")))))
    sink.stop()
    elapsed = time.time() - t_start
    os.environ["SPOOR_BENCH_LOAD"] = "load average %.2f before the runs, %.2f after" % (load_start[0], os.getloadavg()[0])
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"jobs": jobs, "results": results, "runs": runs, "elapsed": elapsed,
                       "load": os.environ["SPOOR_BENCH_LOAD"], "core": os.environ["SPOOR_BENCH_CORE"],
                       "n": dict(node=n_node, python=n_py, c=n_c)}, f, indent=1)
    write_outputs(a, jobs, results, runs, dict(node=n_node, python=n_py, c=n_c), elapsed, scratch)


def fmt(v, digits=0):
    if v is None:
        return "–"
    if isinstance(v, str):
        return v
    if float(v).is_integer() and digits == 0:
        return "{:,}".format(int(v))
    if digits == 0:
        if abs(v) >= 100:
            return "{:,.0f}".format(v)
        return "{:.1f}".format(v) if abs(v) >= 10 else "{:.2f}".format(v)
    return "{:,.{d}f}".format(v, d=digits)


def fmt_ratio(v):
    return "–" if v is None else ("%.1f×" % v if v < 100 else "%.0f×" % v)


def agg(rs: list[dict], field: str, how=med):
    vals = [x.get(field) for x in rs if isinstance(x, dict) and x.get(field) is not None]
    return how(vals) if vals else None


def write_outputs(a, jobs, results, runs, ns, elapsed, scratch):
    m = machine()
    versions = {}
    for j in jobs:
        for rres in results[j["key"]]:
            if rres.get("version"):
                versions[j["label"]] = rres["version"]
    down_of = {}
    for j in jobs:
        if j["mode"] == "down":
            down_of[(j["lang"], j["sdk"])] = j

    def row(j):
        rs = results[j["key"]]
        errs = [x["error"] for x in rs if "error" in x]
        d = down_of.get((j["lang"], j["sdk"])) if j["mode"] in ("yield", "tight", "run") and "default queue" not in j["label"] else None
        drs = results[d["key"]] if d else []
        return {
            "label": j["label"], "version": versions.get(j["label"], ""),
            "enqueue": agg(rs, "enqueue_eps"), "p50": agg(rs, "p50_us"), "p99": agg(rs, "p99_us"),
            "e2e": agg(rs, "e2e_eps"), "lost": agg(rs, "lost", max), "dup": agg(rs, "duplicates", max),
            "cpu": agg(rs, "cpu_us_per_event"), "rss": agg(rs, "peak_rss_mb"),
            "down99": agg(drs, "down_p99_us"), "down50": agg(drs, "down_p50_us"),
            "errors": errs,
        }

    lines = []
    w = lines.append
    w("# Benchmarks: spoor and its peers, side by side")
    w("")
    w("Written by `ci/bench` (bench/peers/run.py) on %s UTC; do not edit by hand. Every figure "
      "is the median of %d runs (lost and duplicated: the worst run); every run of every SDK is a fresh "
      "process. spoor's core: the tree's last commit to core/ at the run, %s. ![chart](benchmarks.png)" % (
          dt.datetime.utcnow().strftime("%Y-%m-%d %H:%M"), runs, os.environ.get("SPOOR_BENCH_CORE") or core_commit()))
    w("")
    w("**Machine**: %s cores (`nproc`), %s, %s RAM, Linux %s; Node %s, Python %s. The SDK process, its "
      "threads and the sink share these cores. Total time of the run: %.0f s (%s; other work on the "
      "machine, if any, shows there)." % (
          m["nproc"], m["cpu"], m["memory"], m["kernel"], m["node"], m["python"], elapsed,
          os.environ.get("SPOOR_BENCH_LOAD") or "load not recorded"))
    w("")
    w("**Settings**: the seed's purchase event (`userId 'user_123'`, `event 'purchase'`, properties "
      "`revenue 99.99, currency 'USD', product_id 'prod_456', items [{item name: item 1, price: 20}, "
      "{item name: item 2, price: 15}]`) N times; batch size 100 in every SDK (spoor `flush_at`/"
      "`max_batch_events` 100, Segment `maxEventsInBatch`/`upload_size` 100, PostHog `flushAt`/"
      "`maxBatchSize`/`flush_at` 100, Rudder `flushAt`/`upload_size` 100); queues raised to hold N "
      "where the SDK has a limit (spoor `max_queue_size`, PostHog `maxQueueSize`/`max_queue_size`, "
      "Rudder `maxInternalQueueSize`, Segment-Python/Rudder-Python `max_queue_size`), except the row "
      "marked *default queue*; flush interval 10 s; everything else each SDK's default (gzip: "
      "PostHog-Node and Rudder-Node compress by default, the others send plain JSON). "
      "N = %s (Node), %s (Python), %s (C); the sink-down rows use N/10 calls." % (
          fmt(ns["node"]), fmt(ns["python"]), fmt(ns["c"])))
    w("")
    w("**Columns**: *enqueue* = N / time spent inside the calls (each call timed on its own, which "
      "adds about 0.05 µs in Node and C, 0.1 µs in Python); *p50/p99* of one call; *end to end* = N / "
      "time from the first call until the sink has counted all N after the SDK's own flush "
      "(`flush()`, `closeAndFlush()`, `shutdown()`); *lost*/*dup*: N minus the unique ids the sink "
      "counted, and events it received more than once; *CPU* = user+sys seconds of the whole SDK "
      "process (all its threads, harness included) / N; *RSS* = peak resident set of that process; "
      "*p99 down* = p99 of one call when the host is a closed port (connection refused; N/10 calls, "
      "the producer yields every 100).")
    w("")
    w("The sink (`bench/peers/sink.js`, Node http in its own process) answers 200 at once, "
      "gunzips, and counts events in every SDK's batch format and their ids (messageId, uuid, eventId).")
    w("")

    def table(title, js, note=None):
        w("### " + title)
        w("")
        if note:
            w(note)
            w("")
        w("| SDK | version | enqueue events/s | p50 µs | p99 µs | end to end events/s | lost | dup | CPU µs/event | peak RSS MB | p99 µs, sink down |")
        w("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for j in js:
            r = row(j)
            label = "**%s**" % r["label"] if r["label"].startswith("spoor") else r["label"]
            if r["errors"]:
                label += " (%d failed run%s: %s)" % (len(r["errors"]), "s" if len(r["errors"]) > 1 else "", r["errors"][0])
            w("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                label, r["version"], fmt(r["enqueue"]), fmt(r["p50"]), fmt(r["p99"]), fmt(r["e2e"]),
                fmt(r["lost"]), fmt(r["dup"]), fmt(r["cpu"]), fmt(r["rss"]), fmt(r["down99"])))
        w("")

    jk = {j["key"]: j for j in jobs}
    node_y = [jk["node-yield-%s" % s] for s in ("spoor", "segment", "posthog", "rudder")]
    node_t = [jk["node-tight-%s" % s] for s in ("spoor", "segment", "posthog", "rudder")] + [jk["node-tight-posthog-defq"]]
    if "node-tight-spoor-at-rudder-n" in jk:  # runs before this script wrote it have none
        node_t.insert(4, jk["node-tight-spoor-at-rudder-n"])
    pyj = [jk["py-run-%s" % s] for s in ("spoor", "segment", "posthog", "rudder")]
    table("Node.js: the producer yields every 100 calls (a server between requests)", node_y)
    table("Node.js: a tight loop that never yields (a bulk import)", node_t,
          "Here the SDKs' own delivery competes with the loop for the one JavaScript thread; "
          "spoor's runs on its own C thread. The *p99 down* column repeats the yielding runs' (the same measurement).")
    table("Python (the SDKs deliver from their own threads)", pyj)
    table("C core and the floors", [jk["c-run"], jk["node-floor-json"], jk["node-floor-post"],
                                     jk["python-floor-json"], jk["python-floor-post"]],
          "The C core: `spoor-bench-core N --json` (bench/core/bench_core.c), one thread calling "
          "`spoor_track()` with the event as JSON text. The floors: serialising the event N times "
          "(enqueue column) and posting N/100 ready batches one after another over one kept-alive "
          "connection (end-to-end column), the least any SDK in that language must do.")

    # Ratios pair by pair within each run.
    w("### spoor against each peer (median of the per-run ratios)")
    w("")
    w("Higher is better for spoor: enqueue and end-to-end throughput as spoor/peer; CPU per event, "
      "peak RSS and p99 sink-down as peer/spoor. Rudder's capped tight loop is set against spoor run at "
      "the same N (its own row in the tight-loop table).")
    w("")
    w("| language, producer | peer | enqueue | end to end | CPU per event | peak RSS | p99 sink down |")
    w("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    ratio_rows = []
    for lang, mode, prefix, downp in (("Node", "yield", "node-yield-", "node-down-"), ("Node", "tight", "node-tight-", "node-down-"),
                                      ("Python", "run", "py-run-", "py-down-")):
        for peer in ("segment", "posthog", "rudder"):
            sp, pe = results[prefix + "spoor"], results[prefix + peer]
            if jk[prefix + peer]["n"] != jk[prefix + "spoor"]["n"]:  # Rudder's capped tight loop
                sp = results.get("node-tight-spoor-at-rudder-n", sp)
            spd, ped = results[downp + "spoor"], results[downp + peer]

            def rat(xs, ys, f, inv=False):
                out = []
                for x, y in zip(xs, ys):
                    if x.get(f) and y.get(f):
                        out.append(y[f] / x[f] if inv else x[f] / y[f])
                return med(out)
            rr = (rat(sp, pe, "enqueue_eps"), rat(sp, pe, "e2e_eps"), rat(sp, pe, "cpu_us_per_event", True),
                  rat(sp, pe, "peak_rss_mb", True), rat(spd, ped, "down_p99_us", True))
            ratio_rows.append(("%s %s" % (lang, peer), rr))
            w("| %s, %s | %s | %s | %s | %s | %s | %s |" % (lang, {"yield": "yields every 100", "tight": "tight loop", "run": "loop"}[mode],
                                                          jk[prefix + peer]["label"], *map(fmt_ratio, rr)))
    w("")
    w("A ratio below 1.0× is a column where the peer is ahead of spoor.")
    w("")
    w("### Reproducing the issue's first measurement")
    w("")
    w(reproduction_note(results, jk))
    w("")
    if a.profile and os.path.exists(a.profile):
        w(open(a.profile).read().rstrip())
        w("")
    w("### How to run")
    w("")
    w("    ci/setup            # system packages (root), once")
    w("    ci/bench            # full run (~15-20 min on 2 cores): writes docs/benchmarks.md and .png")
    w("    ci/bench --quick    # smoke run: 1 run, small N, writes to build/bench-peers/ only")
    w("    ci/bench --runs 5 --n-node 500000 --n-py 200000 --n-c 500000")
    w("")
    w("The peers are installed from their registries into `build/bench-peers/` (a venv and a node "
      "folder), never into the project's dependencies; spoor comes from this tree (`pip install "
      "./python`, `npm install ./node` into the same scratch folders). Every run's raw JSON and "
      "output: `build/bench-peers/results.json`, `build/bench-peers/logs/runs.log`.")
    w("")
    os.makedirs(os.path.dirname(a.md), exist_ok=True)
    with open(a.md, "w") as f:
        f.write("\n".join(lines))
    log("wrote", a.md)
    chart(a.png, jobs, results, row, jk)
    log("wrote", a.png)


def reproduction_note(results, jk):
    def g(key, f, how=med):
        return agg(results[key], f, how)
    segy, segt = g("node-yield-segment", "e2e_eps"), g("node-tight-segment", "e2e_eps")
    segdup = g("node-tight-segment", "duplicates", max)
    phd_lost = g("node-tight-posthog-defq", "lost", med)
    n = jk["node-tight-posthog-defq"]["n"]
    cpus = [g(k, "cpu_us_per_event") for k in jk if k.startswith("node-") and "spoor" not in k and "floor" not in k
            and "down" not in k and "defq" not in k]  # the default-queue row dropped most of its events
    cpus = [c for c in cpus if c]
    rss = [g(k, "peak_rss_mb", max) for k in jk if k.startswith("node-") and "spoor" not in k and "floor" not in k]
    rss = [x for x in rss if x]
    fj, fp = g("node-floor-json", "enqueue_eps"), g("node-floor-post", "e2e_eps")
    return ("The issue quoted, for the Node peers on this kind of machine: @segment/analytics-node about "
            "16.5k events/s end to end when the producer yields every 100 calls and 5.3k in a tight loop "
            "with tens of thousands of duplicates; posthog-node dropping 95%% of a burst with its default "
            "queue of 1,000; CPU 60-600 µs per event; peak RSS up to 3 GB; JSON.stringify about 920k/s; "
            "posting ready batches about 410k/s. This run measured: Segment %s events/s yielding, %s in a "
            "tight loop with up to %s duplicates; posthog-node with its default queue lost %s of %s "
            "(%s); the Node peers' CPU %s-%s µs per event and peak RSS up to %s MB; JSON.stringify %s/s; "
            "ready batches %s events/s." % (
                fmt(segy), fmt(segt), fmt(segdup), fmt(phd_lost), fmt(n),
                "–" if phd_lost is None else "%.0f%%" % (100.0 * phd_lost / n),
                fmt(min(cpus) if cpus else None), fmt(max(cpus) if cpus else None), fmt(max(rss) if rss else None),
                fmt(fj), fmt(fp)))


def chart(path, jobs, results, row, jk):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    order = [("Node, yields", "node-yield-%s"), ("Node, tight", "node-tight-%s"), ("Python", "py-run-%s")]
    short = {"spoor": "spoor", "segment": "Segment", "posthog": "PostHog", "rudder": "Rudder"}
    entries = []
    for group, pat in order:
        for sdk in ("spoor", "segment", "posthog", "rudder"):
            entries.append(("%s: %s" % (group, short[sdk]), pat % sdk, "spoor" if sdk == "spoor" else "peer"))
    entries += [("C core: spoor", "c-run", "spoor"),
                ("floor: JSON.stringify", "node-floor-json", "floor"), ("floor: json.dumps", "python-floor-json", "floor"),
                ("floor: POST batches, Node", "node-floor-post", "floor"), ("floor: POST batches, Python", "python-floor-post", "floor")]
    metrics = [("enqueue", "enqueue, events/s (higher is better)"), ("e2e", "end to end, events/s (higher is better)"),
               ("cpu", "CPU µs per event (lower is better)"), ("down99", "p99 µs of one call while the sink is down (lower is better)")]
    color = {"spoor": "#d9480f", "peer": "#1c7ed6", "floor": "#868e96"}
    rows = {k: row(jk[k]) for _, k, _ in entries}
    fig, axes = plt.subplots(2, 2, figsize=(16, 12))
    for ax, (field, title) in zip(axes.flat, metrics):
        items = [(lbl, rows[k][field], kind) for lbl, k, kind in entries
                 if rows[k][field] and not (field == "down99" and k.startswith("node-tight"))]
        y = list(range(len(items)))
        vals = [v for _, v, _ in items]
        ax.barh(y, vals, color=[color[kind] for _, _, kind in items])
        ax.set_yticks(y)
        ax.set_yticklabels([lbl for lbl, _, _ in items], fontsize=9)
        ax.invert_yaxis()
        ax.set_xscale("log")
        lo, hi = min(vals), max(vals)
        ax.set_xlim(lo / 3, hi * 6)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt(v)))
        ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
        for yi, v in zip(y, vals):
            ax.text(v, yi, " " + fmt(v), va="center", fontsize=8)
        ax.set_title(title + ", log scale", fontsize=11)
        ax.grid(axis="x", which="major", alpha=0.3)
    fig.suptitle("spoor (orange), its peers (blue) and the floors (grey); batch size 100; median of the runs "
                 "(details: docs/benchmarks.md)", fontsize=12)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    fig.savefig(path, dpi=80)


if __name__ == "__main__":
    main()
