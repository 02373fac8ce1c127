"""The collector as a schema registry (--schemas FILE): sources with their
collections served read-only, and record events checked against them, a type
mismatch refused with the field and the source named."""
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from harness import BINARY, Collector, CollectorTest, event, main

SHOP_KEY, CRM_KEY, PLAIN_KEY = "shop-key", "crm-key", "plain-key"
REGISTRY = {"sources": [
    {"id": "shop-server", "name": "Shop server", "org": "acme", "project": "web", "apiKeys": [SHOP_KEY],
     "collections": {"purchase": {"totalprice": "number", "ispaid": "boolean", "items": "array",
                                  "placed": "timestamp", "buyer": "object", "note": "string"}}},
    {"id": "crm", "org": "acme", "project": "web", "apiKeys": [CRM_KEY],
     "collections": {"purchase": {"totalprice": "string"}, "signup": {"plan": "string"}}},
    {"id": "etl", "org": "acme", "project": "warehouse", "collections": {}},
]}


SCRATCH = tempfile.mkdtemp(prefix="spoor-registry-")
FILE_NUMBERS = itertools.count()


def tearDownModule():
    shutil.rmtree(SCRATCH, ignore_errors=True)


def write_file(content, mode=0o600):
    path = os.path.join(SCRATCH, "schemas-%d.json" % next(FILE_NUMBERS))
    with open(path, "w") as f:
        f.write(content if isinstance(content, str) else json.dumps(content))
    os.chmod(path, mode)
    return path


def record(collection, **properties):
    return event(type="record", eventName=collection, properties=properties)


class Registry(CollectorTest):
    @classmethod
    def setUpClass(cls):
        cls.ARGS = ("--api-key", PLAIN_KEY, "--admin-key", "admin", "--schemas", write_file(REGISTRY))
        super().setUpClass()

    def get(self, path, key=PLAIN_KEY):
        return self.c.request("GET", path, headers={"X-API-Key": key} if key else {})

    def post(self, events, key):
        return self.c.post_batch(events, headers={"X-API-Key": key}).json()

    def test_sources_of_a_project(self):
        r = self.get("/v1/orgs/acme/projects/web/sources")
        self.assertEqual(r.status, 200, r)
        shop, crm = REGISTRY["sources"][0], REGISTRY["sources"][1]
        self.assertEqual(r.json(), {"org": "acme", "project": "web", "sources": [
            {"id": "shop-server", "name": "Shop server", "collections": shop["collections"]},
            {"id": "crm", "name": "crm", "collections": crm["collections"]}]})
        self.assertEqual(self.get("/v1/orgs/acme/projects/warehouse/sources").json()["sources"],
                         [{"id": "etl", "name": "etl", "collections": {}}])
        for path in ("/v1/orgs/acme/projects/mobile/sources", "/v1/orgs/other/projects/web/sources"):
            self.assertEqual(self.get(path).status, 404, path)
        self.assertEqual(self.get("/v1/orgs/acme/projects/web").status, 404)

    def test_collections_of_a_source(self):
        r = self.get("/v1/sources/crm/collections")
        self.assertEqual(r.json(), {"source": "crm", "collections": REGISTRY["sources"][1]["collections"]})
        # The answer's collections are the client's collection_schemas, key order kept.
        self.assertIn(b'"collections":{"purchase":{"totalprice":"number","ispaid":"boolean","items":"array"',
                      self.get("/v1/sources/shop-server/collections").body)
        r = self.get("/v1/sources/nope/collections")
        self.assertEqual((r.status, r.json()["error"]), (404, "source nope: no such source"))
        self.assertEqual(self.get("/v1/sources/shop%2Dserver/collections").status, 200, "the path is URL-decoded")

    def test_api_keys_are_never_served(self):
        for path in ("/v1/orgs/acme/projects/web/sources", "/v1/sources/shop-server/collections"):
            body = self.get(path).body.decode()
            self.assertNotIn(SHOP_KEY, body)
            self.assertNotIn("apiKeys", body)

    def test_authenticated_like_batch(self):
        path = "/v1/sources/crm/collections"
        self.assertEqual(self.get(path, key=None).status, 401)
        self.assertEqual(self.get(path, key="wrong").status, 403)
        for key in (PLAIN_KEY, SHOP_KEY, CRM_KEY):
            self.assertEqual(self.get(path, key=key).status, 200, key)
        self.assertEqual(self.c.request("GET", path, headers={"Authorization": "Bearer " + CRM_KEY}).status, 200)
        self.assertEqual(self.c.request("POST", path, body="{}", headers={"X-API-Key": CRM_KEY}).status, 405)

    def test_a_mismatch_is_a_bad_event_naming_field_and_source(self):
        ok = record("purchase", totalprice=35, ispaid=True, items=[{"price": 20}], placed="2026-11-23T10:00:00Z",
                    buyer={"id": 1}, note="x", undeclared="anything")
        cases = [
            (record("purchase", totalprice="35"), "properties.totalprice: must be of type number"),
            (record("purchase", ispaid="yes"), "properties.ispaid: must be of type boolean"),
            (record("purchase", items={}), "properties.items: must be of type array"),
            (record("purchase", placed="yesterday"), "properties.placed: must be of type timestamp"),
            (record("purchase", buyer=[1]), "properties.buyer: must be of type object"),
            (record("purchase", note=1), "properties.note: must be of type string"),
        ]
        r = self.post([ok] + [e for e, _ in cases], SHOP_KEY)
        self.assertEqual(r["accepted"], 1)
        self.assertEqual([x["error"] for x in r["rejected"]],
                         [m + " (collection purchase of source shop-server)" for _, m in cases])
        self.assertEqual([b["event"] for b in self.c.get("/micro/bad")], [e for e, _ in cases])
        self.assertEqual(self.c.get("/micro/good"), [ok])

    def test_the_key_ties_a_request_to_its_source(self):
        as_number, as_string = record("purchase", totalprice=35), record("purchase", totalprice="35")
        r = self.post([as_number, as_string], CRM_KEY)
        self.assertEqual([x["eventId"] for x in r["rejected"]], [as_number["eventId"]])
        self.assertEqual(r["rejected"][0]["error"],
                         "properties.totalprice: must be of type string (collection purchase of source crm)")
        r = self.post([as_number, as_string], SHOP_KEY)
        self.assertEqual([x["eventId"] for x in r["rejected"]], [as_string["eventId"]])

    def test_a_key_of_no_source_meets_every_source_that_has_the_collection(self):
        r = self.post([record("purchase", totalprice=35), record("purchase", totalprice="35"),
                       record("signup", plan="pro"), record("signup", plan=1)], PLAIN_KEY)
        self.assertEqual(r["accepted"], 1)
        self.assertEqual([x["error"] for x in r["rejected"]], [
            "properties.totalprice: must be of type string (collection purchase of source crm)",
            "properties.totalprice: must be of type number (collection purchase of source shop-server)",
            "properties.plan: must be of type string (collection signup of source crm)"])

    def test_only_record_events_and_known_collections_are_checked(self):
        r = self.post([event(properties={"totalprice": "35"}), event(eventName="purchase", properties={"totalprice": "x"}),
                       record("refund", totalprice="35"), record("purchase", totalprice=None)], SHOP_KEY)
        self.assertEqual((r["accepted"], r["rejected"]), (4, []))


class RegistryFile(unittest.TestCase):
    def start_fails(self, content, mode=0o600):
        path = write_file(content, mode)
        p = subprocess.run([BINARY, "--port", "0", "--schemas", path], capture_output=True, text=True, timeout=10)
        self.assertEqual(p.returncode, 2, p)
        return p.stderr.strip()

    def source(self, **fields):
        s = {"id": "s", "org": "o", "project": "p", "collections": {}}
        s.update(fields)
        return {"sources": [{k: v for k, v in s.items() if v is not None}]}

    def test_bad_files_refused_at_start_naming_the_place(self):
        cases = [
            ("{", "--schemas"),
            (self.source(collection={}), "--schemas: sources[0].collection: unknown key (id, name, org, project, apiKeys, collections)"),
            (self.source(id=None), "--schemas: sources[0].id: must be a non-empty string without \"/\""),
            (self.source(id="a/b"), "--schemas: sources[0].id: must be a non-empty string without \"/\""),
            (self.source(org=""), "--schemas: sources[0].org: must be a non-empty string without \"/\""),
            (self.source(project=None), "--schemas: sources[0].project: must be a non-empty string without \"/\""),
            (self.source(name=3), "--schemas: sources[0].name: must be a string"),
            (self.source(apiKeys="k"), "--schemas: sources[0].apiKeys: must be an array of strings"),
            (self.source(apiKeys=["a\nb"]), "--schemas: sources[0].apiKeys[0]: must not contain control characters"),
            (self.source(collections={"c": {"f": "integer"}}),
             "--schemas: sources[0].collections (source s): collection_schemas.c.f: type must be string, number, "
             "boolean, timestamp, object or array"),
            ({"sources": [], "extra": 1}, "--schemas: the registry form holds \"sources\" and nothing else"),
            ({"sources": [self.source()["sources"][0], self.source()["sources"][0]]},
             "--schemas: sources[1].id: s is given twice"),
            ({"sources": [self.source(apiKeys=["k"])["sources"][0], self.source(id="t", apiKeys=["k"])["sources"][0]]},
             "--schemas: sources[1].apiKeys[0]: already a key of source s"),
            ({"orders": {"total": "int"}}, "--schemas: collection_schemas.orders.total: type must be"),
        ]
        for content, message in cases:
            self.assertTrue(self.start_fails(content).startswith("spoor-collector: " + message), (content, message))

    def test_keys_in_a_file_others_can_read_warn(self):
        path = write_file(self.source(apiKeys=["k"]), 0o644)
        with Collector("--schemas", path) as c:
            self.assertIn("holds api keys and can be read by other users", c.stderr())
            # Its keys are the collector's credentials now.
            self.assertEqual(c.post_batch([event()]).status, 401)
            self.assertEqual(c.post_batch([event()], headers={"X-API-Key": "k"}).status, 200)
        path = write_file(self.source(), 0o644)
        with Collector("--schemas", path) as c:
            self.assertNotIn("warning", c.stderr())
            self.assertEqual(c.post_batch([event()]).status, 200, "no key anywhere: none asked")

    def test_without_a_registry(self):
        with Collector() as c:
            r = c.request("GET", "/v1/sources/x/collections")
            self.assertEqual(r.status, 404)
            self.assertIn("--schemas", r.json()["error"])
        flat = write_file({"orders": {"total": "number"}})
        with Collector("--schemas", flat) as c:
            self.assertEqual(c.request("GET", "/v1/orgs/o/projects/p/sources").status, 404)
            r = c.post_batch([record("orders", total="12")]).json()
            self.assertEqual(r["rejected"][0]["error"], "properties.total: must be of type number (collection orders)")


if __name__ == "__main__":
    main()
