"""SQLite persistence across a restart, and a clean stop on SIGTERM/SIGINT."""
import json
import os
import shutil
import signal
import sqlite3
import tempfile
import threading
import time
import unittest

from harness import Collector, event, main, segment_message


class Lifecycle(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="spoor-collector-db-")
        self.db = os.path.join(self.dir, "events.db")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def start(self):
        return Collector("--db", self.db, workdir=self.dir)

    def test_persists_across_restart(self):
        first, bad = [event(), event()], event(userId=None)
        with self.start() as c:
            self.assertEqual(c.post_batch(first + [bad]).json()["accepted"], 2)
            self.assertEqual(c.stop(), 0)
        with self.start() as c:
            self.assertEqual(c.get("/micro/good"), first)
            self.assertEqual([b["event"] for b in c.get("/micro/bad")], [bad])
            # eventIds stored before the restart still deduplicate
            later = event()
            r = c.post_batch([first[0], later]).json()
            self.assertEqual((r["accepted"], r["duplicates"]), (1, 1))
            self.assertEqual(c.get("/micro/good"), first + [later])
            self.assertEqual(c.stop(), 0)

    def test_database_from_before_the_format_column(self):
        # The tables as an older collector made them, with one event of each kind.
        old, bad = event(), event(userId=None)
        db = sqlite3.connect(self.db)
        cols = ("eventId TEXT, type TEXT, eventName TEXT, userId TEXT, anonymousId TEXT, profileId TEXT,"
                " timestamp TEXT, received_at TEXT NOT NULL")
        db.executescript("CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, %s, json TEXT NOT NULL);"
                         "CREATE TABLE rejected (seq INTEGER PRIMARY KEY AUTOINCREMENT, %s, error TEXT NOT NULL,"
                         " json TEXT NOT NULL);" % (cols, cols))
        db.execute("INSERT INTO events (eventId, received_at, json) VALUES (?, 'then', ?)",
                   (old["eventId"], json.dumps(old)))
        db.execute("INSERT INTO rejected (eventId, received_at, error, json) VALUES (?, 'then', 'userId: x', ?)",
                   (bad["eventId"], json.dumps(bad)))
        db.commit()
        db.close()
        with self.start() as c:
            self.assertEqual(c.get("/micro/good?format=spoor"), [old])
            self.assertEqual(c.get("/micro/bad"), [{"event": bad, "error": "userId: x", "format": "spoor"}])
            m = segment_message()
            self.assertEqual(c.post_segment([m]).json()["accepted"], 1)
            self.assertEqual(c.get("/micro/good?format=segment"), [m])
            self.assertEqual(c.stop(), 0)

    def test_sigterm_finishes_in_flight_and_closes_sqlite(self):
        with self.start() as c:
            c.request("POST", "/micro/fault", {"delayMs": 800, "count": 1})
            slow_event, result = event(), {}
            t = threading.Thread(target=lambda: result.update(r=c.post_batch([slow_event])))
            t.start()
            time.sleep(0.3)  # the request is inside its delay now
            t0 = time.monotonic()
            self.assertEqual(c.stop(signal.SIGTERM), 0)
            self.assertLess(time.monotonic() - t0, 5)
            t.join(5)
            # the in-flight request got its answer, and what was acknowledged is on disk
            self.assertEqual(result["r"].status, 200, result)
            self.assertIn("stopped", c.stderr())
        # the WAL was checkpointed into the database file: it alone holds everything
        self.assertFalse(os.path.exists(self.db + "-wal") and os.path.getsize(self.db + "-wal") > 0)
        con = sqlite3.connect(self.db)
        rows = con.execute("SELECT eventId, type, eventName, userId, json FROM events").fetchall()
        con.close()
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0][:4], (slow_event["eventId"], "track", "purchase", "user-1"))

    def test_sigint_exits_zero(self):
        with self.start() as c:
            c.post_batch([event()])
            self.assertEqual(c.stop(signal.SIGINT), 0)
        con = sqlite3.connect(self.db)
        self.assertEqual(con.execute("SELECT count(*) FROM events").fetchone()[0], 1)
        con.close()

    def test_refuses_bad_options(self):
        for args in (("--port", "70000"), ("--db", "x", "--clickhouse", "http://127.0.0.1:1"),
                     ("--basic", "nocolon"), ("--max-body", "0")):
            with self.assertRaises(RuntimeError):
                Collector(*args, workdir=self.dir)


if __name__ == "__main__":
    main()
