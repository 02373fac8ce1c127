"""The /micro routes: counts, filters, limit, request log, reset, unknown routes."""
from urllib.parse import quote

from harness import CollectorTest, event, main


class Micro(CollectorTest):
    def load(self):
        self.events = [
            event(userId="ann", eventName="purchase"),
            event(userId="bob", eventName="purchase"),
            event(type="identify", eventName=None, userId="ann", traits={"plan": "pro"}),
            event(userId="ann", eventName="refund"),
            event(type="page", eventName="home page", userId="bob"),
        ]
        self.bad = [event(userId=None, eventName="purchase"), event(type="track", eventName=None, userId="ann")]
        r = self.c.post_batch(self.events[:3] + self.bad)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.c.post_batch(self.events[3:]).status, 200)

    def ids(self, path):
        rows = self.c.get(path)
        return [(r["event"] if "event" in r and "error" in r else r)["eventId"] for r in rows]

    def test_all_counts(self):
        self.load()
        self.c.post_batch(self.events[:1])
        self.assertEqual(self.c.get("/micro/all"), {"total": 8, "good": 5, "bad": 2, "duplicates": 1})

    def test_good_in_arrival_order_with_filters(self):
        self.load()
        e = self.events
        self.assertEqual(self.ids("/micro/good"), [x["eventId"] for x in e])
        self.assertEqual(self.ids("/micro/good?type=track"), [e[0]["eventId"], e[1]["eventId"], e[3]["eventId"]])
        self.assertEqual(self.ids("/micro/good?eventName=purchase"), [e[0]["eventId"], e[1]["eventId"]])
        self.assertEqual(self.ids("/micro/good?eventName=" + quote("home page")), [e[4]["eventId"]])
        self.assertEqual(self.ids("/micro/good?userId=ann"), [e[0]["eventId"], e[2]["eventId"], e[3]["eventId"]])
        self.assertEqual(self.ids("/micro/good?userId=ann&type=track&eventName=refund"), [e[3]["eventId"]])
        self.assertEqual(self.ids("/micro/good?userId=nobody"), [])

    def test_limit_keeps_the_latest(self):
        self.load()
        e = self.events
        self.assertEqual(self.ids("/micro/good?limit=2"), [e[3]["eventId"], e[4]["eventId"]])
        self.assertEqual(self.ids("/micro/good?limit=0"), [])
        self.assertEqual(self.ids("/micro/good?userId=ann&limit=1"), [e[3]["eventId"]])
        self.assertEqual(self.c.request("GET", "/micro/good?limit=-1").status, 400)
        self.assertEqual(self.c.request("GET", "/micro/good?limit=many").status, 400)

    def test_bad_with_filters(self):
        self.load()
        bad = self.c.get("/micro/bad")
        self.assertEqual([b["event"] for b in bad], self.bad)
        self.assertTrue(bad[0]["error"].startswith("userId:"))
        self.assertTrue(bad[1]["error"].startswith("eventName:"))
        self.assertEqual(self.ids("/micro/bad?userId=ann"), [self.bad[1]["eventId"]])
        self.assertEqual(self.ids("/micro/bad?eventName=purchase"), [self.bad[0]["eventId"]])
        self.assertEqual(self.ids("/micro/bad?limit=1"), [self.bad[1]["eventId"]])

    def test_requests_log(self):
        for n in (1, 2, 3):
            self.c.post_batch([event() for _ in range(n)])
        reqs = self.c.get("/micro/requests")
        self.assertEqual([r["events"] for r in reqs], [1, 2, 3])
        self.assertEqual([r["events"] for r in self.c.get("/micro/requests?limit=2")], [2, 3])
        self.assertEqual(reqs[0]["headers"]["content-type"], "application/json")

    def test_reset_clears_everything(self):
        self.load()
        self.c.request("POST", "/micro/fault", {"status": 500, "count": 3})
        r = self.c.request("POST", "/micro/reset")
        self.assertEqual(r.status, 200)
        self.assertEqual(self.c.get("/micro/all"), {"total": 0, "good": 0, "bad": 0, "duplicates": 0})
        self.assertEqual(self.c.get("/micro/good"), [])
        self.assertEqual(self.c.get("/micro/bad"), [])
        self.assertEqual(self.c.get("/micro/requests"), [])
        self.assertEqual(self.c.get("/micro/fault"), [])
        # dedup memory went with the store: the same events are new again
        self.assertEqual(self.c.post_batch(self.events).json()["accepted"], 5)

    def test_unknown_routes_and_methods(self):
        self.assertEqual(self.c.request("GET", "/nope").status, 404)
        self.assertEqual(self.c.request("GET", "/micro/nope").status, 404)
        self.assertEqual(self.c.request("GET", "/v1/batch").status, 405)
        self.assertEqual(self.c.request("GET", "/micro/reset").status, 405)
        self.assertEqual(self.c.request("POST", "/micro/all").status, 405)
        self.assertEqual(self.c.get("/health"), {"status": "ok"})

    def test_banner(self):
        self.assertEqual(self.c.banner, "spoor-collector listening on http://127.0.0.1:%d" % self.c.port)


if __name__ == "__main__":
    main()
