"""The spoor console script the package installs (docs/cli.md): the command's C
code compiled into this package's extension, run as a user runs it."""
from __future__ import annotations

import os
import subprocess
import sys
from typing import Dict, List, Tuple

import spoor
from conftest import API_KEY, SECRET, Collector


def spoor_command() -> List[str]:
    """The console script next to this interpreter (the venv's bin/)."""
    script = os.path.join(os.path.dirname(sys.executable), "spoor")
    assert os.access(script, os.X_OK), "pip install did not install the spoor command at %s" % script
    return [script]


def run(*args: str, env: Dict[str, str], stdin: bytes = b"") -> Tuple[int, str, str]:
    p = subprocess.run(spoor_command() + list(args), env=env, input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def environment(collector: Collector) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPOOR_")}
    env.update(SPOOR_HOST=collector.url, SPOOR_API_KEY=API_KEY, SPOOR_SECRET=SECRET)
    return env


def test_version_is_the_packages() -> None:
    rc, out, _ = run("--version", env=dict(os.environ))
    assert (rc, out.strip()) == (0, "spoor %s" % spoor.__version__)


def test_track_and_import_are_delivered(collector: Collector) -> None:
    env = environment(collector)
    rc, _, err = run("track", "event=from-python-script", "userId=u1", "properties.n:=1", env=env)
    assert rc == 0, err
    rc, out, err = run("import", "-", "--type", "track", env=env,
                       stdin=b'{"userId":"u2","event":"piped"}\n{"userId":""}\n')
    assert rc == 65, err  # the second line is invalid
    assert "rejected 1 line (invalid)" in out
    assert "line 2: message[0].event: must be a non-empty string" in err
    events = collector.good()
    assert sorted(e["eventName"] for e in events) == ["from-python-script", "piped"]
    assert {e["context"]["library"]["binding"] for e in events} == {"cli"}


def test_exit_codes_and_no_secret_printed(collector: Collector) -> None:
    env = environment(collector)
    rc, out, err = run("track", "event=x", "userId=u", "--api-key", "not-the-key-1234", env=env)
    assert rc == 69 and "HTTP 403" in err
    assert "not-the-key-1234" not in out + err
    rc, _, err = run("track", "event=x", "userId=u", env={k: v for k, v in env.items() if k != "SPOOR_HOST"})
    assert rc == 78 and "set it with --host or SPOOR_HOST" in err
