#!/usr/bin/env python3
"""test_cli.py: the spoor command end to end, against the collector.

Runs the built command (SPOOR_CLI) against spoor-collector (SPOOR_COLLECTOR),
both over real HTTP, and checks what arrived: exit codes, settings from options,
the environment and files, secrets never echoed, the import's formats, rejects,
progress, /metrics, and the resume after kill -9 and Ctrl-C with every line
stored once. The derived eventIds are computed here independently of the C code.

    SPOOR_CLI=build/cli/spoor SPOOR_COLLECTOR=build/collector/spoor-collector \\
        python3 cli/tests/test_cli.py [Commands|Import|Resume|Smoke]
SPOOR_CLI_WRAPPER (e.g. "valgrind --error-exitcode=99 ...") runs the command under it.
SPOOR_CLI_SEED fixes the kill points of the resume test (else random, printed).
"""
import hashlib
import json
import os
import pty
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "collector", "tests"))
from harness import Collector  # noqa: E402  (the collector's own test harness)

CLI = os.environ.get("SPOOR_CLI", os.path.join(ROOT, "build", "cli", "spoor"))
WRAPPER = shlex.split(os.environ.get("SPOOR_CLI_WRAPPER", ""))
KEY = "test-key-Zq81"  # an api key: it must never show in anything the command prints


def clean_env(**extra):
    """The environment without the caller's SPOOR_* settings, plus extra."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPOOR_")}
    env.update({k: str(v) for k, v in extra.items()})
    return env


def derived_id(sha256_hex, fmt, typ, line):
    """The eventId spoor import gives a line without one (cli/src/eventid.h):
    a UUID version 8 whose first 80 bits come from the file and the options,
    its last 48 from the line number."""
    ns = bytearray(hashlib.sha256(("spoor import\n%s\n%s\n%s\n" % (sha256_hex, fmt, typ)).encode()).digest()[:10])
    ns[6] = (ns[6] & 0x0F) | 0x80
    ns[8] = (ns[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(ns) + line.to_bytes(6, "big")))


def file_sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def summary_numbers(out):
    """read, sent, rejected, failed from the import's summary."""
    nums = {}
    for key in ("read", "sent", "rejected", "failed"):
        m = re.search(r"^  %s +([\d,]+)" % key, out, re.M)
        nums[key] = int(m.group(1).replace(",", "")) if m else None
    return nums


class CliTest(unittest.TestCase):
    """A collector with an api key, reset before each test, and a scratch folder."""
    ARGS = ("--api-key", KEY)

    @classmethod
    def setUpClass(cls):
        cls.c = Collector(*cls.ARGS, quiet=True)
        cls.url = "http://127.0.0.1:%d" % cls.c.port

    @classmethod
    def tearDownClass(cls):
        cls.c.stop()
        cls.c.cleanup()

    def setUp(self):
        self.c.reset()
        self.dir = tempfile.mkdtemp(prefix="spoor-cli-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text):
        with open(self.path(name), "w") as f:
            f.write(text)
        return self.path(name)

    def env(self, **extra):
        return clean_env(**dict({"SPOOR_HOST": self.url, "SPOOR_API_KEY": KEY}, **extra))

    def run_cli(self, *args, env=None, input=None, timeout=120):
        p = subprocess.run(WRAPPER + [CLI, *args], env=env if env is not None else self.env(), input=input,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        out, err = p.stdout.decode(), p.stderr.decode()
        self.assertNotIn(KEY, out + err, "the api key was printed")
        if WRAPPER:
            self.assertNotEqual(p.returncode, 99, "the wrapper found errors:\n" + err[-6000:])
        return p.returncode, out, err

    def good(self, **filters):
        q = "&".join("%s=%s" % kv for kv in filters.items())
        return self.c.get("/micro/good" + ("?" + q if q else ""))

    def counts(self):
        return self.c.get("/micro/all")


class Commands(CliTest):
    def test_track_is_delivered_with_its_fields(self):
        rc, out, err = self.run_cli("track", "event=purchase", "userId=user_123", "properties.revenue:=99.99",
                                    "properties.currency=USD", "properties.items:=[1,2]")
        self.assertEqual((rc, out), (0, ""), err)
        [e] = self.good()
        self.assertEqual((e["type"], e["eventName"], e["userId"]), ("track", "purchase", "user_123"))
        self.assertEqual(e["properties"], {"revenue": 99.99, "currency": "USD", "items": [1, 2]})
        self.assertEqual(e["context"]["library"]["binding"], "cli")
        self.assertEqual(uuid.UUID(e["eventId"]).version, 8)

    def test_every_event_command(self):
        commands = [
            ("identify", "userId=u1", "traits.plan=pro"),
            ("group", "userId=u1", "groupId=acme", "traits.name=Acme Inc"),
            ("page", "userId=u1", "name=Pricing"),
            ("record", "collection=purchase", "properties.profileId=u1", "properties.totalprice:=35"),
            ("profile", "profileId=u1", "email=ann@example.com"),
            ("consent", "profileId=u1", 'consents:=[{"regulation":"GDPR","purpose":"ads","consented":true}]'),
            ("consents", "userId=u1", 'consents:=[{"regulation":"CCPA","purpose":"sale","consented":false}]'),
            ("product", "productId=sku-1", "data.title=Boots"),
            ("track", "event=own-id", "userId=u1", "eventId=evt-given-1"),
        ]
        for cmd in commands:
            rc, out, err = self.run_cli(*cmd)
            self.assertEqual(rc, 0, (cmd, err))
        types = sorted(e["type"] for e in self.good())
        self.assertEqual(types, sorted(["identify", "group", "page", "record", "profile", "consent", "consent",
                                        "product", "track"]))
        self.assertEqual(self.good(eventName="own-id")[0]["eventId"], "evt-given-1")

    def test_invalid_event_is_65_with_the_cores_message(self):
        rc, _, err = self.run_cli("track", "userId=u1")
        self.assertEqual(rc, 65)
        self.assertIn("spoor track: message[0].event: must be a non-empty string", err)
        rc, _, err = self.run_cli("identify", "userId=u1", "traits:=[1]")
        self.assertEqual(rc, 65)
        self.assertIn("traits: must be an object", err)
        self.assertEqual(self.counts()["total"], 0)

    def test_usage_errors_are_64(self):
        for args, says in [
            (("track", "event"), '"event" is not NAME=VALUE or NAME:=JSON'),
            (("track", "type=page", "event=x", "userId=u"), "type: the command gives it (track)"),
            (("track", "event=x", "event=y"), "event: given twice"),
            (("track", "--flush-att", "3", "event=x"), "did you mean flush_at?"),
            (("frobnicate",), "no command frobnicate"),
            ((), "usage: spoor COMMAND"),
            (("import",), "which FILE?"),
            (("import", "a.jsonl", "--format", "xml"), '--format: "xml" is not jsonl or csv'),
        ]:
            rc, _, err = self.run_cli(*args)
            self.assertEqual(rc, 64, (args, err))
            self.assertIn(says, err, args)

    def test_configuration_errors_are_78_and_say_how_to_set_it(self):
        rc, _, err = self.run_cli("track", "event=x", "userId=u", env=clean_env())
        self.assertEqual(rc, 78)
        self.assertIn("host: is required (the server's base URL) (set it with --host or SPOOR_HOST)", err)
        rc, _, err = self.run_cli("track", "event=x", "userId=u", env=self.env(SPOOR_FLUSH_AT="0"))
        self.assertEqual(rc, 78)
        self.assertIn("SPOOR_FLUSH_AT: flush_at: 0 is out of range", err)
        rc, _, err = self.run_cli("track", "event=x", "userId=u", "--host", self.url + "/v1/batch")
        self.assertEqual(rc, 78)
        self.assertIn("--host: host: must be the server's base URL", err)

    def test_delivery_failures_are_69(self):
        rc, _, err = self.run_cli("track", "event=x", "userId=u", "--api-key", "wrong-key")
        self.assertEqual(rc, 69)
        self.assertIn("not delivered: HTTP 403", err)
        # Nothing listens there; delivery_timeout ends the retries.
        rc, _, err = self.run_cli("track", "event=x", "userId=u", "--host", "http://127.0.0.1:9",
                                  "--delivery-timeout", "300", "--retry-backoff", "50")
        self.assertEqual(rc, 69)
        self.assertIn("not delivered: network error reaching http://127.0.0.1:9", err)

    def test_a_spool_keeps_what_it_cannot_deliver_75_then_sends_it(self):
        spool = self.path("spool")
        rc, _, err = self.run_cli("track", "event=kept", "userId=u", "--host", "http://127.0.0.1:9",
                                  "--spool-dir", spool, "--close-timeout", "300", "--retry-backoff", "20")
        self.assertEqual(rc, 75, err)
        self.assertIn("kept in the spool", err)
        self.assertEqual(self.counts()["total"], 0)
        rc, _, err = self.run_cli("track", "event=next", "userId=u", "--spool-dir", spool)
        self.assertEqual(rc, 0, err)
        self.assertEqual(sorted(e["eventName"] for e in self.good()), ["kept", "next"])

    def test_settings_come_from_options_then_environment_then_files(self):
        key_file = self.write("key", KEY + "\n")
        os.chmod(key_file, 0o600)
        env = clean_env(SPOOR_HOST=self.url, SPOOR_API_KEY_FILE=key_file, SPOOR_GZIP="true")
        rc, _, err = self.run_cli("track", "event=x", "userId=u", env=env)
        self.assertEqual(rc, 0, err)
        [req] = self.c.get("/micro/requests")
        self.assertTrue(req["gzip"])
        # The option wins over the environment.
        rc, _, _ = self.run_cli("track", "event=x", "userId=u", "--api-key", "wrong", env=env)
        self.assertEqual(rc, 69)
        rc, _, _ = self.run_cli("track", "event=x", "userId=u", "--no-gzip", "--api-key-file", key_file, env=env)
        self.assertEqual(rc, 0)
        self.assertFalse(self.c.get("/micro/requests")[-1]["gzip"])
        both = clean_env(SPOOR_HOST=self.url, SPOOR_API_KEY=KEY, SPOOR_API_KEY_FILE=key_file)
        rc, _, err = self.run_cli("track", "event=x", "userId=u", env=both)
        self.assertEqual(rc, 78)
        self.assertIn("SPOOR_API_KEY and SPOOR_API_KEY_FILE are both set", err)

    def test_secrets_are_never_echoed(self):
        # Debug logging, a refused key, spoor config: run_cli checks that KEY shows nowhere.
        rc, _, err = self.run_cli("track", "event=x", "userId=u", "--debug", env=self.env(SPOOR_SECRET=KEY))
        self.assertEqual(rc, 0, err)
        self.assertIn("spoor: debug:", err)
        rc, _, err = self.run_cli("track", "event=x", "userId=u", "--debug", env=self.env(SPOOR_API_KEY=KEY + "-no"))
        self.assertEqual(rc, 69, err)
        self.assertIn("HTTP 403", err)
        rc, out, _ = self.run_cli("config", "--password", KEY, "--username", "ann")
        self.assertEqual(rc, 0)
        self.assertRegex(out, r"(?m)^api_key +SPOOR_API_KEY +environment +\*\*\*$")
        self.assertRegex(out, r"(?m)^password +SPOOR_PASSWORD +command line +\*\*\*$")
        self.assertRegex(out, r"(?m)^host +SPOOR_HOST +environment +%s$" % re.escape(self.url))
        # A key given on the command line is blanked in the process's arguments.
        p = subprocess.Popen([CLI, "import", "-", "--type", "track", "--api-key", KEY, "--quiet"], env=self.env(),
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            time.sleep(0.3)  # it waits for standard input
            with open("/proc/%d/cmdline" % p.pid, "rb") as f:
                cmdline = f.read()
            self.assertNotIn(KEY.encode(), cmdline)
            self.assertIn(b"x" * len(KEY), cmdline)
        finally:
            p.communicate(b"")

    def test_help_for_every_command(self):
        for topic in ("track", "identify", "group", "page", "record", "profile", "consent", "product", "import",
                      "settings"):
            rc, out, _ = self.run_cli("help", topic)
            self.assertEqual(rc, 0, topic)
            self.assertIn("usage: spoor %s" % topic if topic != "settings" else "SPOOR_API_KEY_FILE", out)
        rc, out, _ = self.run_cli("track", "--help")
        self.assertEqual(rc, 0)
        self.assertIn("spoor track event=purchase", out)
        rc, out, _ = self.run_cli("--version")
        self.assertEqual((rc, out.split()[0]), (0, "spoor"))


class Import(CliTest):
    ARGS = ("--api-key", KEY, "--schemas", os.path.join(HERE, "schemas.json"))

    def test_json_lines_rejects_and_derived_ids(self):
        lines = [
            {"type": "track", "userId": "u1", "event": "a", "properties": {"price": 1.50}},
            {"type": "track", "userId": ""},                                   # 2: invalid
            {"userId": "u3", "event": "typed by --type"},                      # 3: --type track
            {"type": "track", "userId": "u4", "event": "own", "eventId": "evt-own-4"},
            {"type": "track", "userId": "u5", "event": "null id", "eventId": None},
            {"type": "record", "collection": "c", "properties": {"profileId": "p6", "eventId": "evt-rec-6"}},
        ]
        text = "\n".join(json.dumps(line) for line in lines) + "\n\n{not json\n"  # 7 blank, 8 not JSON
        path = self.write("in.jsonl", text)
        rejects = self.path("rejects.jsonl")
        rc, out, err = self.run_cli("import", path, "--type", "track", "--rejects", rejects)
        self.assertEqual(rc, 65, err)
        self.assertEqual(summary_numbers(out), {"read": 7, "sent": 5, "rejected": 2, "failed": 0})
        self.assertIn("line 2: message[0].event: must be a non-empty string", err)
        self.assertIn("line 8: message: not valid JSON", err)
        with open(rejects) as f:
            rejected = [json.loads(line) for line in f]
        self.assertEqual([r["line"] for r in rejected], [2, 8])
        self.assertEqual(rejected[0]["input"], json.dumps(lines[1]))
        self.assertEqual(rejected[1]["input"], "{not json")
        sha = file_sha256(path)
        ids = {e["eventId"] for e in self.good()}
        self.assertEqual(ids, {derived_id(sha, "jsonl", "track", 1), derived_id(sha, "jsonl", "track", 3),
                               "evt-own-4", derived_id(sha, "jsonl", "track", 5), "evt-rec-6"})
        # The same import again: the same ids, so the server keeps one of each.
        rc, _, _ = self.run_cli("import", path, "--type", "track")
        self.assertEqual(rc, 65)
        self.assertEqual(self.counts(), {"total": 10, "good": 5, "bad": 0, "duplicates": 5})

    def test_csv_columns_map_to_fields(self):
        path = self.write("in.csv",
                          "\ufeffevent,userId,properties.revenue:number,properties.paid:boolean,properties.tags:json,"
                          "properties.note\r\n"
                          'buy,u1,9.50,true,"[""a""]","two\nlines"\r\n'
                          "buy,u2,abc,false,[],x\r\n"
                          "buy,,1,0,,\r\n"
                          "buy,u4,2,0,,\r\n")
        rc, out, err = self.run_cli("import", path, "--type", "track", "--rejects", self.path("r.jsonl"))
        self.assertEqual(rc, 65, err)
        self.assertEqual(summary_numbers(out), {"read": 4, "sent": 2, "rejected": 2, "failed": 0})
        self.assertIn('line 4: properties.revenue: "abc" is not a number', err)
        self.assertIn("line 5: message[0].userId: one of userId, anonymousId or profileId is required", err)
        events = {e["userId"]: e for e in self.good()}
        self.assertEqual(events["u1"]["properties"], {"revenue": 9.5, "paid": True, "tags": ["a"], "note": "two\nlines"})
        self.assertEqual(events["u4"]["properties"], {"revenue": 2, "paid": False})
        self.assertEqual(events["u1"]["eventId"], derived_id(file_sha256(path), "csv", "track", 2))

    def test_csv_with_a_type_column_and_another_delimiter(self):
        path = self.write("in.txt", "type;userId;event;traits.plan\ntrack;u1;go;\nidentify;u2;;pro\n")
        rc, out, err = self.run_cli("import", path, "--format", "csv", "--delimiter", ";")
        self.assertEqual(rc, 0, err)  # the empty cells are left out: identify gets no "event"
        self.assertEqual(summary_numbers(out)["sent"], 2)
        self.assertEqual(self.good(type="identify")[0]["traits"], {"plan": "pro"})

    def test_a_csv_header_without_type_needs_the_option(self):
        path = self.write("in.csv", "event,userId\nbuy,u1\n")
        rc, _, err = self.run_cli("import", path)
        self.assertEqual(rc, 65)
        self.assertIn('line 1: the header has no "type" column: give the type of every row with --type', err)

    def test_standard_input(self):
        text = "".join(json.dumps({"userId": "u%d" % i, "event": "piped"}) + "\n" for i in range(50))
        rc, out, err = self.run_cli("import", "-", "--type", "track", input=text.encode())
        self.assertEqual(rc, 0, err)
        self.assertEqual(summary_numbers(out)["sent"], 50)
        self.assertEqual(len({e["eventId"] for e in self.good()}), 50)
        rc, _, err = self.run_cli("import", "-", "--spool", self.path("s"), input=b"")
        self.assertEqual(rc, 64)
        self.assertIn("needs FILE to be a file", err)
        rc, _, err = self.run_cli("import", self.path("missing.jsonl"))
        self.assertEqual(rc, 66)

    def test_events_the_server_rejects_are_failed_69_and_in_the_rejects_file(self):
        # The collector's schema (schemas.json) wants totalprice a number; the client has none.
        path = self.write("in.jsonl", "\n".join(json.dumps(
            {"type": "record", "collection": "purchase", "properties": {"profileId": "p", "totalprice": v}})
            for v in (35, "thirty-five", 12)) + "\n")
        rejects = self.path("r.jsonl")
        rc, out, err = self.run_cli("import", path, "--rejects", rejects)
        self.assertEqual(rc, 69, err)
        self.assertEqual(summary_numbers(out), {"read": 3, "sent": 2, "rejected": 0, "failed": 1})
        with open(rejects) as f:
            [r] = [json.loads(line) for line in f]
        self.assertEqual(r["line"], 2)
        self.assertIn("rejected by the server", r["error"])
        self.assertEqual(r["event"]["properties"]["totalprice"], "thirty-five")

    def slow_import(self, n, *args, delay_ms=150, batches=40):
        """Start importing n lines against a collector that answers each of the
        first `batches` requests after delay_ms; returns (process, path)."""
        path = self.write("slow.jsonl", "".join(
            json.dumps({"type": "track", "userId": "u%d" % i, "event": "slow"}) + "\n" for i in range(n)))
        self.c.request("POST", "/micro/fault", {"delayMs": delay_ms, "count": batches})
        return subprocess.Popen(WRAPPER + [CLI, "import", path, "--max-batch-events", "50", "--max-queue-size", "100",
                                           *args], env=self.env(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE), path

    def test_progress_lines_when_not_a_terminal(self):
        p, _ = self.slow_import(1000, "--progress-interval", "0.2")
        out, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 0, err)
        lines = [line for line in err.decode().splitlines() if line.startswith("spoor import: ")]
        self.assertGreaterEqual(len(lines), 2, err)
        self.assertRegex(lines[0], r"^spoor import: \d+%, [\d,]+ lines in \d+ s \([\d,]+ lines/s, about .+ left\); "
                                   r"sent [\d,]+, rejected 0, failed 0$")
        self.assertNotIn("\r", err.decode())

    def test_a_progress_bar_on_a_terminal(self):
        master, slave = pty.openpty()
        path = self.write("tty.jsonl", "".join(
            json.dumps({"type": "track", "userId": "u%d" % i, "event": "tty"}) + "\n" for i in range(600)))
        self.c.request("POST", "/micro/fault", {"delayMs": 150, "count": 12})
        p = subprocess.Popen(WRAPPER + [CLI, "import", path, "--max-batch-events", "50", "--max-queue-size", "100"],
                             env=self.env(), stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        shown = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the command closed its end
                break
            if not chunk:
                break
            shown += chunk
        p.wait(timeout=60)
        os.close(master)
        self.assertEqual(p.returncode, 0, shown)
        self.assertRegex(shown.decode(), r"\r *\d+% \[#*\.*\] [\d,]+ lines [\d,]+/s .* left \| sent [\d,]+")
        self.assertTrue(shown.endswith(b"\r\x1b[K"), shown[-80:])  # the bar is taken off at the end

    def test_metrics_while_it_runs(self):
        p, _ = self.slow_import(1000, "--metrics-port", "0", "--quiet")
        line = p.stderr.readline().decode()
        m = re.match(r"spoor import: metrics at (http://127\.0\.0\.1:\d+/metrics)$", line.strip())
        self.assertTrue(m, line)
        time.sleep(0.5)
        with urllib.request.urlopen(m.group(1), timeout=10) as r:
            self.assertTrue(r.headers["Content-Type"].startswith("text/plain; version=0.0.4"))
            text = r.read().decode()
        p.communicate(timeout=60)
        self.assertEqual(p.returncode, 0)
        samples = dict(line.split(" ") for line in text.splitlines() if not line.startswith("#"))
        self.assertGreater(float(samples["spoor_import_lines_read_total"]), 0)
        self.assertLess(float(samples["spoor_client_delivered_total"]), 1000)  # it was still running
        self.assertIn("# TYPE spoor_client_queued gauge", text)
        self.assertEqual(float(samples["spoor_import_input_bytes"]), os.path.getsize(self.path("slow.jsonl")))
        for name in samples:  # every metric is documented, and every documented one is served
            self.assertIn("`%s`" % name, DOC, name)
        section = DOC.split("\n## Metrics\n", 1)[1].split("\n## ", 1)[0]
        rows = dict(re.findall(r"^\| `(spoor_[a-z_]+)` \| \w+ \| (.*) \|$", section, re.M))
        self.assertEqual(set(rows), set(samples))
        helps = dict(re.findall(r"^# HELP (\S+) (.*)$", text, re.M))
        for name in samples:  # the client's counters say what the core's list says, word for word
            if name.startswith("spoor_client_"):
                self.assertEqual(helps[name], rows[name], name)


with open(os.path.join(ROOT, "docs", "cli.md")) as _f:
    DOC = _f.read()


class Resume(CliTest):
    """An import with a spool, interrupted (kill -9, SIGINT) and run again until
    it finishes: every valid line is stored once, none is lost, and what was sent
    again is bounded by one batch per interruption (the batch in flight, whose
    answer never arrived; it carries the same eventIds, so it is stored once)."""
    LINES = 20000
    BATCH = 200

    def make_input(self):
        rows = []
        for i in range(1, self.LINES + 1):
            if i % 997 == 0:
                rows.append(json.dumps({"type": "track", "userId": "u%d" % i}))  # invalid: no event
            elif i % 13 == 0:
                rows.append(json.dumps({"type": "track", "userId": "u%d" % i, "event": "own", "eventId": "own-%d" % i}))
            else:
                rows.append(json.dumps({"type": "track", "userId": "u%d" % i, "event": "e", "properties": {"i": i}}))
        path = self.write("big.jsonl", "\n".join(rows) + "\n")
        sha = file_sha256(path)
        want = set()
        for i in range(1, self.LINES + 1):
            if i % 997:
                want.add("own-%d" % i if i % 13 == 0 else derived_id(sha, "jsonl", "", i))
        return path, want

    def command(self, path):
        return WRAPPER + [CLI, "import", path, "--spool", self.path("spool"), "--rejects", self.path("rejects.jsonl"),
                          "--max-batch-events", str(self.BATCH), "--errors", "0", "--quiet"]

    def wait_begun(self):
        """Until the import has saved its state with a chunk open (it reads, its signals are set)."""
        state = self.path("spool/import-state")
        deadline = time.monotonic() + 60
        while not (os.path.exists(state) and "\npending 1000\n" in open(state).read()):
            self.assertLess(time.monotonic(), deadline, "the import never saved its state")
            time.sleep(0.01)

    def check_arrived(self, want, interruptions, final_out):
        events = self.good()
        ids = [e["eventId"] for e in events]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertEqual(set(ids), want)
        counts = self.counts()
        self.assertEqual(counts["bad"], 0)
        self.assertLessEqual(counts["duplicates"], interruptions * self.BATCH, counts)
        with open(self.path("rejects.jsonl")) as f:
            rejected = [json.loads(line)["line"] for line in f]
        self.assertEqual(rejected, [i for i in range(1, self.LINES + 1) if i % 997 == 0])
        self.assertIn("done", final_out)
        if "resumed" in final_out:  # the exit code and the totals are the whole import's
            self.assertRegex(final_out, r"rejected .*; %d in the whole import" % len(rejected))
        return counts

    def test_kill_9_at_random_points(self):
        path, want = self.make_input()
        seed = int(os.environ.get("SPOOR_CLI_SEED") or random.randrange(1 << 30))
        rng = random.Random(seed)
        # How long a whole run takes here (into another spool), so the kills fall inside runs.
        t0 = time.monotonic()
        rc, _, err = self.run_cli("import", path, "--spool", self.path("calibrate"), "--quiet", "--errors", "0",
                                  "--max-batch-events", str(self.BATCH))
        whole = time.monotonic() - t0
        self.assertEqual(rc, 65, err)
        self.c.reset()
        kills, runs, resumed = 0, 0, 0
        while True:
            runs += 1
            self.assertLess(runs, 200, "the import never finished")
            p = subprocess.Popen(self.command(path), env=self.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            try:
                # Kills anywhere in a run: at its start (the replay, the first saves), in the middle, late.
                out, err = p.communicate(timeout=rng.uniform(0.003, whole / 8) if kills < 10 else 300)
            except subprocess.TimeoutExpired:
                p.kill()  # SIGKILL
                p.communicate()
                kills += 1
                continue
            out, err = out.decode(), err.decode()
            if "imported completely" in err:  # the last kill came after it had finished
                self.assertEqual(p.returncode, 0, err)
                out = "done"
            else:
                self.assertEqual(p.returncode, 65, err)  # the invalid lines, of the whole import
                resumed += "resumed" in out
            break
        counts = self.check_arrived(want, kills, out)
        print("\nkill -9 (seed %d): a whole run %.2f s, %d kills, %d runs; collector: %s"
              % (seed, whole, kills, runs, counts), file=sys.stderr)
        self.assertGreaterEqual(kills, 5)
        # Run again: it knows it is done.
        rc, _, err = self.run_cli(*self.command(path)[len(WRAPPER) + 1:])
        self.assertEqual(rc, 0)
        self.assertIn("imported completely with this spool before; nothing to do", err)

    def test_one_kill_resends_at_most_the_batch_in_flight(self):
        path, want = self.make_input()
        for fraction in (0.2, 0.5, 0.8):
            self.c.reset()
            shutil.rmtree(self.path("spool"), ignore_errors=True)
            os.unlink(self.path("rejects.jsonl")) if os.path.exists(self.path("rejects.jsonl")) else None
            t0 = time.monotonic()
            rc, _, _ = self.run_cli(*self.command(path)[len(WRAPPER) + 1:])
            whole = time.monotonic() - t0
            self.c.reset()
            shutil.rmtree(self.path("spool"))
            os.unlink(self.path("rejects.jsonl"))
            p = subprocess.Popen(self.command(path), env=self.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            time.sleep(whole * fraction)
            p.kill()
            p.communicate()
            rc, out, err = self.run_cli(*self.command(path)[len(WRAPPER) + 1:])
            if "nothing to do" in err:
                continue
            self.assertEqual(rc, 65, err)
            counts = self.check_arrived(want, 1, out)
            self.assertLessEqual(counts["duplicates"], self.BATCH)

    def test_ctrl_c_then_resume(self):
        path, want = self.make_input()
        self.c.request("POST", "/micro/fault", {"delayMs": 100, "count": 10})  # slow enough to interrupt
        p = subprocess.Popen(self.command(path), env=self.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.wait_begun()
        time.sleep(0.2)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 130, err)
        self.assertIn("interrupted", out.decode())
        self.assertRegex(out.decode(), r"kept +\d+ events in the spool .*: run the same command to resume")
        rc, out, err = self.run_cli(*self.command(path)[len(WRAPPER) + 1:])
        self.assertEqual(rc, 65, err)
        self.assertIn("resumed  at line", out)
        self.check_arrived(want, 1, out)

    def test_a_changed_file_or_other_options_are_refused(self):
        path, _ = self.make_input()
        self.c.request("POST", "/micro/fault", {"delayMs": 300, "count": 50})  # it cannot finish meanwhile
        p = subprocess.Popen(self.command(path), env=self.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.wait_begun()
        p.kill()
        p.communicate()
        rc, _, err = self.run_cli("import", path, "--spool", self.path("spool"), "--type", "track")
        self.assertEqual(rc, 78)
        self.assertIn("used --format jsonl: resume it with the same options", err)
        other = self.write("other.jsonl", "{}\n")
        rc, _, err = self.run_cli("import", other, "--spool", self.path("spool"))
        self.assertEqual(rc, 78)
        self.assertIn("holds an unfinished import of %s (stopped at line" % os.path.realpath(path), err)
        with open(path, "a") as f:
            f.write(json.dumps({"type": "track", "userId": "late", "event": "x"}) + "\n")
        rc, _, err = self.run_cli(*self.command(path)[len(WRAPPER) + 1:])
        self.assertEqual(rc, 78, err)
        self.assertIn("not that file (its content differs)", err)


class Smoke(CliTest):
    """The main paths in one test, short enough to run under valgrind."""

    def test_main_paths(self):
        rc, _, err = self.run_cli("track", "event=smoke", "userId=u1", "properties.n:=1")
        self.assertEqual(rc, 0, err)
        rc, _, _ = self.run_cli("track", "userId=u1")
        self.assertEqual(rc, 65)
        path = self.write("s.csv", "event,userId,properties.n:number\na,u1,1\nb,u2,x\nc,u3,3\n")
        rc, out, err = self.run_cli("import", path, "--type", "track", "--spool", self.path("sp"), "--rejects",
                                    self.path("r.jsonl"), "--metrics-port", "0", "--progress", "lines")
        self.assertEqual(rc, 65, err)
        self.assertEqual(summary_numbers(out), {"read": 3, "sent": 2, "rejected": 1, "failed": 0})
        self.assertEqual(self.counts()["good"], 3)


if __name__ == "__main__":
    unittest.main(verbosity=2)
