#!/usr/bin/env python3
"""run.py: spoor's reliability suite (docs/reliability.md).

Starts the real collector, drives spoor through the collector's misbehaviour
switches (and through dead ports, kill -9 and fork), and asserts exact counts for
each scenario: events sent (accepted by the client), stored by the collector
(distinct eventIds), duplicates the collector saw, dropped, failed. Standard
library only.

    run.py --short|--long [--driver PATH] [--collector PATH] [--only 1,3]
           [--producers c,python,node] [--python PY] [--node NODE] [--node-package DIR]
           [--wrap "valgrind ..."] [--scale F] [--sanitized] [--rounds R] [--n N] [--repeat R]

Exit 0 when every scenario that ran passed, 1 when one failed, 77 when all that
were asked for were skipped (e.g. the spool ones on a core without spool_dir).
"""
import argparse
import json
import os
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# Settings every scenario shares: batches of 500, a short flush_interval and small
# backoffs so a bounded run stays short, and a queue that holds a whole run unless
# the scenario is about overflow.
BASE = {
    "flush_at": "500",
    "max_batch_events": "500",
    "flush_interval": "50",
    "retry_backoff": "10",
    "retry_backoff_max": "100",
    "max_queue_size": "1000000",
    "log_level": "error",
}


def _die_with_parent():
    """preexec_fn: the child gets SIGKILL when run.py dies (a ctest timeout, ^C), so
    no collector or driver outlives the run. Linux only; elsewhere a no-op."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Fail(Exception):
    pass


class Skip(Exception):
    pass


def check(cond, what, **values):
    if not cond:
        detail = ", ".join("%s=%r" % kv for kv in values.items())
        raise Fail(what + (" (" + detail + ")" if detail else ""))


def eq(actual, expected, what):
    check(actual == expected, "%s: expected %r, got %r" % (what, expected, actual))


# ---------------------------------------------------------------- the collector


class Collector:
    """One spoor-collector on a free port with a SQLite file store."""

    def __init__(self, binary, workdir):
        self.dir = workdir
        self.db = os.path.join(workdir, "store.db")
        port_file = os.path.join(workdir, "port")
        self.log = open(os.path.join(workdir, "collector.log"), "ab")
        self.proc = subprocess.Popen([binary, "--port", "0", "--port-file", port_file, "--db", self.db,
                                      "--quiet"], stdout=subprocess.DEVNULL, stderr=self.log,
                                     preexec_fn=_die_with_parent)
        deadline = time.monotonic() + 15
        while not os.path.exists(port_file):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the collector did not start (see %s)" % self.log.name)
            time.sleep(0.02)
        with open(port_file) as f:
            self.port = int(f.read())
        self.url = "http://127.0.0.1:%d" % self.port

    def request(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read() or b"null")

    def reset(self):
        self.request("POST", "/micro/reset")

    def fault(self, spec):
        self.request("POST", "/micro/fault", spec)

    def faults_left(self):
        return self.request("GET", "/micro/fault")

    def counts(self):
        return self.request("GET", "/micro/all")

    def requests(self):
        return self.request("GET", "/micro/requests?limit=1000")

    def stored_ids(self):
        """Every eventId in the store (the collector commits before it answers)."""
        con = sqlite3.connect(self.db, timeout=30)
        try:
            return [row[0] for row in con.execute("SELECT eventId FROM events")]
        finally:
            con.close()

    def stop(self):
        """SIGTERM; its exit status (0 when it stopped cleanly; a sanitizer report is not 0)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


def dead_port():
    """A loopback port nothing listens on (bound, then closed)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---------------------------------------------------------------- the suite


class Suite:
    def __init__(self, opts):
        self.o = opts
        self.work = tempfile.mkdtemp(prefix="spoor-reliability-")
        self.col = Collector(opts.collector, self.work)
        self.rows = []
        self.spool = None  # probed on first use
        self.serial = 0

    def close(self):
        rc = self.col.stop()
        if rc != 0:
            with open(os.path.join(self.work, "collector.log"), errors="replace") as f:
                print("the collector exited %s:\n%s" % (rc, f.read()[-5000:]))
            self.o.keep = True
        if self.o.keep:
            print("work directory kept: %s" % self.work)
        else:
            shutil.rmtree(self.work, ignore_errors=True)
        return rc

    # -- sizes

    def n(self, short, long):
        if self.o.n:
            return self.o.n
        base = long if self.o.long else short
        return max(1000, int(base * self.o.scale))

    def timeout(self, seconds):
        """A bound on one process; generous under valgrind and sanitizers."""
        return seconds * (10 if self.o.wrap else 3 if self.o.sanitized else 1)

    # -- running things

    def driver(self, n, prefix, settings=None, host=None, extra=(), timeout=120, wrap=True):
        """Runs the C driver to completion; its JSON lines (and exit code)."""
        cmd = (shlex.split(self.o.wrap) if wrap and self.o.wrap else []) + [
            self.o.driver, "--host", host or self.col.url, "--n", str(n), "--prefix", prefix]
        conf = dict(BASE)
        if n:  # at least 40 batches, so every scenario's list of faults is used up
            conf["flush_at"] = conf["max_batch_events"] = str(max(10, min(500, n // 40)))
        conf.update(settings or {})
        for k, v in conf.items():
            cmd += ["--set", "%s=%s" % (k, v)]
        cmd += list(extra)
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=self.timeout(timeout), preexec_fn=_die_with_parent)
        except subprocess.TimeoutExpired:
            raise Fail("driver did not finish within %d s: %s" % (self.timeout(timeout), " ".join(cmd)))
        lines = [json.loads(x) for x in p.stdout.decode().splitlines() if x.startswith("{")]
        if p.returncode == 77:
            raise Skip("not supported by this core: %s" % (lines[0] if lines else "?"))
        if p.returncode not in (0, 3):
            raise Fail("driver exited %d: %s\n%s" % (p.returncode, " ".join(cmd), p.stderr.decode()[-3000:]))
        if self.o.verbose:
            for line in lines:
                print("   driver: %s" % json.dumps(line))
        return lines, p.returncode

    def one(self, *a, **kw):
        lines, rc = self.driver(*a, **kw)
        check(rc == 0 and len(lines) == 1, "driver result", rc=rc, lines=lines)
        return lines[0]

    def spool_dir(self, name):
        self.serial += 1
        return os.path.join(self.work, "spool-%s-%d" % (name, self.serial))

    def need_spool(self):
        if self.spool is None:
            try:
                self.driver(0, "probe", {"spool_dir": self.spool_dir("probe")}, wrap=False)
                self.spool = True
            except Skip:
                self.spool = False
        if not self.spool:
            raise Skip("spool_dir: NOT_SUPPORTED by this core")

    def collector_view(self, prefix=None):
        ids = self.col.stored_ids()
        if prefix is not None:
            ids = [i for i in ids if i.startswith(prefix + "-")]
        return ids, self.col.counts()

    # -- assertions every delivery scenario shares

    def expect_all_delivered(self, r, n, prefix, what=""):
        eq(r["accepted"], n, what + "accepted")
        eq(r["refused"], 0, what + "refused")
        s = r["stats"]
        eq(s["delivered"], n, what + "stats.delivered")
        eq(r["cb"].get("OK", 0), n, what + "delivery callback OK events")
        eq(s["failed"], 0, what + "stats.failed")
        eq(s["dropped"], 0, what + "stats.dropped")
        eq(s["queued"], 0, what + "stats.queued after close")
        eq(sorted(k for k in r["cb"] if k != "OK"), [], what + "delivery callback failure codes")
        ids = self.col.stored_ids()
        want = {"%s-%d" % (prefix, i) for i in range(n)}
        got = {i for i in ids if i.startswith(prefix + "-")}
        check(got == want, what + "stored == sent", missing=len(want - got), extra=len(got - want))
        return ids

    def row(self, name, sent, stored, dups, dropped, failed, t0, note=""):
        self.rows.append(dict(name=name, sent=sent, stored=stored, dups=dups, dropped=dropped,
                              failed=failed, secs=time.monotonic() - t0, status="ok", note=note))

    # ------------------------------------------------------------ scenarios

    def s1_server_errors(self):
        """500s and 503s for a while (the first 30 requests), then bursts: all delivered once."""
        n = self.n(20000, 100000)
        self.col.reset()
        faults = [{"status": 500, "count": 30}, {"delayMs": 1, "count": 3}, {"status": 503, "count": 4},
                  {"delayMs": 1, "count": 5}, {"status": 502, "count": 2}, {"delayMs": 1, "count": 2},
                  {"status": 500, "count": 6}]
        nfail = sum(f["count"] for f in faults if "status" in f)
        self.col.fault(faults)
        t0 = time.monotonic()
        r = self.one(n, "s1", {"retry_limit": "40"})
        self.expect_all_delivered(r, n, "s1")
        eq(self.col.faults_left(), [], "every injected fault was consumed")
        reqs = self.col.requests()
        check(len(reqs) < 1000, "request log holds the whole run", requests=len(reqs))
        eq(sum(1 for q in reqs if q["status"] >= 500), nfail, "requests answered 5xx")
        eq(r["stats"]["retried"], nfail, "stats.retried: one retry per 5xx")
        eq(r["stats"]["requests"], len(reqs), "stats.requests == requests the collector saw")
        eq(r["stats"]["batches"], sum(1 for q in reqs if q["status"] == 200), "stats.batches == 200s")
        c = self.col.counts()
        eq((c["good"], c["bad"], c["duplicates"]), (n, 0, 0), "collector good, bad, duplicates")
        self.row("1 server 5xx, then recovers", r["accepted"], c["good"], c["duplicates"],
                 r["stats"]["dropped"], r["stats"]["failed"], t0, "%d requests 5xx" % nfail)

    def s2_retry_after(self):
        """429 with Retry-After: the next request waits at least that long; all delivered."""
        n = self.n(20000, 100000)
        self.col.reset()
        faults = [{"status": 429, "retryAfter": 1, "count": 1}, {"delayMs": 1, "count": 2},
                  {"status": 429, "retryAfter": 2, "count": 1}, {"delayMs": 1, "count": 1},
                  {"status": 429, "retryAfter": 1, "count": 2}]
        self.col.fault(faults)
        t0 = time.monotonic()
        r = self.one(n, "s2", {"retry_limit": "5"})
        self.expect_all_delivered(r, n, "s2")
        eq(self.col.faults_left(), [], "every injected fault was consumed")
        reqs = self.col.requests()
        check(len(reqs) < 1000, "request log holds the whole run", requests=len(reqs))
        waits = [1, 2, 1, 1]
        idx = [k for k, q in enumerate(reqs) if q["status"] == 429]
        eq(len(idx), len(waits), "requests answered 429")
        gaps = []
        for k, ra in zip(idx, waits):
            check(k + 1 < len(reqs), "a request follows each 429")
            gap = reqs[k + 1]["at"] - reqs[k]["at"]
            gaps.append(gap)
            # "at" is truncated to the millisecond on both sides.
            check(gap >= ra * 1000 - 1, "the request after a 429 waited Retry-After", retry_after_s=ra, gap_ms=gap)
            check(gap <= ra * 1000 + self.timeout(3) * 1000, "Retry-After honoured, not overshot",
                  retry_after_s=ra, gap_ms=gap)
        eq(r["stats"]["retried"], len(waits), "stats.retried")
        c = self.col.counts()
        eq((c["good"], c["bad"], c["duplicates"]), (n, 0, 0), "collector good, bad, duplicates")
        self.row("2 429 + Retry-After", r["accepted"], c["good"], c["duplicates"], r["stats"]["dropped"],
                 r["stats"]["failed"], t0, "gaps %s ms for Retry-After %s s" % (gaps, waits))

    def s3_cut(self):
        """Connections cut before and after the store: all delivered; resends deduplicated."""
        n = self.n(20000, 100000)
        self.col.reset()
        faults = [{"cut": "after-store", "count": 2}, {"delayMs": 1, "count": 3}, {"cut": True, "count": 2},
                  {"delayMs": 1, "count": 3}, {"cut": "after-store", "count": 3}, {"delayMs": 1, "count": 1},
                  {"cut": "after-store", "count": 1}]
        kinds = [f["cut"] for f in faults if "cut" in f for _ in range(f["count"])]
        self.col.fault(faults)
        t0 = time.monotonic()
        r = self.one(n, "s3", {"retry_limit": "8"})
        self.expect_all_delivered(r, n, "s3")
        eq(self.col.faults_left(), [], "every injected fault was consumed")
        reqs = self.col.requests()
        check(len(reqs) < 1000, "request log holds the whole run", requests=len(reqs))
        cut = [q for q in reqs if q["status"] == 0]
        eq(len(cut), len(kinds), "requests cut")
        eq(sorted({q["status"] for q in reqs}), [0, 200], "statuses seen")
        # The collector stored what came in 200s and in cuts after the store: each
        # event once, every other copy counted as a duplicate.
        ingested = sum(q["events"] for q in reqs if q["status"] == 200) + \
            sum(q["events"] for q, kind in zip(cut, kinds) if kind == "after-store")
        c = self.col.counts()
        eq((c["good"], c["bad"]), (n, 0), "collector good, bad")
        eq(c["duplicates"], ingested - n, "duplicates == copies ingested beyond the first")
        check(c["duplicates"] > 0, "a cut after the store made the client resend stored events")
        # A cut is retried by the core (counted in stats.retried and stats.requests) or,
        # on a reused connection, resent once by libcurl itself (counted in neither).
        retried = r["stats"]["retried"]
        check(retried <= len(kinds), "stats.retried at most one per cut", retried=retried)
        eq(len(reqs), r["stats"]["requests"] + (len(kinds) - retried),
           "requests the collector saw == stats.requests + cuts libcurl resent itself")
        self.row("3 connection cut (before/after store)", r["accepted"], c["good"], c["duplicates"],
                 r["stats"]["dropped"], r["stats"]["failed"], t0,
                 "%d cuts, %d after the store; %d retried by the core, %d resent by libcurl" %
                 (len(kinds), kinds.count("after-store"), retried, len(kinds) - retried))

    def s4_server_down(self):
        n = self.n(20000, 100000)
        retry = {"retry_limit": "2", "retry_backoff": "5", "retry_backoff_max": "20"}
        # a) memory mode, nothing listening: every event reported failed (TRANSPORT).
        self.col.reset()
        t0 = time.monotonic()
        host = "http://127.0.0.1:%d" % dead_port()
        r = self.one(n, "s4a", retry, host=host, extra=["--close-timeout", "60000"])
        eq(r["accepted"], n, "accepted")
        eq(r["close"], "OK", "close (every batch finally failed before the deadline)")
        s = r["stats"]
        eq((s["delivered"], s["failed"], s["dropped"], s["queued"]), (0, n, 0, 0),
           "stats delivered, failed, dropped, queued")
        eq(r["cb"], {"TRANSPORT": n}, "delivery callback: every event TRANSPORT")
        eq(s["requests"], 3 * (s["requests"] - s["retried"]), "three attempts per batch (retry_limit 2)")
        self.row("4a down, memory: nothing listening", r["accepted"], 0, 0, s["dropped"], s["failed"], t0,
                 "all TRANSPORT")
        # a') memory mode, 503 for longer than the retries: every event failed (HTTP 503), none stored.
        self.col.reset()
        self.col.fault({"status": 503, "count": 10000})
        t0 = time.monotonic()
        r = self.one(n, "s4b", retry, extra=["--close-timeout", "60000"])
        s = r["stats"]
        eq(r["accepted"], n, "accepted")
        eq((s["delivered"], s["failed"], s["dropped"], s["queued"]), (0, n, 0, 0),
           "stats delivered, failed, dropped, queued")
        eq(r["cb"], {"HTTP": n}, "delivery callback: every event HTTP")
        eq(r["cb_http"], {"503": n}, "delivery callback: last status 503")
        c = self.col.counts()
        eq(c["total"], 0, "nothing stored")
        eq(10000 - self.col.faults_left()[0]["count"], s["requests"], "requests the collector answered 503")
        eq(s["requests"], 3 * (s["requests"] - s["retried"]), "three attempts per batch (retry_limit 2)")
        self.col.fault({})
        self.row("4b down, memory: 503 beyond retries", r["accepted"], 0, 0, s["dropped"], s["failed"], t0,
                 "all HTTP 503")
        # c) spool mode: nothing listening past the retries; close keeps everything in
        # the spool, and the next client delivers all of it.
        self.need_spool()
        self.col.reset()
        spool = self.spool_dir("down")
        conf = dict(retry, spool_dir=spool, retry_backoff_max="100")
        t0 = time.monotonic()
        r1 = self.one(n, "s4c", conf, host=host, extra=["--close-timeout", "1500"])
        s = r1["stats"]
        eq(r1["accepted"], n, "first client: accepted")
        eq(r1["close"], "OK", "first client: close keeps what is left in the spool")
        eq((s["delivered"], s["failed"], s["dropped"], s["queued"]), (0, 0, 0, n),
           "first client: stats delivered, failed, dropped, queued")
        eq(r1["cb"], {}, "first client: no delivery report (nothing failed, nothing delivered)")
        check(s["retried"] > 0, "first client retried")
        # The spool is one process's at a time.
        self.spool_lock(spool, conf, n)
        r2 = self.one(0, "s4c", conf, extra=["--close-timeout", "60000"])
        s2 = r2["stats"]
        eq(s2.get("replayed"), n, "second client: stats.replayed")
        eq((s2["delivered"], s2["failed"], s2["dropped"], s2["queued"]), (n, 0, 0, 0),
           "second client: stats delivered, failed, dropped, queued")
        eq(r2["cb"], {"OK": n}, "second client: delivery callback")
        ids, c = self.collector_view("s4c")
        eq(set(ids), {"s4c-%d" % i for i in range(n)}, "stored == sent")
        eq((c["good"], c["bad"], c["duplicates"]), (n, 0, 0), "collector good, bad, duplicates")
        self.row("4c down, spool: kept, next run delivers", r1["accepted"], c["good"], c["duplicates"],
                 s["dropped"] + s2["dropped"], s["failed"] + s2["failed"], t0,
                 "queued %d at close, replayed %d" % (s["queued"], s2["replayed"]))

        # d) spool mode, 503 for longer than one run of retries: the batch is not failed;
        # it rests retry_backoff_max and goes again, in the same client.
        self.col.reset()
        rest = 400
        self.col.fault({"status": 503, "count": 7})
        conf = dict(retry, spool_dir=self.spool_dir("rest"), retry_backoff_max=str(rest))
        t0 = time.monotonic()
        r = self.one(n, "s4d", conf, extra=["--close-timeout", "60000"])
        self.expect_all_delivered(r, n, "s4d")
        # Every attempt after the first counts, the rounds after a rest included.
        reqs = self.col.requests()
        eq(r["stats"]["retried"], 7, "stats.retried: one per 503")
        eq(r["stats"]["requests"], len(reqs), "stats.requests == requests the collector saw")
        eq([q["status"] for q in reqs[:8]], [503] * 7 + [200], "the first batch's attempts")
        gaps = [b["at"] - a["at"] for a, b in zip(reqs[:7], reqs[1:8])]
        for k in (2, 5):  # after attempts 3 and 6, retry_limit 2 ran out
            check(gaps[k] >= rest - 1, "a batch whose retries ran out rests retry_backoff_max", gaps=gaps)
        c = self.col.counts()
        eq((c["good"], c["bad"], c["duplicates"]), (n, 0, 0), "collector good, bad, duplicates")
        self.row("4d 503 beyond retries, spool: rests, resent", r["accepted"], c["good"], c["duplicates"],
                 r["stats"]["dropped"], r["stats"]["failed"], t0, "gaps between attempts %s ms" % gaps)

    def spool_lock(self, spool, conf, n):
        """While one driver holds the spool open, a second cannot open it. The holder
        points at a dead port, so what it replays stays in the spool."""
        cmd = [self.o.driver, "--host", "http://127.0.0.1:%d" % dead_port(), "--n", "0", "--prefix", "lock",
               "--hold-stdin", "--close-timeout", "300"]
        for k, v in dict(BASE, **conf).items():
            cmd += ["--set", "%s=%s" % (k, v)]
        holder = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  preexec_fn=_die_with_parent)
        try:
            line = holder.stdout.readline().decode().strip()
            eq(line, "holding", "the holder opened the spool")
            lines, rc = self.driver(0, "lock2", conf, wrap=False)
            eq(rc, 3, "a second client on a held spool is refused")
            eq(lines[0]["client_new"], "CONFIG_INVALID", "the refusal's code")
            msg = lines[0]["error"]
            check(spool in msg and str(holder.pid) in msg, "the refusal names the directory and the holder's pid",
                  error=msg, pid=holder.pid)
        finally:
            out, err = holder.communicate(timeout=self.timeout(60))  # closes its stdin: it lets go
        eq(holder.returncode, 0, "the holder closed cleanly")
        res = [json.loads(x) for x in out.decode().splitlines() if x.startswith("{")]
        check(len(res) == 1, "the holder's result", out=out.decode()[-2000:])
        s = res[0]["stats"]
        eq((s.get("replayed"), s["delivered"], s["failed"], s["queued"]), (n, 0, 0, n),
           "the holder: replayed, delivered, failed, queued (all kept in the spool)")

    def s5_kill(self, producer):
        """kill -9 while sending with a spool; a new process delivers the rest."""
        self.need_spool()
        n = self.n(100000, 100000)
        rounds = self.o.rounds
        for rnd in range(rounds):
            # Each spool_sync survives a process crash; "event" (an fsync per call) is
            # the slow one, so it is killed early.
            frac, sync = [(0.5, "batch"), (0.8, "none"), (0.15, "event"), (0.3, "batch"), (0.65, "none")][rnd % 5]
            self.kill_round(producer, n, int(n * frac), "s5%s%d" % (producer[0], rnd), rnd, sync)

    def kill_round(self, producer, n, kill_at, prefix, rnd, sync):
        self.col.reset()
        # Slow answers, so batches are in flight (and unsettled) when the kill lands.
        self.col.fault({"delayMs": 20, "count": 10000})
        spool = self.spool_dir("kill")
        progress = 100
        if producer == "c":
            cmd = [self.o.driver, "--host", self.col.url, "--n", str(n), "--prefix", prefix,
                   "--progress", str(progress)]
            for k, v in dict(BASE, spool_dir=spool, spool_sync=sync).items():
                cmd += ["--set", "%s=%s" % (k, v)]
        elif producer == "python":
            cmd = [self.o.python, os.path.join(HERE, "producer.py"), self.col.url, spool, str(n), prefix,
                   str(progress), sync]
        else:
            cmd = [self.o.node, os.path.join(HERE, "producer.js"), self.o.node_package, self.col.url, spool,
                   str(n), prefix, str(progress), sync]
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_die_with_parent)
        last = 0
        killed = False
        deadline = time.monotonic() + self.timeout(120)
        lines = []
        try:
            while True:
                raw = proc.stdout.readline()
                if not raw:
                    break
                line = raw.decode().strip()
                if line.startswith("accepted "):
                    last = max(last, int(line.split()[1]))
                    if not killed and last >= kill_at:
                        os.kill(proc.pid, signal.SIGKILL)
                        killed = True
                elif line.startswith("{"):
                    lines.append(json.loads(line))
                if time.monotonic() > deadline:
                    raise Fail("%s producer did not reach %d accepted events in time" % (producer, kill_at))
        finally:
            if proc.poll() is None:
                proc.kill()
            _, err = proc.communicate(timeout=30)
        if lines and "unsupported" in lines[0]:
            raise Skip("%s: spool not supported: %s" % (producer, lines[0]))
        check(killed, "%s producer was killed mid-run (it finished first: raise N)" % producer, last=last,
              rc=proc.returncode, stderr=err.decode()[-2000:])
        eq(proc.returncode, -signal.SIGKILL, "%s producer died of SIGKILL" % producer)
        before = self.col.counts()["good"]
        # A first restart is killed too, halfway through its replay (answers still
        # delayed 20 ms, so it takes a while): a crash while settling the spool.
        second_kill = self.kill_restart(spool, prefix, before + (last - before) // 2)
        self.col.fault({})
        # The restart: a new process opens the same spool and delivers what is left.
        r = self.one(0, prefix, {"spool_dir": spool}, extra=["--close-timeout", "60000"])
        s = r["stats"]
        eq((s["failed"], s["dropped"], s["queued"]), (0, 0, 0), "restart: stats failed, dropped, queued")
        eq(s["delivered"], s.get("replayed"), "restart: delivered what it replayed")
        ids, c = self.collector_view()
        ids_set = set(ids)
        eq(len(ids), len(ids_set), "no eventId twice in the store")
        idx = set()
        for i in ids:
            check(i.startswith(prefix + "-"), "only this round's events are stored", eventId=i)
            idx.add(int(i[len(prefix) + 1:]))
        missing = [i for i in range(last) if i not in idx]
        check(not missing, "every event reported accepted before the kill is stored", missing=len(missing),
              first=missing[:5], reported=last)
        # An event can be accepted after the last progress line, never beyond the next one.
        beyond = sorted(i for i in idx if i >= last + progress)
        check(not beyond, "nothing stored that was never attempted", first=beyond[:5])
        eq(c["bad"], 0, "collector bad")
        self.row("5 kill -9 %s (round %d, spool_sync %s)" % (producer, rnd + 1, sync), last, c["good"], c["duplicates"],
                 s["dropped"], s["failed"], t0,
                 "killed at %d reported; %d stored before the restart; %s; the last restart replayed %s"
                 " (spool_corrupt %s)" % (last, before, second_kill, s.get("replayed"), s.get("spool_corrupt")))

    def kill_restart(self, spool, prefix, target):
        """Starts a restart on the spool and SIGKILLs it once the store holds `target`
        events. Says what happened."""
        cmd = [self.o.driver, "--host", self.col.url, "--n", "0", "--prefix", prefix]
        for k, v in dict(BASE, spool_dir=spool).items():
            cmd += ["--set", "%s=%s" % (k, v)]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                preexec_fn=_die_with_parent)
        deadline = time.monotonic() + self.timeout(60)
        try:
            while proc.poll() is None:
                good = self.col.counts()["good"]
                if good >= target:
                    os.kill(proc.pid, signal.SIGKILL)
                    proc.wait()
                    return "restart 1 killed at %d stored" % good
                check(time.monotonic() < deadline, "the first restart made progress", stored=good)
                time.sleep(0.005)  # polling the store, not a wait being asserted
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        return "restart 1 finished before its kill (exit %d)" % proc.returncode

    def s6_fork(self, producer="c"):
        """fork() while sending: parent's and child's events arrive exactly once."""
        if self.o.sanitized and producer == "c":
            raise Skip("fork under TSan/ASan is not supported (as tests/test_fork)")
        n = self.n(20000, 100000)
        half = n // 2
        # The rounds, then one with a spool: the child queues in memory only and
        # leaves the parent's spool alone.
        for rnd in range(self.o.rounds + 1):
            spool = rnd == self.o.rounds
            conf = {}
            if spool:
                self.need_spool()
                conf["spool_dir"] = self.spool_dir("fork")
            self.col.reset()
            self.col.fault({"delayMs": 5, "count": 10000})  # batches in flight at the fork
            t0 = time.monotonic()
            prefix = "s6r%d" % rnd
            if producer == "c":
                lines, rc = self.driver(n, prefix, conf, extra=["--fork-at", str(half), "--child-n", str(half)])
            else:  # os.fork() in a Python process
                cmd = [self.o.python, os.path.join(HERE, "fork.py"), self.col.url, str(n), prefix]
                if spool:
                    cmd.append(conf["spool_dir"])
                try:
                    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          timeout=self.timeout(120), preexec_fn=_die_with_parent)
                except subprocess.TimeoutExpired:
                    raise Fail("fork.py did not finish in time")
                rc = proc.returncode
                check(rc == 0, "fork.py", rc=rc, stderr=proc.stderr.decode()[-2000:])
                lines = [json.loads(x) for x in proc.stdout.decode().splitlines() if x.startswith("{")]
            eq(rc, 0, "driver exit")
            by = {x["role"]: x for x in lines}
            eq(sorted(by), ["child", "parent"], "a parent and a child line")
            self.col.fault({})
            p, ch = by["parent"], by["child"]
            eq((p["accepted"], ch["accepted"]), (n, half), "accepted by parent, child")
            eq((p["stats"]["delivered"], ch["stats"]["delivered"]), (n, half), "stats.delivered parent, child")
            eq((p["cb"], ch["cb"]), ({"OK": n}, {"OK": half}), "delivery callbacks parent, child")
            eq(ch["stats"]["accepted"], half, "the child's counters start at the fork")
            for who in (p, ch):
                eq((who["stats"]["failed"], who["stats"]["dropped"], who["stats"]["queued"]), (0, 0, 0),
                   "%s: failed, dropped, queued" % who["role"])
            ids, c = self.collector_view()
            want = {"%s-%d" % (prefix, i) for i in range(n)} | {"%sc-%d" % (prefix, i) for i in range(half)}
            check(set(ids) == want, "stored == parent's + child's", missing=len(want - set(ids)),
                  extra=len(set(ids) - want))
            eq((c["good"], c["bad"], c["duplicates"]), (n + half, 0, 0),
               "collector good, bad, duplicates (the child resent nothing of the parent's)")
            note = "parent %d + child %d" % (n, half)
            if spool:
                r2 = self.one(0, prefix, conf, extra=["--close-timeout", "10000"])
                eq((r2["stats"].get("replayed"), r2["stats"]["requests"]), (0, 0),
                   "a later client on the parent's spool: replayed, requests")
                note += "; the parent's spool replays 0 afterwards"
            self.row("6 fork under load, %s (%s)" % (producer, "spool" if spool else "round %d" % (rnd + 1)),
                     p["accepted"] + ch["accepted"], c["good"], c["duplicates"], 0, 0, t0, note)

    def s7_overflow(self, spool=False):
        """A small queue and a slow server: what is dropped is exactly accepted - stored."""
        n = self.n(20000, 100000)
        qsize = 1000
        self.col.reset()
        self.col.fault({"delayMs": 200, "count": 4})
        conf = {"max_queue_size": str(qsize)}
        name = "7 queue overflow"
        prefix = "s7"
        if spool:
            self.need_spool()
            conf["spool_dir"] = self.spool_dir("overflow")
            name = "8 queue overflow, spool"
            prefix = "s7s"
        t0 = time.monotonic()
        r = self.one(n, prefix, conf)
        s = r["stats"]
        ids, c = self.collector_view()
        stored = c["good"]
        eq(r["accepted"], n, "accepted")
        eq(s["dropped"], n - stored, "stats.dropped == accepted - stored")
        eq(s["dropped_queue_full"], s["dropped"], "every drop was the queue being full")
        eq(r["cb"].get("QUEUE_FULL", 0), s["dropped"], "delivery callback QUEUE_FULL == stats.dropped")
        eq(r["cb"].get("OK", 0), stored, "delivery callback OK == stored")
        eq((s["delivered"], s["failed"], s["queued"]), (stored, 0, 0), "stats delivered, failed, queued")
        eq((c["bad"], c["duplicates"]), (0, 0), "collector bad, duplicates")
        check(s["dropped"] > 0, "the queue overflowed")
        idx = {int(i[len(prefix) + 1:]) for i in ids}
        eq(len(idx), len(ids), "eventIds distinct")
        check(all(0 <= i < n for i in idx), "only sent events stored")
        newest = [i for i in range(n - qsize, n) if i not in idx]
        check(not newest, "the newest max_queue_size events were kept (drops take the oldest)",
              missing=len(newest), first=newest[:5])
        note = "max_queue_size %d" % qsize
        if spool:
            # What was dropped or delivered is settled: the spool gives nothing back.
            r2 = self.one(0, prefix, conf, extra=["--close-timeout", "10000"])
            eq((r2["stats"].get("replayed"), r2["stats"]["requests"]), (0, 0),
               "a later client on the same spool: replayed, requests")
            note += "; the spool replays 0 afterwards"
        self.row(name, r["accepted"], stored, c["duplicates"], s["dropped"], s["failed"], t0, note)


SCENARIOS = {
    1: ("server 5xx then recovers", lambda s: s.s1_server_errors()),
    2: ("429 with Retry-After", lambda s: s.s2_retry_after()),
    3: ("connection cut mid-request", lambda s: s.s3_cut()),
    4: ("server down beyond retry_limit", lambda s: s.s4_server_down()),
    5: ("kill -9 with a spool", None),
    6: ("fork under load", lambda s: s.s6_fork()),
    7: ("queue overflow", lambda s: s.s7_overflow()),
    8: ("queue overflow with a spool", lambda s: s.s7_overflow(spool=True)),
}


def table(rows):
    head = ("scenario", "sent", "stored", "duplicates", "dropped", "failed", "seconds", "result")
    body = [(r["name"], str(r["sent"]), str(r["stored"]), str(r["dups"]), str(r["dropped"]), str(r["failed"]),
             "%.1f" % r["secs"], r["status"]) for r in rows]
    widths = [max(len(x[i]) for x in [head] + body) for i in range(len(head))]
    fmt = "| " + " | ".join("%%-%ds" % w for w in widths) + " |"
    out = [fmt % head, "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [fmt % b for b in body]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--short", action="store_true", help="ci/test size: 20k events (scenario 5: 100k)")
    g.add_argument("--long", action="store_true", help="ci/soak size: 100k events per scenario")
    ap.add_argument("--driver", default=os.path.join(ROOT, "build/tests/reliability/spoor-reliability-driver"))
    ap.add_argument("--collector", default=os.path.join(ROOT, "build/collector/spoor-collector"))
    ap.add_argument("--only", default="", help="comma-separated scenario numbers (default: all)")
    ap.add_argument("--producers", default="c", help="producers of scenarios 5 (c,python,node) and 6 (c,python)")
    ap.add_argument("--python", default=os.path.join(ROOT, "build/venv-python/bin/python"))
    ap.add_argument("--node", default="node")
    ap.add_argument("--node-package", default=os.path.join(ROOT, "node"))
    ap.add_argument("--wrap", default="", help='run the driver under this, e.g. "valgrind --error-exitcode=99"')
    ap.add_argument("--scale", type=float, default=float(os.environ.get("SPOOR_RELIABILITY_SCALE", "1")),
                    help="multiply the event counts (sanitizer builds)")
    ap.add_argument("--sanitized", action="store_true", help="a sanitizer build: no fork scenario")
    ap.add_argument("--rounds", type=int, default=0, help="rounds of scenarios 5 and 6 (short 1, long 3)")
    ap.add_argument("--n", type=int, default=0, help="events per scenario, overriding the sizes")
    ap.add_argument("--repeat", type=int, default=1, help="run the whole selection this many times")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--verbose", "-v", action="store_true")
    o = ap.parse_args()
    if not o.rounds:
        o.rounds = 3 if o.long else 1
    for path in (o.driver, o.collector):
        if not os.access(path, os.X_OK):
            ap.error("not executable: %s" % path)
    only = ([int(x) for x in o.only.split(",") if x] or sorted(SCENARIOS)) * max(1, o.repeat)
    producers = [p for p in o.producers.split(",") if p]

    # SIGTERM (e.g. from ci) unwinds like ^C, so the collector is stopped and the
    # work directory removed.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    suite = Suite(o)
    failed = ran = 0
    t_all = time.monotonic()
    try:
        for num in only:
            title, fn = SCENARIOS[num]
            if num == 5:
                jobs = [(p, (lambda s, p=p: s.s5_kill(p))) for p in producers]
            elif num == 6:  # C fork(), Python os.fork(); Node has no fork
                jobs = [(p, (lambda s, p=p: s.s6_fork(p))) for p in producers if p in ("c", "python")] or \
                    [("c", lambda s: s.s6_fork("c"))]
            else:
                jobs = [("", fn)]
            for label, job in jobs:
                name = "%d %s%s" % (num, title, " (%s)" % label if label else "")
                print("== %s" % name, flush=True)
                before = len(suite.rows)
                t0 = time.monotonic()
                try:
                    job(suite)
                    ran += 1
                except Skip as e:
                    suite.rows.append(dict(name=name, sent="-", stored="-", dups="-", dropped="-", failed="-",
                                           secs=time.monotonic() - t0, status="skipped", note=str(e)))
                    print("   skipped: %s" % e, flush=True)
                except Fail as e:
                    failed += 1
                    ran += 1
                    suite.rows.append(dict(name=name, sent="-", stored="-", dups="-", dropped="-", failed="-",
                                           secs=time.monotonic() - t0, status="FAILED", note=str(e)))
                    print("   FAILED: %s" % e, flush=True)
                for r in suite.rows[before:]:
                    if r["status"] == "ok":
                        print("   ok: %s: sent %s, stored %s, duplicates %s, dropped %s, failed %s, %.1f s; %s" %
                              (r["name"], r["sent"], r["stored"], r["dups"], r["dropped"], r["failed"], r["secs"],
                               r["note"]), flush=True)
    finally:
        collector_rc = suite.close()
    print()
    print(table(suite.rows))
    print("\n%d failed, %.1f s" % (failed, time.monotonic() - t_all))
    if collector_rc != 0:
        print("FAILED: the collector exited %s" % collector_rc)
        return 1
    if failed:
        return 1
    return 0 if any(r["status"] == "ok" for r in suite.rows) else 77


if __name__ == "__main__":
    sys.exit(main())
