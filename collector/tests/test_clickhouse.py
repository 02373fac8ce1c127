"""The ClickHouse store: a private clickhouse-server on loopback ports in a temp
dir, the collector pointed at it with --clickhouse. Skipped (exit 77) only when
clickhouse-server is not installed."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

from harness import Collector, event, main, segment_message


def find_server():
    for path in (shutil.which("clickhouse-server"), "/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server"):
        if path and os.access(path, os.X_OK):
            return path
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CONFIG = """<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>{d}/log/server.log</log><errorlog>{d}/log/err.log</errorlog>
    <size>10M</size><count>1</count><console>0</console></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>{http}</http_port>
  <tcp_port>{tcp}</tcp_port>
  <path>{d}/data/</path>
  <tmp_path>{d}/tmp/</tmp_path>
  <user_files_path>{d}/user_files/</user_files_path>
  <format_schema_path>{d}/format_schemas/</format_schema_path>
  <users_config>{d}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <max_concurrent_queries>50</max_concurrent_queries>
  <timezone>UTC</timezone>
</yandex>
"""

USERS = """<?xml version="1.0"?>
<yandex>
  <profiles><default></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks>
    <profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
"""


class ClickHouseServer:
    def __init__(self, binary):
        self.dir = tempfile.mkdtemp(prefix="spoor-clickhouse-")
        for sub in ("log", "data", "tmp", "user_files", "format_schemas"):
            os.makedirs(os.path.join(self.dir, sub))
        self.http = free_port()
        with open(os.path.join(self.dir, "config.xml"), "w") as f:
            f.write(CONFIG.format(d=self.dir, http=self.http, tcp=free_port()))
        with open(os.path.join(self.dir, "users.xml"), "w") as f:
            f.write(USERS)
        self.out = open(os.path.join(self.dir, "stdout.log"), "wb")
        self.proc = subprocess.Popen([binary, "--config-file=" + os.path.join(self.dir, "config.xml")],
                                     cwd=self.dir, stdout=self.out, stderr=subprocess.STDOUT)
        self.url = "http://127.0.0.1:%d" % self.http
        deadline = time.monotonic() + 30
        while True:
            try:
                if self.query("SELECT 1").strip() == "1":
                    return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("clickhouse-server did not start")
            time.sleep(0.1)

    def query(self, sql):
        req = urllib.request.Request(self.url + "/", data=sql.encode(), method="POST")
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.read().decode()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.out.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class ClickHouse(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = ClickHouseServer(find_server())
        cls.c = Collector("--clickhouse", cls.server.url)

    @classmethod
    def tearDownClass(cls):
        try:
            assert cls.c.stop() == 0
            cls.c.cleanup()
        finally:
            cls.server.stop()

    def setUp(self):
        self.c.reset()

    def test_tables_are_replacing_merge_tree(self):
        engine = self.server.query("SELECT engine FROM system.tables WHERE name = 'spoor_events'")
        self.assertEqual(engine.strip(), "ReplacingMergeTree")

    def test_store_and_micro_queries(self):
        events = [event(userId="ann"), event(userId="bob", eventName="refund"),
                  event(type="identify", eventName=None, userId="ann", traits={"q": "it's \\ \"quoted\""})]
        bad = event(userId=None)
        r = self.c.post_batch(events + [bad])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["accepted"], 3)
        self.assertEqual(self.c.get("/micro/good"), events)
        self.assertEqual([b["event"] for b in self.c.get("/micro/bad")], [bad])
        self.assertTrue(self.c.get("/micro/bad")[0]["error"].startswith("userId:"))
        self.assertEqual(self.c.get("/micro/all"), {"total": 4, "good": 3, "bad": 1, "duplicates": 0})
        self.assertEqual(self.c.get("/micro/good?userId=ann"), [events[0], events[2]])
        self.assertEqual(self.c.get("/micro/good?type=track&eventName=refund"), [events[1]])
        self.assertEqual(self.c.get("/micro/good?userId=it's"), [])
        self.assertEqual(self.c.get("/micro/good?limit=1"), [events[2]])
        rows = self.server.query("SELECT eventId, userId FROM spoor_events FINAL ORDER BY seq FORMAT TabSeparated")
        self.assertEqual(rows.splitlines(), ["%s\t%s" % (e["eventId"], e["userId"]) for e in events])

    def test_segment_messages_beside_v1_events(self):
        v1, m, bad = event(), segment_message("screen", messageId=None), segment_message(event=None)
        self.assertEqual(self.c.post_batch([v1]).json()["accepted"], 1)
        r = self.c.post_segment([m, bad]).json()
        self.assertEqual((r["success"], r["accepted"], len(r["rejected"])), (True, 1, 1))
        self.assertEqual(self.c.get("/micro/good"), [v1, m])
        self.assertEqual(self.c.get("/micro/good?format=segment"), [m])
        self.assertEqual(self.c.get("/micro/good?format=spoor&type=track"), [v1])
        self.assertEqual(self.c.get("/micro/bad"), [{"event": bad, "error": "event: is required for track",
                                                     "format": "segment"}])
        ids = self.server.query("SELECT eventId FROM spoor_events FINAL WHERE format = 'segment' FORMAT TabSeparated")
        self.assertTrue(ids.startswith("collector-"), ids)

    def test_tables_from_before_the_format_column(self):
        old = event()
        self.server.query("CREATE DATABASE IF NOT EXISTS before")
        try:
            self.server.query(
                "CREATE TABLE before.spoor_events (seq UInt64, eventId String, type String, eventName String,"
                " userId String, anonymousId String, profileId String, timestamp String, received_at String,"
                " json String) ENGINE = ReplacingMergeTree ORDER BY eventId")
            self.server.query(
                "CREATE TABLE before.spoor_rejected (seq UInt64, eventId String, type String, eventName String,"
                " userId String, anonymousId String, profileId String, timestamp String, received_at String,"
                " error String, json String) ENGINE = MergeTree ORDER BY seq")
            self.server.query("INSERT INTO before.spoor_events (seq, eventId, json) VALUES (1, '%s', '%s')"
                              % (old["eventId"], json.dumps(old)))
            with Collector("--clickhouse", self.server.url + "/?database=before") as other:
                self.assertEqual(other.get("/micro/good?format=spoor"), [old])
                m = segment_message()
                self.assertEqual(other.post_segment([m]).json()["accepted"], 1)
                self.assertEqual(other.get("/micro/good?format=segment"), [m])
                self.assertEqual(other.stop(), 0)
        finally:
            self.server.query("DROP DATABASE IF EXISTS before")

    def test_dedup(self):
        a, b = event(), event()
        self.assertEqual(self.c.post_batch([a]).json()["accepted"], 1)
        r = self.c.post_batch([a, b, b]).json()
        self.assertEqual((r["accepted"], r["duplicates"]), (1, 2))
        self.assertEqual(self.c.get("/micro/good"), [a, b])
        self.assertEqual(self.server.query("SELECT count() FROM spoor_events").strip(), "2",
                         "duplicates are not even inserted")
        self.assertEqual(self.c.get("/micro/all")["duplicates"], 2)

    def test_dedup_survives_collector_restart(self):
        a = event()
        self.assertEqual(self.c.post_batch([a]).json()["accepted"], 1)
        with Collector("--clickhouse", self.server.url) as other:
            self.assertEqual(other.get("/micro/good"), [a])
            self.assertEqual(other.post_batch([a]).json()["duplicates"], 1)
            self.assertEqual(other.stop(), 0)

    def test_reset(self):
        self.c.post_batch([event(), event(userId=None)])
        self.c.reset()
        self.assertEqual(self.c.get("/micro/all"), {"total": 0, "good": 0, "bad": 0, "duplicates": 0})

    def test_store_down_answers_503_and_stores_nothing(self):
        with Collector("--clickhouse", self.server.url) as other:
            self.server.query("RENAME TABLE spoor_events TO spoor_events_away")
            try:
                r = other.post_batch([event()])
                self.assertEqual(r.status, 503, r)
                self.assertIn("clickhouse", r.json()["error"])
            finally:
                self.server.query("RENAME TABLE spoor_events_away TO spoor_events")
            self.assertEqual(other.stop(), 0)


if __name__ == "__main__":
    if not find_server():
        print("clickhouse-server is not installed: skipped")
        sys.exit(77)
    main()
