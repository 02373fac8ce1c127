'use strict';
// The Get APIs (fetchSources, fetchCollections), schemasFrom, and the compatibility
// names (Configuration, SourcesApi, EventRecorder.WithEventBatcher), against a
// collector that serves a schema registry (--schemas).
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const spoor = require('..');
const { startCollector, waitFor, fast, runNode, PKG } = require('./helpers');

const { Client, Configuration, SourcesApi, EventRecorder, CDPMetadata, PushSource } = spoor;
const SOURCE_KEY = 'shop-server-key';
const REGISTRY = {
  sources: [
    {
      id: 'shop-server', name: 'Shop server', org: 'acme', project: 'web', apiKeys: [SOURCE_KEY],
      collections: {
        purchase: { totalprice: 'number', ispaid: 'boolean', items: 'array', 'fixed.age': 'number' },
        refund: { amount: 'number' },
      },
    },
    { id: 'crm', org: 'acme', project: 'web', collections: { signup: { plan: 'string' } } },
  ],
};

describe('schema registry', () => {
  let col;
  let dir;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spoor-registry-'));
    const file = path.join(dir, 'schemas.json');
    fs.writeFileSync(file, JSON.stringify(REGISTRY), { mode: 0o600 });
    col = await startCollector({ args: ['--schemas', file] });
  });
  after(async () => {
    await col.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fetchSources and fetchCollections resolve with the parsed answers', async () => {
    const client = new Client(fast(col.url, { apiKey: SOURCE_KEY }));
    const answer = await client.fetchSources({ orgName: 'acme', projectName: 'web' });
    assert.equal(answer.org, 'acme');
    assert.deepEqual(answer.sources.map((s) => s.id), ['shop-server', 'crm']);
    assert.deepEqual(answer.sources[1].collections, { signup: { plan: 'string' } });
    assert.equal(answer.sources[0].apiKeys, undefined);
    assert.deepEqual(await client.fetchSources('acme', 'web'), answer); // positional too
    const collections = await client.fetchCollections('shop-server');
    assert.equal(collections.source, 'shop-server');
    assert.deepEqual(collections.collections.refund, { amount: 'number' });
    assert.deepEqual(await spoor.init({ host: col.url, apiKey: SOURCE_KEY }).fetchCollections('crm'),
      { source: 'crm', collections: { signup: { plan: 'string' } } });
    assert.deepEqual((await spoor.fetchCollections('crm')).collections, { signup: { plan: 'string' } });
    await spoor.close();
    const stats = client.stats();
    assert.equal(stats.accepted, 0);
    assert.equal(stats.requests, 0); // the event queue is not touched
    await client.close();
  });

  it('a failed fetch rejects with the status, the answer and a hint', async () => {
    const client = new Client(fast(col.url, { apiKey: SOURCE_KEY }));
    await assert.rejects(client.fetchSources({ orgName: 'acme', projectName: 'mobile' }), (e) => {
      assert.equal(e.code, 'HTTP');
      assert.ok(e instanceof spoor.SpoorError);
      assert.match(e.message, /^fetch_sources: HTTP 404 from http:\/\/127\.0\.0\.1:\d+\/v1\/orgs\/acme\/projects\/mobile\/sources: /);
      assert.match(e.message, /no such project.*\(check the org and project names, and that the server serves a schema registry\)$/);
      return true;
    });
    await assert.rejects(client.fetchSources({ orgName: 'acme' }), { name: 'ValidationError', message: 'project: must be a non-empty string' });
    await assert.rejects(client.fetchCollections(42), { name: 'ValidationError', message: 'fetchCollections: source: must be a string' });
    await client.close();
    await assert.rejects(client.fetchCollections('crm'), { name: 'ClosedError', message: 'fetch_collections: the client is closed' });
    const wrong = new Client(fast(col.url, { apiKey: 'wrong-key' }));
    await assert.rejects(wrong.fetchCollections('crm'), (e) => e.code === 'HTTP' && /HTTP 403 .*\(check api_key\)$/.test(e.message) && !e.message.includes('wrong-key'));
    await wrong.close();
  });

  it('a fetch runs off the event loop', async () => {
    // A server that answers after 300 ms: the loop keeps turning meanwhile.
    const slow = http.createServer((req, res) => setTimeout(() => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ source: 's', collections: {} }));
    }, 300));
    await new Promise((r) => slow.listen(0, '127.0.0.1', r));
    const client = new Client({ host: `http://127.0.0.1:${slow.address().port}` });
    let turns = 0;
    const ticker = setInterval(() => { turns++; }, 10);
    const answer = await client.fetchCollections('s');
    clearInterval(ticker);
    assert.deepEqual(answer, { source: 's', collections: {} });
    assert.ok(turns > 1, `the event loop turned ${turns} times during the fetch`);
    await client.close();
    slow.close();
  });

  it('schemasFrom refuses a field of the wrong type at the call, naming it', async () => {
    const client = new Client(fast(col.url, { apiKey: SOURCE_KEY, schemasFrom: 'shop-server' }));
    await assert.rejects(client.recordEvent('purchase', { profileId: 'p1', totalprice: '35' }),
      { name: 'ValidationError', message: 'event.totalprice: must be of type number (collection purchase)' });
    await client.recordEvent('purchase', { profileId: 'p1', totalprice: 35, ispaid: true });
    await client.flush();
    assert.equal(client.stats().schemaFetches, 1);
    await client.close();
    const good = await col.good({ eventName: 'purchase' });
    assert.equal(good.length, 1);
    assert.equal(good[0].properties.totalprice, 35);
  });

  it('with an accessToken function the constructor does not wait for the first fetch', async () => {
    // The fetch asks the event loop for the token. Were the constructor to wait, it would hold
    // the loop until the token request timed out, and the fetch would go without one (a 401).
    let asked = 0;
    const client = new Client(fast(col.url, {
      accessToken: async () => { asked++; return SOURCE_KEY; }, schemasFrom: 'shop-server', schemasWait: 60000,
    }));
    assert.equal(client.stats().schemaFetchFailures, 0);
    await waitFor(() => client.stats().schemaFetches === 1, { what: 'the first fetch' });
    assert.ok(asked >= 1);
    await assert.rejects(client.recordEvent('purchase', { profileId: 'p1', totalprice: '35' }),
      { message: 'event.totalprice: must be of type number (collection purchase)' });
    await client.close();
  });

  it('the Intempt-style snippets run with only the require line changed', async () => {
    await col.reset();
    // The snippets as the Intempt SDK's documentation gives them; the values it leaves
    // out (the base path, the key, orgName and projectName) are filled in.
    const program = `
const IntemptSdk = require(${JSON.stringify(PKG)}); // was: require('@intempt/sdk')
const orgName = 'acme';
const projectName = 'web';
(async () => {
const configuration = new IntemptSdk.Configuration({
    basePath: process.env.BASE_PATH,
    apiKey: ${JSON.stringify(SOURCE_KEY)},
});

const sourcesApi = new IntemptSdk.CDPMetadata.SourcesApi(configuration);

const sources = await sourcesApi.fetchSources({orgName: orgName, projectName: projectName});

const eventRecorder = IntemptSdk.EventRecorder.WithEventBatcher(
    new IntemptSdk.PushSource.SourcesApi(configuration),
    { maximum:100, interval: 10 });

eventRecorder.recordEvent("purchase", {
		 "items": [{"item name": "item 1","price": 20}, {"item name": "item 2","price": 15}],
		 "totalprice": 35,
		 "ispaid": true,
		 "timestamp": new Date().getTime(),
		 "fixed.name": "John Smith",
		 "fixed.age": 28,
		 "intempt.visit.trackcharge": 35
});

// (not from the snippets) an event with the profileId its collection must carry
eventRecorder.recordEvent("purchase", {"profileId": "user_123", "totalprice": 35, "ispaid": true, "fixed.age": 28});
console.log(JSON.stringify(sources.sources.map((s) => s.id)));
})();
`;
    const r = await runNode(program, { env: { BASE_PATH: col.url } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), '["shop-server","crm"]');
    // The snippet's own event names no profile: refused at the call, logged, never fatal.
    assert.match(r.stderr, /recordEvent\(\) failed and its Promise was not awaited or caught: userId: one of userId, anonymousId or profileId is required/);
    // The other was sent at exit (flushOnExit), though interval is 10 s.
    const good = await col.good({ eventName: 'purchase' });
    assert.equal(good.length, 1);
    assert.equal(good[0].profileId, 'user_123');
    assert.equal(good[0].properties['fixed.age'], 28);
    assert.deepEqual(await col.bad(), []);
  });

  it('Configuration takes the Intempt-style parameters', async () => {
    const named = [];
    const c = new Configuration({
      basePath: col.url, apiKey: (name) => { named.push(name); return SOURCE_KEY; }, headers: { 'X-Team': 'growth' }, username: undefined,
    });
    assert.deepEqual(named, ['X-API-Key']);
    assert.equal(c.basePath, col.url);
    assert.deepEqual(c.options, { host: col.url, apiKey: SOURCE_KEY, headers: { 'X-Team': 'growth' } });
    for (const name of ['fetchApi', 'middleware', 'queryParamsStringify', 'credentials']) {
      assert.throws(() => new Configuration({ basePath: col.url, [name]: () => {} }),
        { name: 'ConfigError', option: name, message: new RegExp(`^${name}: is not supported`) });
    }
    const token = new Configuration({ basePath: col.url, accessToken: Promise.resolve('tok') });
    assert.equal(typeof token.options.accessToken, 'function');
    assert.equal(await token.options.accessToken(), 'tok');
    assert.equal(CDPMetadata.SourcesApi, SourcesApi);
    assert.equal(PushSource.SourcesApi, SourcesApi);
    const api = new SourcesApi(c);
    assert.deepEqual((await api.fetchCollections({ source: 'crm' })).collections, { signup: { plan: 'string' } });
    await api.close();
    // An unknown parameter is the core's to name.
    await assert.rejects(new SourcesApi(new Configuration({ basePath: col.url, flushAtt: 3 })).fetchSources({ orgName: 'a', projectName: 'b' }),
      { name: 'ConfigError', message: /flushAtt: unknown configuration key \(did you mean flushAt\?\)/ });
  });

  it('WithEventBatcher: maximum is flushAt, interval is flushInterval in seconds', async () => {
    await col.reset();
    const configuration = new Configuration({ basePath: col.url, apiKey: SOURCE_KEY, schemasFrom: 'shop-server' });
    const byCount = EventRecorder.WithEventBatcher(new PushSource.SourcesApi(configuration), { maximum: 2, interval: 300 });
    assert.ok(byCount instanceof Client);
    await byCount.recordEvent('refund', { profileId: 'p', amount: 1 });
    await byCount.recordEvent('refund', { profileId: 'p', amount: 2 });
    await col.waitGood(2); // two waited: a batch went, with no flush and a 5-minute interval
    await assert.rejects(byCount.recordEvent('refund', { profileId: 'p', amount: 'three' }),
      { name: 'ValidationError', message: 'event.amount: must be of type number (collection refund)' });
    const byTime = EventRecorder.WithEventBatcher(configuration, { maximum: 100, interval: 0.05 });
    await byTime.profile({ profileId: 'p', user_identifier: 'p@example.com' });
    await byTime.trackConsents([{ regulation: 'GDPR', purpose: 'advertising', consented: true }], { profileId: 'p' });
    await col.waitGood(4); // 50 ms later, with no flush
    await byCount.close();
    await byTime.close();
    assert.throws(() => EventRecorder.WithEventBatcher(configuration, { maximum: 0 }),
      { name: 'ConfigError', message: 'WithEventBatcher: maximum: flushAt: 0 is out of range [1, 100000]' });
    assert.throws(() => EventRecorder.WithEventBatcher(configuration, { interval: -1 }),
      { name: 'ConfigError', message: /^WithEventBatcher: interval: flushInterval: / });
    assert.throws(() => EventRecorder.WithEventBatcher({}, {}), { name: 'ConfigError' });
    await waitFor(async () => (await col.all()).good === 4, { what: 'nothing more arrived' });
  });
});
