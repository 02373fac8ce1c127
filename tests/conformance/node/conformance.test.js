'use strict';
// The conformance vectors (tests/conformance/vectors) through Node's public API.
// Each vector runs a spoor Client against capture_server.py and compares every request
// byte for byte (body after gunzip, headers, signature) and every error (code, message).
//   node --test tests/conformance/node/
// spoor comes from SPOOR_NODE_PACKAGE (ci/test-conformance: `npm install ./node` into a
// scratch project), else require('spoor'), else the repository's node/ package.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const zlib = require('node:zlib');

function loadSpoor() {
  if (process.env.SPOOR_NODE_PACKAGE) return require(process.env.SPOOR_NODE_PACKAGE);
  try { return require('spoor'); } catch (e) { /* fall through */ }
  return require(path.join(__dirname, '..', '..', '..', 'node'));
}
const { Client } = loadSpoor();

const BINDING = 'node';
const ROOT = path.join(__dirname, '..');
const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

function vectorFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...vectorFiles(p));
    else if (e.name.endsWith('.json')) out.push(p);
  }
  return out.sort();
}

let server = null;
let base = '';
async function captured() { return (await fetch(`${base}/_captured`)).json(); }
async function waitRequests(n, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = (await captured()).length;
    if (got >= n) return;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${n} requests, got ${got}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// JSON null is passed as null; an absent argument as undefined.
async function run(client, c) {
  switch (c.op) {
    case 'record_event': return client.recordEvent(c.collection, c.event);
    case 'profile': return client.profile(c.attributes);
    case 'track_consents': return client.trackConsents(c.consents, c.subject);
    case 'track': return client.track(c.options);
    case 'identify': return client.identify(c.user_id, c.traits);
    case 'group': return client.group(c.user_id, c.group_id, c.traits);
    case 'page': return client.page(c.user_id, c.name, c.properties);
    case 'screen': return client.screen(c.user_id, c.name, c.properties);
    case 'alias': return client.alias(c.previous_id, c.user_id);
    case 'product': return client.product(c.product);
    case 'ingest_feed': return client.ingestFeed(c.feed);
    case 'batch': return client.batch(c.messages);
    case 'flush': return client.flush();
    case 'close': return client.close();
    case 'anonymous_id': return client.getAnonymousId();
    case 'wait_requests': return waitRequests(c.count);
    case 'fetch_sources': return client.fetchSources({ orgName: c.org, projectName: c.project });
    case 'fetch_collections': return client.fetchCollections(c.source);
    default: throw new Error(`unknown op ${c.op}`);
  }
}

const sub = (s) => s.split('{binding}').join(BINDING);

async function check(vec) {
  await fetch(`${base}/_reset`, { method: 'POST' });
  await fetch(`${base}/_answers`, { method: 'POST', body: JSON.stringify(vec.server || []) });
  const options = { host: base, logLevel: 'error', flushOnExit: false };
  for (const [k, v] of Object.entries(vec.config)) options[camel(k)] = v;
  const client = new Client(options);
  try {
    for (const [i, c] of vec.calls.entries()) {
      const where = `call ${i} (${c.op})`;
      if (c.expect_error) {
        let error = null;
        try { await run(client, c); } catch (e) { error = e; }
        assert.ok(error, `${where}: expected ${c.expect_error.code}, the call succeeded`);
        const message = (c.expect_error.message_by_binding || {})[BINDING] ?? c.expect_error.message;
        assert.deepEqual({ code: error.code, message: error.message }, { code: c.expect_error.code, message }, where);
        continue;
      }
      const got = await run(client, c);
      if ('expect_value' in c) assert.deepStrictEqual(got, c.expect_value, where);
      if ('expect_count' in c) assert.equal(got, c.expect_count, where);
    }
    assert.equal(client.getAnonymousId(), vec.expect.anonymous_id);
  } finally {
    await client.close();
  }
  const got = await captured();
  const want = vec.expect.requests;
  assert.equal(got.length, want.length, `requests: got ${got.length}, want ${want.length}`);
  want.forEach((w, i) => {
    const g = got[i];
    let body = Buffer.from(g.body_base64, 'base64');
    if (g.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
    assert.equal(body.toString('utf8'), sub(w.body), `request ${i} body`);
    for (const [name, value] of Object.entries(w.headers)) assert.equal(g.headers[name], sub(value), `request ${i} header ${name}`);
    for (const name of w.absent_headers) assert.ok(!(name in g.headers), `request ${i} has header ${name}`);
    if (w.signature) assert.equal(g.headers['x-spoor-signature'], w.signature[BINDING], `request ${i} signature`);
    assert.deepEqual([g.method, g.path], [w.method ?? 'POST', w.path ?? '/v1/batch'], `request ${i}`);
  });
}

describe('conformance vectors (node)', () => {
  before(async () => {
    // --watch-stdin: the server exits with this process even when it is killed.
    server = spawn(process.env.PYTHON || 'python3', [path.join(ROOT, 'capture_server.py'), '--watch-stdin'],
      { stdio: ['pipe', 'pipe', 'inherit'] });
    const line = await new Promise((resolve, reject) => {
      readline.createInterface({ input: server.stdout }).once('line', resolve);
      server.once('exit', (code) => reject(new Error(`capture server exited with ${code}`)));
    });
    base = `http://127.0.0.1:${Number(line)}`;
  });
  after(() => { if (server) server.kill(); });

  for (const file of vectorFiles(path.join(ROOT, 'vectors'))) {
    const vec = JSON.parse(fs.readFileSync(file, 'utf8'));
    const kf = vec.known_failure;
    const skip = (vec.skip || {})[BINDING];
    if (skip) {
      it(vec.name, { skip }, () => {});
    } else if (kf && (kf.binding === BINDING || kf.binding === 'core')) {
      // Visible as a todo; it must still fail (a pass means the entry should go).
      it(vec.name, { todo: `known failure: ${kf.why}` }, async () => {
        let failed = false;
        try { await check(vec); } catch (e) { failed = true; }
        if (!failed) throw new Error('known failure now passes: remove known_failure from the vector');
        throw new Error('known failure');
      });
    } else {
      it(vec.name, () => check(vec));
    }
  }
});
