#!/usr/bin/env python3
"""Keeps docs/protocol.md honest: its examples against what the code does.

An HTML comment `<!-- check: KIND ARGS -->` before a fenced block (or a table) marks what
the block must agree with:

  request VECTOR        an HTTP request (request line, headers, body): the vector's first
                        request as the C binding sends it, header for header, signature
                        included, byte for byte in the body
  event VECTOR N        one event (any layout): exactly the bytes of the N-th event of the
                        vector's first request body
  signature VECTOR      a shell script: run with bash, it must print the vector's signature
                        (needs the openssl command), and the page must quote it
  defaults              a table of `setting` | `default`: the core's property table
                        (spoor-config-doc --json)
  reasons               a table whose last column quotes the client's failure reasons: every
                        `code span` there must be text of a string literal of the worker, the
                        transport or the URL code, or a whole reason those literals make
  answer FLAGS...       an HTTP request block, then the answer block: a spoor-collector
                        started with FLAGS must give that status and exactly that body

and every link of the page must lead to a file of the repository (and a heading of it).

The vectors are checked against the core by the conformance runners in every binding, so a
page that matches the vectors matches the core. Run by ctest (protocol_doc):

    check_protocol_doc.py --config-doc build/core/spoor-config-doc [--collector build/collector/spoor-collector]

Without --collector the answers are skipped, and it exits 77 (skipped) unless a check failed.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Any, Dict, List, Optional, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOC = os.path.join(ROOT, "docs", "protocol.md")
VECTORS = os.path.join(ROOT, "tests", "conformance", "vectors")
REASON_SOURCES = [os.path.join(ROOT, "core", "src", f) for f in ("worker.c", "transport.c", "url.c")]
BINDING = "c"
EVENT_TYPES = {"record", "profile", "consent", "track", "identify", "group", "page", "product"}
# Headers libcurl adds by itself: not in the vectors, allowed in a request example.
CURL_HEADERS = {"host", "accept", "content-length"}

sys.path.insert(0, os.path.join(ROOT, "tests", "conformance"))
from generate import dump  # noqa: E402  (the model's printer: cJSON's bytes)

MARKER = re.compile(r"^<!-- check: (\w+)(.*?) -->$")
FENCE = re.compile(r"^```")


class Page:
    """The page's lines, and the checks it marks (kind, args, line number)."""

    def __init__(self, path: str) -> None:
        with open(path, encoding="utf-8") as f:
            self.lines = f.read().split("\n")
        self.marks = [(m[1], m[2].split(), i) for i, line in enumerate(self.lines) if (m := MARKER.match(line))]

    def block(self, start: int) -> Tuple[str, int]:
        """The text of the first fenced block after line start, and the line after it."""
        i = start
        while not FENCE.match(self.lines[i]):
            i += 1
        j = i + 1
        while not FENCE.match(self.lines[j]):
            j += 1
        return "\n".join(self.lines[i + 1:j]), j + 1

    def table(self, start: int) -> List[List[str]]:
        """The rows (cells) of the table right after line start, header and rule left out."""
        rows, i = [], start + 1
        while i < len(self.lines) and self.lines[i].startswith("|"):
            rows.append([c.strip() for c in self.lines[i].strip().strip("|").split(" | ")])
            i += 1
        return rows[2:]


def vector(name: str) -> Dict[str, Any]:
    with open(os.path.join(VECTORS, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


def first_request(name: str) -> Dict[str, Any]:
    req = vector(name)["expect"]["requests"][0]
    return {"headers": {k: v.replace("{binding}", BINDING) for k, v in req["headers"].items()},
            "absent": req["absent_headers"], "body": req["body"].replace("{binding}", BINDING),
            "signature": (req["signature"] or {}).get(BINDING)}


def http_message(text: str) -> Tuple[str, List[Tuple[str, str]], str]:
    """An HTTP message as written on the page: start line, headers, body."""
    head, _, body = text.partition("\n\n")
    lines = head.split("\n")
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    return lines[0], headers, body


# ---- the checks: each returns a list of problems ----

def check_request(page: Page, args: List[str], at: int) -> List[str]:
    want = first_request(args[0])
    text, _ = page.block(at)
    start, headers, body = http_message(text)
    problems = []
    if start != "POST /v1/batch HTTP/1.1":
        problems.append("request line %r, not 'POST /v1/batch HTTP/1.1'" % start)
    got = {n.lower(): v for n, v in headers}
    if len(got) != len(headers):
        problems.append("a header is given twice")
    expected = dict(want["headers"])
    if want["signature"]:
        expected["x-spoor-signature"] = want["signature"]
    for name, value in expected.items():
        if got.get(name) != value:
            problems.append("header %s: the page has %r, the vector %r" % (name, got.get(name), value))
    for name in want["absent"]:
        if name in got:
            problems.append("header %s: on the page, absent in the vector" % name)
    for name in got:
        if name not in expected and name not in CURL_HEADERS:
            problems.append("header %s: on the page, not in the vector" % name)
    if body != want["body"]:
        problems.append("body differs from the vector's:\n  page:   %s\n  vector: %s" % (body, want["body"]))
    length = got.get("content-length")
    if length is not None and length != str(len(body.encode("utf-8"))):
        problems.append("Content-Length %s, the body has %d bytes" % (length, len(body.encode("utf-8"))))
    return problems


def check_event(page: Page, args: List[str], at: int) -> List[str]:
    body = first_request(args[0])["body"]
    index = int(args[1])
    text, _ = page.block(at)
    try:
        event = json.loads(text)
    except ValueError as e:
        return ["not JSON: %s" % e]
    if not isinstance(event, dict):
        return ["not a JSON object"]
    want = dump(json.loads(body)["batch"][index])
    got = compact(text)  # as written: 5.0 is not 5, nor \u00e9 é
    problems = []
    if got != want:
        problems.append("differs from event %d of the vector:\n  page:   %s\n  vector: %s" % (index, got, want))
    elif got not in body:  # the model's printer read the vector back as it was written
        problems.append("the vector's body does not hold these bytes: %s" % got)
    return problems


def compact(text: str) -> str:
    """JSON text without the white space between its tokens, every token as written."""
    out, in_string, escaped = [], False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch in " \t\r\n":
            continue
        elif ch == '"':
            in_string = True
        out.append(ch)
    return "".join(out)


def check_signature(page: Page, args: List[str], at: int) -> List[str]:
    want = first_request(args[0])["signature"]
    if not want:
        return ["vector %s has no signature" % args[0]]
    hexdigest = want[len("v1="):]
    script, after = page.block(at)
    problems = []
    # The page states the result in the paragraph after the script.
    following = "\n".join(page.lines[after:after + 8])
    if "v1=" + hexdigest not in following or hexdigest not in following.replace("v1=" + hexdigest, ""):
        problems.append("the paragraph after the script does not quote %s (and v1=%s)" % (hexdigest, hexdigest))
    if not shutil.which("openssl"):
        return problems + ["the openssl command is not installed (ci/setup installs it)"]
    with tempfile.TemporaryDirectory() as tmp:
        run = subprocess.run(["bash", "-e", "-c", script], cwd=tmp, capture_output=True,
                             env=dict(os.environ, LC_ALL="C.UTF-8"))
    out = run.stdout.decode("utf-8", "replace")
    if run.returncode != 0:
        problems.append("the script failed (%d): %s" % (run.returncode, run.stderr.decode("utf-8", "replace")))
    elif re.search(r"=\s*([0-9a-f]{64})\s*$", out) is None or re.search(r"([0-9a-f]{64})", out)[1] != hexdigest:
        problems.append("the script prints %r, the vector's signature is %s" % (out.strip(), want))
    return problems


def check_defaults(page: Page, args: List[str], at: int, config_doc: Optional[str]) -> List[str]:
    if not config_doc:
        return ["needs --config-doc (the spoor-config-doc tool)"]
    table = json.loads(subprocess.run([config_doc, "--json"], check=True, capture_output=True).stdout)
    defaults = {p["name"]: p["default"] for p in table["properties"]}
    problems, rows = [], page.table(at)
    if not rows:
        problems.append("no table after the marker")
    for row in rows:
        key, default = row[0].strip("`"), row[1].strip("`")
        if key not in defaults:
            problems.append("%s: not a setting" % key)
        elif defaults[key] != default:
            problems.append("%s: the page says %s, the property table %s" % (key, default, defaults[key]))
    return problems


def c_source(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return re.sub(r"/\*.*?\*/|//[^\n]*", "", f.read(), flags=re.S)


def c_literals(path: str) -> List[str]:
    """Every string literal of a C file, adjacent ones joined, escapes read; a macro
    that stands for a string (defined in the file or in internal.h) is read as it."""
    text = c_source(path)
    # String macros (a value of literals and other macros), expanded where they are used.
    defines = c_source(os.path.join(ROOT, "core", "src", "internal.h")) + "\n" + text
    macros = dict(re.findall(r'^#define\s+([A-Z_][A-Z0-9_]*)\s+((?:"(?:[^"\\\n]|\\.)*"|[A-Z_][A-Z0-9_]*|\s)+)$',
                             defines, flags=re.M))
    for _ in range(3):  # a macro of macros
        for name, value in macros.items():
            text = re.sub(r"(?<!#define )\b%s\b" % name, lambda _m, v=value: v, text)
    out, pieces, last_end = [], [], None
    for m in re.finditer(r'"((?:[^"\\\n]|\\.)*)"', text):
        if pieces and text[last_end:m.start()].strip():
            out.append("".join(pieces))
            pieces = []
        pieces.append(m[1].encode().decode("unicode_escape"))
        last_end = m.end()
    if pieces:
        out.append("".join(pieces))
    return out


def literal_pattern(literal: str) -> str:
    """A printf format as a regular expression for the text it makes."""
    parts = re.split(r"(%[-+ #0]*\d*(?:\.\d+)?(?:ll|l|z|h)?[dusfgx%])", literal)
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            out.append(re.escape(part))
        elif part == "%%":
            out.append("%")
        elif part.endswith("s"):
            out.append(".*")
        elif part.endswith(("f", "g")):
            out.append(r"-?\d+(?:\.\d+)?")
        else:
            out.append(r"-?\d+")
    return "".join(out)


def check_reasons(page: Page, args: List[str], at: int) -> List[str]:
    literals = [lit for path in REASON_SOURCES for lit in c_literals(path)]
    # Formats with enough fixed text to say something, for the whole reasons the page quotes.
    formats = [re.compile(literal_pattern(lit.strip())) for lit in literals
               if len(re.sub(r"%[^a-z%]*[a-z%]", "", lit)) >= 10 and "%" in lit]
    problems, rows, spans = [], page.table(at), 0
    for row in rows:
        for span in re.findall(r"`([^`]+)`", row[-1]):
            spans += 1
            if any(span in lit for lit in literals):
                continue
            if any(f.fullmatch(span.strip()) for f in formats):
                continue
            problems.append("%r: no string literal of core/src/worker.c, transport.c or url.c says it" % span)
    if not spans:
        problems.append("no quoted reasons in the table")
    return problems


SKIPPED = "skipped: no --collector (a build without the collector)"


class Collector:
    """A spoor-collector on a free port, for one example."""

    def __init__(self, path: str, flags: List[str]) -> None:
        self.tmp = tempfile.mkdtemp()
        port_file = os.path.join(self.tmp, "port")
        self.proc = subprocess.Popen([path, "--port", "0", "--port-file", port_file, "--quiet"] + flags,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(200):
            if os.path.exists(port_file) or self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if not os.path.exists(port_file):
            self.stop()
            raise RuntimeError("the collector did not start: %s" % self.proc.stderr.read().decode())
        with open(port_file) as f:
            self.port = int(f.read())

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
        shutil.rmtree(self.tmp, ignore_errors=True)


def check_answer(page: Page, args: List[str], at: int, collector: Optional[str]) -> List[str]:
    request, after = page.block(at)
    answer, _ = page.block(after)
    start, headers, body = http_message(request)
    status_line, answer_headers, answer_body = http_message(answer)
    method, path, _ = start.split(" ", 2)
    want_status = int(status_line.split(" ")[1])
    if not collector:
        return [SKIPPED]
    server = Collector(collector, args)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
        conn.request(method, path, body=body.encode("utf-8"), headers=dict(headers))
        resp = conn.getresponse()
        got_body = resp.read().decode("utf-8")
        got_headers = {k.lower(): v for k, v in resp.getheaders()}
        conn.close()
    finally:
        server.stop()
    problems = []
    if resp.status != want_status:
        problems.append("status %d, the page says %d" % (resp.status, want_status))
    if got_body != answer_body:
        problems.append("body differs:\n  page:      %s\n  collector: %s" % (answer_body, got_body))
    for name, value in answer_headers:
        if got_headers.get(name.lower()) != value:
            problems.append("header %s: the page has %r, the collector %r" % (name, value, got_headers.get(name.lower())))
    return problems


def slug(heading: str) -> str:
    """The anchor a Markdown renderer gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def check_links(path: str) -> List[str]:
    """Every link of the page leads to a file of the repository and, with #, to a heading."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    problems = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        file, _, anchor = target.partition("#")
        if re.match(r"[a-z]+:", file):
            problems.append("%s: links outside the repository" % target)
            continue
        where = os.path.normpath(os.path.join(os.path.dirname(path), file)) if file else path
        if not os.path.exists(where):
            problems.append("%s: no such file" % target)
            continue
        if anchor:
            with open(where, encoding="utf-8") as f:
                headings = {slug(m[1]) for m in re.finditer(r"^#+ (.*)$", f.read(), re.M)}
            if anchor not in headings:
                problems.append("%s: no such heading in %s" % (target, os.path.relpath(where, ROOT)))
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config-doc", help="the spoor-config-doc tool (for the defaults)")
    ap.add_argument("--collector", help="the spoor-collector program (for the answers)")
    ap.add_argument("--doc", default=DOC)
    args = ap.parse_args()
    page = Page(args.doc)
    checks = {
        "request": check_request,
        "event": check_event,
        "signature": check_signature,
        "defaults": lambda p, a, i: check_defaults(p, a, i, args.config_doc),
        "reasons": check_reasons,
        "answer": lambda p, a, i: check_answer(p, a, i, args.collector),
    }
    failed, skipped, kinds, types = 0, 0, {}, set()
    for kind, margs, line in page.marks:
        label = "line %d: %s %s" % (line + 1, kind, " ".join(margs))
        if kind not in checks:
            print("FAIL %s: unknown kind of check" % label)
            failed += 1
            continue
        problems = checks[kind](page, margs, line)
        kinds[kind] = kinds.get(kind, 0) + 1
        if problems == [SKIPPED]:
            print("skip %s: %s" % (label, SKIPPED))
            skipped += 1
            continue
        if kind == "event":
            types.add(json.loads(page.block(line)[0]).get("type"))
        print("%s %s" % ("FAIL" if problems else "ok  ", label))
        for p in problems:
            print("     " + p.replace("\n", "\n     "))
        failed += bool(problems)
    problems = check_links(args.doc)
    print("%s links" % ("FAIL" if problems else "ok  "))
    for p in problems:
        print("     " + p)
    failed += bool(problems)
    # A page that lost its markers would pass every check it still has: require them.
    for kind in checks:
        if not kinds.get(kind):
            print("FAIL the page has no '%s' check" % kind)
            failed += 1
    if types != EVENT_TYPES:
        print("FAIL event examples miss the types %s" % ", ".join(sorted(EVENT_TYPES - types)))
        failed += 1
    total = sum(kinds.values())
    print("%d checks of docs/protocol.md, %d failed, %d skipped" % (total, failed, skipped))
    return 1 if failed else 77 if skipped else 0  # 77: ctest's SKIP_RETURN_CODE


if __name__ == "__main__":
    sys.exit(main())
