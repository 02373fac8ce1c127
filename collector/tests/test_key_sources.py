"""Credentials from files and the environment, so that they need not be on the
command line, where every user of the machine can read them (ps)."""
import base64
import os
import shutil
import subprocess
import tempfile
import unittest

from harness import BINARY, Collector, event, main


class KeySources(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="spoor-collector-keys-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def file(self, name, text, mode=0o600):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def start(self, *args, env=None):
        c = Collector(*args, quiet=True, env=env)
        self.addCleanup(c.cleanup)
        return c

    def status(self, c, key, **kw):
        return c.post_batch([event()], headers={"X-API-Key": key}, **kw).status

    def cmdline(self, c):
        with open("/proc/%d/cmdline" % c.proc.pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode()

    def test_keys_and_secret_from_files(self):
        c = self.start("--api-key-file", self.file("keys", "file-key-1\n\nfile-key-2\r\n"),
                       "--secret-file", self.file("secret", "file-secret\n"),
                       "--admin-key-file", self.file("admin", "file-admin"))
        self.assertNotIn("file-key-1", self.cmdline(c))
        self.assertEqual(self.status(c, "file-key-1", secret="file-secret"), 200)
        self.assertEqual(self.status(c, "file-key-2", secret="file-secret"), 200)
        self.assertEqual(self.status(c, "file-key-2", secret="other"), 401)
        self.assertEqual(self.status(c, "other", secret="file-secret"), 403)
        self.assertEqual(c.request("GET", "/micro/all", headers={"X-API-Key": "file-admin"},
                                   micro_auth=False).status, 200)
        self.assertEqual(c.request("GET", "/micro/all", headers={"X-API-Key": "file-key-1"},
                                   micro_auth=False).status, 403)
        self.assertEqual(c.stop(), 0)
        self.assertNotIn("warning", c.stderr())

    def test_basic_from_a_file(self):
        c = self.start("--basic-file", self.file("basic", "ann:pw\n"))
        token = base64.b64encode(b"ann:pw").decode()
        self.assertEqual(c.post_batch([event()], headers={"Authorization": "Basic " + token}).status, 200)

    def test_from_the_environment(self):
        env = {"SPOOR_COLLECTOR_API_KEY": "env-key", "SPOOR_COLLECTOR_SECRET": "env-secret",
               "SPOOR_COLLECTOR_ADMIN_KEY": "env-admin"}
        c = self.start(env=env)
        self.assertNotIn("env-key", self.cmdline(c))
        self.assertEqual(self.status(c, "env-key", secret="env-secret"), 200)
        self.assertEqual(self.status(c, "env-key", secret="other"), 401)
        self.assertEqual(c.request("GET", "/micro/all", headers={"X-API-Key": "env-admin"},
                                   micro_auth=False).status, 200)

    def test_the_command_line_wins_over_the_environment(self):
        env = {"SPOOR_COLLECTOR_API_KEY": "env-key", "SPOOR_COLLECTOR_SECRET": "env-secret"}
        c = self.start("--api-key-file", self.file("keys", "file-key\n"), env=env)
        self.assertEqual(self.status(c, "file-key", secret="env-secret"), 200)  # no secret option: env's
        self.assertEqual(self.status(c, "env-key", secret="env-secret"), 403)   # api key given: env ignored
        c = self.start("--api-key", "arg-key", "--secret", "arg-secret", env=env)
        self.assertEqual(self.status(c, "arg-key", secret="arg-secret"), 200)
        self.assertEqual(self.status(c, "arg-key", secret="env-secret"), 401)

    def test_bad_sources_refused_at_start(self):
        missing = os.path.join(self.dir, "missing")
        cases = [
            (("--secret-file", missing), "--secret-file: cannot open " + missing),
            (("--api-key-file", self.file("empty", "\n\n")), "is empty"),
            (("--secret-file", self.file("two", "a\nb\n")), "must hold one line"),
            (("--secret-file", self.dir), "is not a regular file"),
            (("--basic-file", self.file("nocolon", "ann\n")), "--basic-file: expects USER:PASS"),
            (("--api-key", "bad\x01key"), "--api-key: must not contain control characters"),
        ]
        for args, message in cases:
            r = subprocess.run([BINARY, "--port", "0", *args], capture_output=True, timeout=10)
            self.assertEqual(r.returncode, 2, (args, r))
            self.assertIn(message, r.stderr.decode(), args)
        r = subprocess.run([BINARY, "--port", "0"], capture_output=True, timeout=10,
                           env=dict(os.environ, SPOOR_COLLECTOR_BASIC="no-colon"))
        self.assertEqual(r.returncode, 2, r)
        self.assertIn("SPOOR_COLLECTOR_BASIC: expects USER:PASS", r.stderr.decode())

    def test_warns_when_others_can_read_the_file(self):
        path = self.file("open", "k\n", mode=0o644)
        c = self.start("--api-key-file", path)
        self.assertEqual(c.stop(), 0)
        self.assertIn("--api-key-file: %s can be read by other users" % path, c.stderr())


if __name__ == "__main__":
    main()
