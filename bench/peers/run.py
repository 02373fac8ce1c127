"""ci/bench's driver: runs spoor and its peers against one sink, then page.py writes the page.

    python run.py --scratch build/bench-peers --core-bin build-bench/bench/core/spoor-bench-core
                  --c-sink build-bench/bench/core/spoor-bench-sink [--java-cp CP --java-lib SO]
                  [--quick] [--runs 3] [--n-node 200000] [--n-py 100000] [--n-java 20000]
                  [--n-c 200000] [--no-pin] [--md docs/benchmarks.md] [--png docs/benchmarks.png]
                  [--profile FILE] [--json FILE] [--render FILE]

Every run of every SDK is a fresh process (node_sdk.js, py_sdk.py, bench/java's SdkRun,
spoor-bench-core --json), for each of the three events of shapes.py (written to
SCRATCH/shapes by ci/bench; every language's builder is checked against it first). The sinks
(sink.js, and spoor-bench-sink for the C core's large batches) are processes of their own,
reset before each run. With two cores or more, each SDK process is pinned to core 0 and the
sinks to core 1 (taskset), except the C core's thread scaling, which needs both. Runs are
interleaved (run 1 of everything, then run 2, ...), each figure is the median of the runs,
and the spoor/peer ratios are taken pair by pair within a run and then their median.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import page  # noqa: E402
import shapes  # noqa: E402
from page import fmt  # noqa: E402  (one number format for the log and the page)

BATCH = 100
SHAPES = tuple(shapes.SHAPES)
# Fewer calls for the bigger events, so that each takes about as long as the purchase.
DIVISOR = {"purchase": 1, "wide": 5, "large": 40}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now: connections are refused at once
    return port


class Sink:
    def __init__(self, logdir: str, name: str, cmd: list[str]):
        portfile = os.path.join(logdir, name + ".port")
        if os.path.exists(portfile):
            os.unlink(portfile)
        self.proc = subprocess.Popen(cmd + [portfile], stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(logdir, name + ".log"), "w"))
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


def n_of(n: int, shape: str) -> int:
    """N for a shape: whole batches of 100, since some SDKs wait out their flush interval for
    a part batch even on flush (analytics-node, segment-analytics-python)."""
    return max(2, -(-n // DIVISOR[shape] // BATCH)) * BATCH


def check_shapes(dumpers: dict, shapes_dir: str) -> None:
    """Every language's builder makes the same event 7 as shapes.py does, or the run stops."""
    for shape in SHAPES:
        want = shapes.instance(shapes.SHAPES[shape], 7)
        with open(os.path.join(shapes_dir, shape + ".txt"), encoding="utf-8") as f:
            got = {"C": json.loads(f.read().replace("{i}", "7"))}
        for lang, cmd in dumpers.items():
            p = subprocess.run(cmd + ["--shape", shape, "--dump", "7"], capture_output=True, text=True)
            got[lang] = json.loads(p.stdout) if p.returncode == 0 and p.stdout.strip() else p.stderr[-500:]
        for lang, v in got.items():
            if v != want:
                sys.exit("run.py: %s builds a different %s event than shapes.py: %s" % (lang, shape, str(v)[:500]))
    log("shapes: every language builds the same three events (%s)" % ", ".join(
        "%s %s bytes" % (s, fmt(shapes.size(s))) for s in SHAPES))


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


def pin_cmds(no_pin: bool):
    """(prefix for an SDK process, prefix for a sink): taskset to cores 0 and 1, if there are two."""
    if no_pin or (os.cpu_count() or 1) < 2 or not shutil.which("taskset"):
        return [], []
    return ["taskset", "-c", "0"], ["taskset", "-c", "1"]


def make_jobs(a, ns: dict, scratch: str) -> list[dict]:
    """Every measurement of one run, in the order they run. A job: key, lang, mode (yield,
    tight, run, down, csink, scaling, floor), sdk, shape, label, n, cmd ({sink}, {csink}
    and {down} are put in at run time), pin (pinned to one core unless False)."""
    modules = os.path.join(scratch, "node")
    shapes_dir = os.path.join(scratch, "shapes")
    py = os.path.join(scratch, "venv", "bin", "python")
    node = ["node", os.path.join(HERE, "node_sdk.js"), "--shapes", shapes_dir, "--modules", modules]
    pyc = [py, os.path.join(HERE, "py_sdk.py"), "--shapes", shapes_dir]
    javac = java_cmd(a)
    jobs = []

    def job(key, lang, mode, sdk, shape, label, n, cmd, **kw):
        jobs.append(dict(key=key, lang=lang, mode=mode, sdk=sdk, shape=shape, label=label, n=n, cmd=cmd, **kw))

    node_sdks = [("spoor", "spoor (Node)"), ("spoor-segment", "spoor (Node), protocol segment"),
                 ("mini", "a minimal JS SDK (array, JSON.stringify, keep-alive POST)"),
                 ("segment", "@segment/analytics-node"), ("posthog", "posthog-node"), ("rudder", "@rudderstack/rudder-sdk-node")]
    py_sdks = [("spoor", "spoor (Python)"), ("spoor-segment", "spoor (Python), protocol segment"),
               ("segment", "segment-analytics-python"), ("posthog", "posthog"), ("rudder", "rudder-sdk-python")]
    java_sdks = [("spoor", "spoor (Java)"), ("spoor-segment", "spoor (Java), protocol segment"),
                 ("segment", "analytics-java (Segment)")]

    for shape in SHAPES:
        n = n_of(ns["node"], shape)
        for sdk, label in node_sdks:
            job("node-yield-%s-%s" % (sdk, shape), "node", "yield", sdk, shape, label, n,
                node + ["--sdk", sdk, "--shape", shape, "--n", str(n), "--host", "{sink}", "--sink", "{sink}", "--mode", "yield"])
        n = n_of(ns["python"], shape)
        for sdk, label in py_sdks:
            job("py-run-%s-%s" % (sdk, shape), "python", "run", sdk, shape, label, n,
                pyc + ["--sdk", sdk, "--shape", shape, "--n", str(n), "--host", "{sink}", "--sink", "{sink}"])
        if javac:
            n = n_of(ns["java"], shape)
            for sdk, label in java_sdks:
                job("java-run-%s-%s" % (sdk, shape), "java", "run", sdk, shape, label, n,
                    javac + ["--sdk", sdk, "--shape", shape, "--n", str(n), "--host", "{sink}", "--sink", "{sink}"])
        n = n_of(ns["c"], shape)
        job("c-run-%s" % shape, "c", "run", "spoor-c", shape, "spoor C core, batches of 100, Node sink", n,
            [a.core_bin, str(n), "--json", "{sink}", "run", "--event", os.path.join(shapes_dir, shape + ".txt")])
        job("c-run-segment-%s" % shape, "c", "run", "spoor-c-segment", shape,
            "spoor C core, protocol segment, batches of 100, Node sink", n,
            [a.core_bin, str(n), "--json", "{sink}", "run", "--event", os.path.join(shapes_dir, shape + ".txt"),
             "--protocol", "segment"])
        n = n_of(ns["c_sink"], shape)
        job("c-csink-%s" % shape, "c", "csink", "spoor-c", shape, "spoor C core, large batches, C sink", n,
            [a.core_bin, str(n), "--json", "{csink}", "run", "--event", os.path.join(shapes_dir, shape + ".txt"),
             "--batch-events", "10000", "--batch-bytes", str(8 << 20)], sink="c")

    # The purchase alone: a tight loop, the sink down, the C core's threads.
    p = "purchase"
    for sdk, label in node_sdks:
        if sdk == "mini":
            continue
        n = ns["node"]
        if sdk == "rudder":
            # Each track() JSON-stringifies the whole queue (cjs/index.js, enqueue: queue.reduce),
            # and a loop that never yields never lets it drain: quadratic. Capped so the run ends.
            n = min(ns["node"], 1000 if a.quick else 3000)
            label = "%s (N = %s: quadratic, see below)" % (label, fmt(n))
            # spoor at the same N, for this pair's ratios (peak RSS grows with N).
            job("node-tight-spoor-at-rudder-n", "node", "tight", "spoor", p, "spoor (Node) at Rudder's N = %s" % fmt(n), n,
                node + ["--sdk", "spoor", "--shape", p, "--n", str(n), "--host", "{sink}", "--sink", "{sink}", "--mode", "tight"],
                extra=True)
        job("node-tight-%s-%s" % (sdk, p), "node", "tight", sdk, p, label, n,
            node + ["--sdk", sdk, "--shape", p, "--n", str(n), "--host", "{sink}", "--sink", "{sink}", "--mode", "tight"])
    job("node-tight-posthog-defq", "node", "tight", "posthog", p, "posthog-node, default queue (1,000)", ns["node"],
        node + ["--sdk", "posthog", "--shape", p, "--n", str(ns["node"]), "--host", "{sink}", "--sink", "{sink}",
                "--mode", "tight", "--default-queue"], extra=True)
    for lang, short, sdks, base, n in (("node", "node", node_sdks, node, ns["node"]), ("python", "py", py_sdks, pyc, ns["python"]),
                                       ("java", "java", java_sdks if javac else [], javac, ns["java"])):
        nd = n if lang == "java" else max(1000, n // 10)  # Java: enough calls that the JIT's warm-up does not decide the p99
        for sdk, label in sdks:
            if sdk != "mini":
                job("%s-down-%s" % (short, sdk), lang, "down", sdk, p, label, nd,
                    base + ["--sdk", sdk, "--shape", p, "--n", str(nd), "--host", "{down}", "--sink", "{sink}", "--mode", "down"])
    job("c-down", "c", "down", "spoor-c", p, "spoor C core", ns["c"] // 10,
        [a.core_bin, str(ns["c"] // 10), "--json", "{down}", "down", "--event", os.path.join(shapes_dir, p + ".txt")])
    nsc = 3 * ns["c"]
    job("c-scaling", "c", "scaling", "spoor-c", p, "spoor C core: enqueue, 1 and 2 producer threads", nsc,
        [a.core_bin, str(nsc), "--json", "-", "scaling", "--event", os.path.join(shapes_dir, p + ".txt")], pin=False)

    # The floors, per language and event.
    for shape in SHAPES:
        for lang, base, n, enc in (("node", node, ns["node"], "JSON.stringify"), ("python", pyc, ns["python"], "json.dumps"),
                                   ("java", javac, ns["java"], "Gson")):
            if not base:
                continue
            n = n_of(n, shape)
            job("%s-floor-build-%s" % (lang, shape), lang, "floor", "floor-build", shape, "floor: build the values", n,
                base + ["--sdk", "floor-build", "--shape", shape, "--n", str(n)])
            job("%s-floor-json-%s" % (lang, shape), lang, "floor", "floor-json", shape, "floor: build and %s them" % enc, n,
                base + ["--sdk", "floor-json", "--shape", shape, "--n", str(n)])
            if lang == "python":  # the encoder of spoor[fast], and where spoor's track() spends its CPU
                job("python-floor-orjson-%s" % shape, lang, "floor", "floor-orjson", shape, "floor: build and orjson.dumps them",
                    n, base + ["--sdk", "floor-orjson", "--shape", shape, "--n", str(n)])
                job("py-cost-%s" % shape, lang, "cost", "spoor-cost", shape, "spoor (Python): a track()'s CPU, step by step",
                    max(100, n // 5), base + ["--sdk", "spoor-cost", "--shape", shape, "--n", str(max(100, n // 5))])
            if lang != "java":
                job("%s-floor-post-%s" % (lang, shape), lang, "floor", "floor-post", shape,
                    "floor: POST ready batches of 100 (%s, keep-alive)" % ("http" if lang == "node" else "http.client"), n,
                    base + ["--sdk", "floor-post", "--shape", shape, "--n", str(n), "--host", "{sink}", "--sink", "{sink}"])
    return jobs


def java_cmd(a) -> list[str] | None:
    if not a.java_cp:
        return None
    return ["java", "-cp", a.java_cp, "-Dspoor.library=" + a.java_lib, "SdkRun"]


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--scratch", required=True)
    p.add_argument("--core-bin", required=True)
    p.add_argument("--c-sink", help="spoor-bench-sink (bench/core/sink.c)")
    p.add_argument("--java-cp", help="class path of bench/java's SdkRun, spoor's binding and analytics-java")
    p.add_argument("--java-lib", help="libspoor_java.so")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--runs", type=int)
    p.add_argument("--n-node", type=int)
    p.add_argument("--n-py", type=int)
    p.add_argument("--n-java", type=int)
    p.add_argument("--n-c", type=int)
    p.add_argument("--no-pin", action="store_true", help="do not pin the SDK and the sinks to cores of their own")
    p.add_argument("--only", help="run only the jobs whose key contains this (a quick look while developing)")
    p.add_argument("--md", default=os.path.join(ROOT, "docs", "benchmarks.md"))
    p.add_argument("--png", default=os.path.join(ROOT, "docs", "benchmarks.png"))
    p.add_argument("--profile", help="markdown to append under 'Where spoor's time goes'")
    p.add_argument("--json", help="write every run's raw results here")
    p.add_argument("--render", help="only write the page and chart again from this results JSON")
    a = p.parse_args()
    if a.render:
        d = json.load(open(a.render))
        page.write_outputs(a, d)
        return
    runs = a.runs or (1 if a.quick else 3)
    ns = dict(node=a.n_node or (5000 if a.quick else 200000), python=a.n_py or (3000 if a.quick else 100000),
              java=a.n_java or (3000 if a.quick else 20000), c=a.n_c or (20000 if a.quick else 200000))
    ns["c_sink"] = 2 * ns["c"] if a.quick else 5 * ns["c"]  # the large batches need more to be timed
    scratch = os.path.abspath(a.scratch)
    logdir = os.path.join(scratch, "logs")
    os.makedirs(logdir, exist_ok=True)
    logf = open(os.path.join(logdir, "runs.log"), "w")
    pin_sdk, pin_sink = pin_cmds(a.no_pin)
    jobs = make_jobs(a, ns, scratch)
    if a.only:
        jobs = [j for j in jobs if a.only in j["key"]]
    shapes_dir = os.path.join(scratch, "shapes")
    dumpers = {"Node": ["node", os.path.join(HERE, "node_sdk.js"), "--shapes", shapes_dir],
               "Python": [os.path.join(scratch, "venv", "bin", "python"), os.path.join(HERE, "py_sdk.py"), "--shapes", shapes_dir]}
    if java_cmd(a):
        dumpers["Java"] = java_cmd(a)
    check_shapes(dumpers, shapes_dir)

    sink = Sink(logdir, "sink", pin_sink + ["node", os.path.join(HERE, "sink.js"), "0"])
    csink = Sink(logdir, "csink", pin_sink + [a.c_sink]) if a.c_sink else None
    if not csink:
        jobs = [j for j in jobs if j.get("sink") != "c"]
    down = "http://127.0.0.1:%d" % closed_port()
    log("sink at %s, C sink at %s, closed port %s, %s, log %s" % (
        sink.url, csink.url if csink else "-", down, "SDK on core 0, sinks on core 1" if pin_sdk else "not pinned", logf.name))

    env = dict(os.environ)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    results: dict[str, list[dict]] = {j["key"]: [] for j in jobs}
    t_start = time.time()
    load_start = os.getloadavg()
    for r in range(runs):
        for j in jobs:
            s = csink if j.get("sink") == "c" else sink
            s.reset()
            cmd = [c.replace("{sink}", sink.url).replace("{csink}", csink.url if csink else "").replace("{down}", down)
                   for c in j["cmd"]]
            if j.get("pin", True):
                cmd = pin_sdk + cmd
            t0 = time.time()
            res = run_one(cmd, logf, timeout=900, env=env) or {}
            if j["lang"] == "c" and j["mode"] in ("run", "csink") and "error" not in res:
                cnt = s.count()
                res.update(received=cnt["events"], unique=cnt["unique"], lost=j["n"] - cnt["unique"],
                           duplicates=cnt["events"] - cnt["unique"], e2e_eps=cnt["unique"] / res["e2e_s"])
            if s is sink and j["mode"] in ("run", "yield", "tight") and "error" not in res:
                # What arrived was in the format the SDK speaks: Segment's for Segment's
                # libraries and for spoor with protocol segment, wire v1 for spoor's default.
                formats = s.count().get("formats", {})
                res["formats"] = formats
                want = "spoor" if j["sdk"] in ("spoor", "spoor-c") else "segment" if "segment" in j["sdk"] else None
                if want and formats.get(want) != res.get("received"):
                    res["error"] = "the sink counted %s events in %s's format of %s received" % (
                        formats.get(want), want, res.get("received"))
            res["wall_s"] = time.time() - t0
            results[j["key"]].append(res)
            log("run %d/%d %-30s %6.1f s  %s" % (r + 1, runs, j["key"], time.time() - t0, res.get("error") or (
                "scaling %.2f" % res["scaling"] if "scaling" in res else
                "e2e %s/s enqueue %s/s" % (fmt(res.get("e2e_eps")), fmt(res.get("enqueue_eps"))))))
    sink.stop()
    if csink:
        csink.stop()
    d = {"jobs": jobs, "results": results, "runs": runs, "elapsed": time.time() - t_start, "n": ns,
         "quick": a.quick, "pinned": bool(pin_sdk), "core": core_commit(),
         "load": "load average %.2f before the runs, %.2f after" % (load_start[0], os.getloadavg()[0]),
         "shapes": {s: {"bytes": shapes.size(s), "title": shapes.TITLES[s], "divisor": DIVISOR[s]} for s in SHAPES}}
    if a.json:
        with open(a.json, "w") as f:
            json.dump(d, f, indent=1)
    page.write_outputs(a, d)

if __name__ == "__main__":
    main()
