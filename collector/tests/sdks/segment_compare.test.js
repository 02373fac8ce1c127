'use strict';
// spoor in protocol 'segment' against Segment's own @segment/analytics-node: given the
// same calls, do they send messages with the same keys and the same value types?
//
// The calls are those of the conformance vector segment/sdk_calls (track twice, identify,
// group, page, screen, alias, in the forms both libraries take). Both libraries send them
// to one capturing server here; spoor's Node package does so live, and the vector's
// expected body stands for C, Python, Java and Tcl, whose conformance runners hold each
// binding to those bytes exactly (ctest conformance, ci/test-conformance, ci/test-swig).
// Compared message by message, field by field: every key and every value, except
//   - the ids and the times (messageId, timestamp): the same type, their own values;
//   - context.library's name and version: the same keys and types, each library its own;
//   - analytics-node's _metadata (its Node version, not part of Segment's spec) and the
//     empty integrations object it writes when none are given (Segment reads {} and no
//     integrations alike: every destination); spoor sends integrations when given.
//   SPOOR_NODE_PACKAGE=/path/to/spoor node --test segment_compare.test.js   (ci/test-sdks)
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { Analytics } = require('@segment/analytics-node');

const ROOT = path.join(__dirname, '..', '..', '..');
const spoor = require(process.env.SPOOR_NODE_PACKAGE || path.join(ROOT, 'node'));
const VECTOR = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests', 'conformance', 'vectors', 'segment', 'sdk_calls.json'), 'utf8'));
const WRITE_KEY = 'segment-write-key';

/** A server that answers 200 and keeps each request's messages, by library (its User-Agent). */
async function capture() {
  const got = {};
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const who = /^spoor/.test(req.headers['user-agent']) ? 'spoor' : 'segment';
      (got[who] = got[who] || []).push(...JSON.parse(body).batch);
      got[`${who}Auth`] = req.headers.authorization;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"success":true}');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { got, url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

/** Each call of the vector, as analytics-node takes it (a callback per call). Its own copy:
 *  analytics-node writes its library into the context object it is given. */
function segmentCall(analytics, call) {
  const c = structuredClone(call);
  const args = {
    track: () => c.options,
    identify: () => ({ userId: c.user_id, traits: c.traits }),
    group: () => ({ userId: c.user_id, groupId: c.group_id, traits: c.traits }),
    page: () => ({ userId: c.user_id, name: c.name, properties: c.properties }),
    screen: () => ({ userId: c.user_id, name: c.name, properties: c.properties }),
    alias: () => ({ previousId: c.previous_id, userId: c.user_id }),
  }[c.op]();
  return new Promise((resolve, reject) => analytics[c.op](args, (err) => (err ? reject(err) : resolve())));
}

/** And as spoor's Node client takes it. */
function spoorCall(client, c) {
  if (c.op === 'track') return client.track(c.options);
  if (c.op === 'alias') return client.alias(c.previous_id, c.user_id);
  if (c.op === 'group') return client.group(c.user_id, c.group_id, c.traits);
  if (c.op === 'identify') return client.identify(c.user_id, c.traits);
  return client[c.op](c.user_id, c.name, c.properties);
}

const ASIDE = new Set(['messageId', 'timestamp']);

/** Where a and b differ: a key one has and the other lacks, a value of another type, or
 *  (but for the ids, the times and the library's name and version) another value. */
function differences(a, b, at = '') {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) {
    const type = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
    if (type(a) !== type(b)) return [`${at}: ${type(a)} against ${type(b)}`];
    const key = at.split('.').pop();
    if (ASIDE.has(key) || at === 'context.library.name' || at === 'context.library.version') return [];
    return a === b ? [] : [`${at}: ${JSON.stringify(a)} against ${JSON.stringify(b)}`];
  }
  const out = [];
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const where = at ? `${at}.${k}` : k;
    if (!(k in a)) out.push(`${where}: only spoor sends it`);
    else if (!(k in b)) out.push(`${where}: only analytics-node sends it`);
    else out.push(...differences(a[k], b[k], where));
  }
  return out;
}

/** analytics-node's message without what Segment's spec does not have or counts as absent. */
function comparable(m) {
  const c = { ...m };
  delete c._metadata;
  if (c.integrations && Object.keys(c.integrations).length === 0) delete c.integrations;
  return c;
}

test('spoor (segment) and @segment/analytics-node send the same messages for the same calls', async () => {
  const calls = VECTOR.calls.filter((c) => c.op !== 'flush');
  assert.deepStrictEqual(calls.map((c) => c.op), ['track', 'track', 'identify', 'group', 'page', 'screen', 'alias']);
  const server = await capture();
  try {
    const analytics = new Analytics({ writeKey: WRITE_KEY, host: server.url, flushAt: 20, maxRetries: 0 });
    const sent = calls.map((c) => segmentCall(analytics, c)); // each settles once its batch is sent
    await analytics.closeAndFlush({ timeout: 10000 });
    await Promise.all(sent);

    const client = new spoor.Client({ host: server.url, apiKey: WRITE_KEY, protocol: 'segment', flushAt: 20, flushOnExit: false });
    for (const c of calls) await spoorCall(client, c);
    await client.close();

    const { got } = server;
    const vector = JSON.parse(VECTOR.expect.requests[0].body).batch; // C, Python, Java and Tcl send these bytes
    assert.strictEqual(got.segment.length, calls.length, 'analytics-node sent every call');
    assert.strictEqual(got.spoor.length, calls.length, 'spoor sent every call');
    assert.strictEqual(got.spoorAuth, got.segmentAuth, 'the same Basic write key');
    const problems = [];
    got.segment.forEach((theirs, i) => {
      for (const [who, ours] of [['spoor (Node)', got.spoor[i]], ['the vector (C, Python, Java, Tcl)', vector[i]]]) {
        for (const d of differences(comparable(theirs), ours)) problems.push(`${calls[i].op} #${i}, ${who}: ${d}`);
      }
    });
    assert.deepStrictEqual(problems, []);
    // And the vector is what spoor's Node package sent, ids and times aside.
    assert.deepStrictEqual(got.spoor.map((m) => differences(m, vector[got.spoor.indexOf(m)])), got.spoor.map(() => []));
  } finally {
    await server.close();
  }
});
