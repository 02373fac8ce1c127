'use strict';
// Segment's own Node library, @segment/analytics-node, pointed at spoor-collector
// unchanged but for its host: every call it has, and the collector must store
// each message's text exactly as the library put it on the wire.
//   SPOOR_COLLECTOR=/path/to/spoor-collector node --test   (ci/test-sdks)
const test = require('node:test');
const assert = require('node:assert');
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Analytics } = require('@segment/analytics-node');

const WRITE_KEY = 'segment-write-key';
const ADMIN_KEY = 'admin-key';

async function startCollector() {
  const binary = process.env.SPOOR_COLLECTOR;
  assert.ok(binary && fs.existsSync(binary), 'SPOOR_COLLECTOR must name the spoor-collector binary');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spoor-sdks-'));
  const portFile = path.join(dir, 'port');
  const proc = spawn(binary, ['--port', '0', '--port-file', portFile, '--api-key', WRITE_KEY,
    '--admin-key', ADMIN_KEY, '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 200 && !fs.existsSync(portFile); i++) await new Promise((r) => setTimeout(r, 25));
  const url = `http://127.0.0.1:${fs.readFileSync(portFile, 'utf8').trim()}`;
  const micro = async (route) => {
    const r = await fetch(url + route, { headers: { 'X-API-Key': ADMIN_KEY } });
    assert.strictEqual(r.status, 200, route);
    return r.text();
  };
  const stop = () => new Promise((resolve) => {
    proc.on('exit', (code) => { fs.rmSync(dir, { recursive: true, force: true }); resolve(code); });
    proc.kill('SIGTERM');
  });
  return { url, micro, stop };
}

// Every call of the library, with values whose text a re-serialisation would
// change (a non-ASCII string, a fraction, nesting).
function sendAll(analytics) {
  const done = [];
  const call = (method, args) => done.push(new Promise((resolve) => analytics[method](args, (err) => resolve([method, err]))));
  call('track', { userId: 'user-1', event: 'Order Completed', properties: { total: 35.5, items: [{ sku: 'a', price: 20 }], note: 'café' } });
  call('identify', { userId: 'user-1', traits: { email: 'ann@example.com', plan: 'pro', logins: 3 } });
  call('group', { userId: 'user-1', groupId: 'acme', traits: { name: 'Acme Inc', employees: 42 } });
  call('page', { anonymousId: 'anon-1', category: 'Docs', name: 'Quickstart', properties: { path: '/docs/start' } });
  call('screen', { userId: 'user-1', name: 'Settings', properties: { tab: 'privacy' } });
  call('alias', { previousId: 'anon-1', userId: 'user-1' });
  return Promise.all(done);
}

test('@segment/analytics-node: what it sends is stored unchanged', async () => {
  const c = await startCollector();
  const bodies = [];
  try {
    const analytics = new Analytics({ writeKey: WRITE_KEY, host: c.url, flushAt: 6, flushInterval: 200, maxRetries: 0 });
    analytics.on('http_request', (req) => bodies.push(req));
    const results = await sendAll(analytics);
    await analytics.closeAndFlush({ timeout: 10000 });
    assert.deepStrictEqual(results.map(([, err]) => err), results.map(() => undefined), 'every call delivered');

    // What the library put on the wire, message by message.
    const sent = bodies.flatMap((req) => JSON.parse(req.body).batch.map((m) => JSON.stringify(m)));
    for (const text of sent) assert.ok(bodies.some((req) => req.body.includes(text)), 'a message as on the wire');
    assert.deepStrictEqual(sent.map((t) => JSON.parse(t).type), ['track', 'identify', 'group', 'page', 'screen', 'alias']);

    // What the collector stored: the same bytes, as Segment's messages.
    assert.strictEqual(await c.micro('/micro/good?format=segment'), `[${sent.join(',')}]`);
    assert.strictEqual(await c.micro('/micro/bad'), '[]');
    assert.deepStrictEqual(JSON.parse(await c.micro('/micro/all')), { total: 6, good: 6, bad: 0, duplicates: 0 });
    const stored = JSON.parse(await c.micro('/micro/good'));
    assert.strictEqual(stored[0].properties.note, 'café');
    assert.strictEqual(stored[0].context.library.name, '@segment/analytics-node');
    assert.ok(stored.every((m) => typeof m.messageId === 'string' && m.messageId.length > 0));

    // How it authenticated: Basic base64(writeKey + ":"), shown as a fingerprint.
    const requests = JSON.parse(await c.micro('/micro/requests'));
    const basic = Buffer.from(`${WRITE_KEY}:`).toString('base64');
    const fingerprint = `Basic ***sha256:${crypto.createHash('sha256').update(basic).digest('hex').slice(0, 8)}`;
    assert.ok(requests.length >= 1);
    for (const r of requests) {
      assert.strictEqual(r.status, 200);
      assert.strictEqual(r.path, '/v1/batch');
      assert.strictEqual(r.headers.authorization, fingerprint);
      assert.match(r.headers['user-agent'], /^analytics-node/);
    }
  } finally {
    assert.strictEqual(await c.stop(), 0);
  }
});

test('@segment/analytics-node: a wrong write key is refused and nothing is stored', async () => {
  const c = await startCollector();
  try {
    const analytics = new Analytics({ writeKey: 'not-the-key', host: c.url, flushAt: 6, maxRetries: 0 });
    const results = await sendAll(analytics);
    await analytics.closeAndFlush({ timeout: 10000 });
    for (const [method, err] of results) assert.match(String(err && (err.reason || err)), /403/, method);
    assert.deepStrictEqual(JSON.parse(await c.micro('/micro/all')), { total: 0, good: 0, bad: 0, duplicates: 0 });
    assert.deepStrictEqual(JSON.parse(await c.micro('/micro/requests')).map((r) => r.status), [403]);
  } finally {
    assert.strictEqual(await c.stop(), 0);
  }
});
