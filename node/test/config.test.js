'use strict';
// Every configuration key of the core is an option (camelCase), good values are
// taken, bad ones throw a ConfigError naming the option, and the options that
// shape requests (auth, headers, gzip, secret) show on the wire.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const spoor = require('..');
const { ConfigError } = spoor;
const { useCollector, fast, fingerprint, waitFor } = require('./helpers');

const quiet = { logger: () => {}, flushOnExit: false };

function goodValue(o) {
  const special = {
    host: 'http://127.0.0.1:9',
    headers: { 'X-Team': 'data' },
    collectionSchemas: { purchase: { totalprice: 'number' } },
    logLevel: 'debug',
    testFixedTime: new Date('2026-11-23T10:00:00Z'),
    testIdSeed: 7,
    binding: 'node',
    caPath: ['/etc/ssl/certs/ca-certificates.crt'].find((f) => fs.existsSync(f)) || __filename, // a readable file
    proxy: 'http://127.0.0.1:3128',
    username: undefined, // paired below
    password: undefined,
  };
  if (o.name in special) return special[o.name];
  switch (o.type) {
    case 'int': return o.default !== '' ? Number(o.default) : 1;
    case 'duration': return Number(o.default) || 1000;
    case 'bool': return o.default !== 'true';
    case 'enum': return o.default;
    case 'json': return {};
    default: return 'value';
  }
}

describe('configuration', () => {
  it('the options are the core\'s keys, camelCase, with types and defaults', () => {
    const opts = spoor.options();
    const names = opts.map((o) => o.name);
    for (const n of ['host', 'apiKey', 'accessToken', 'username', 'password', 'headers', 'flushAt', 'flushInterval',
      'maxBatchEvents', 'maxBatchBytes', 'maxEventBytes', 'maxQueueSize', 'timeout', 'connectTimeout', 'retryLimit',
      'retryBackoff', 'retryBackoffMax', 'retryAfterMax', 'gzip', 'secret', 'spoolDir', 'spoolSync', 'debug', 'logLevel', 'caPath',
      'tlsVerify', 'proxy', 'closeTimeout', 'collectionSchemas', 'testFixedTime', 'testIdSeed']) {
      assert.ok(names.includes(n), `option ${n}`);
    }
    const flushAt = opts.find((o) => o.name === 'flushAt');
    assert.equal(flushAt.key, 'flush_at');
    assert.equal(flushAt.type, 'int');
    assert.equal(flushAt.default, '10');
    assert.equal(opts.find((o) => o.name === 'flushInterval').type, 'duration');
    assert.equal(opts.find((o) => o.name === 'secret').secret, true);
  });

  for (const o of spoor.options()) {
    if (o.name === 'host' || o.name === 'username' || o.name === 'password') continue;
    it(`a good value for ${o.name} is taken`, async () => {
      // spoolDir: a fresh directory of its own (the spool is created inside it).
      const dir = o.name === 'spoolDir' ? fs.mkdtempSync(path.join(os.tmpdir(), 'spoor-node-config-')) : null;
      try {
        const value = dir ? path.join(dir, 'spool') : goodValue(o);
        const c = new spoor.Client({ host: 'http://127.0.0.1:9', ...quiet, [o.name]: value });
        await c.close(1);
        if (dir) assert.ok(fs.statSync(value).isDirectory(), 'the spool directory was made');
      } finally {
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('username and password together', async () => {
    const c = new spoor.Client({ host: 'http://127.0.0.1:9', username: 'u', password: 'p', ...quiet });
    await c.close(1);
    assert.throws(() => new spoor.Client({ host: 'http://127.0.0.1:9', username: 'u', ...quiet }),
      (e) => e instanceof ConfigError && /password/.test(e.message));
  });

  const bad = [
    [{ flushAt: 'ten' }, 'flushAt', /flushAt/],
    [{ flushAt: 0 }, 'flushAt', /flushAt.*range|range.*flushAt/],
    [{ maxQueueSize: -1 }, 'maxQueueSize', /maxQueueSize/],
    [{ flushInterval: -5 }, 'flushInterval', /flushInterval/],
    [{ timeout: 'soon' }, 'timeout', /timeout/],
    [{ gzip: 'maybe' }, 'gzip', /gzip/],
    [{ logLevel: 'loud' }, 'logLevel', /logLevel/],
    [{ spoolSync: 'always' }, 'spoolSync', /spoolSync.*always|always.*spoolSync/],
    [{ headers: 'X-A: 1' }, 'headers', /headers/],
    [{ headers: { 'X-A': 1 } }, 'headers', /headers|X-A/],
    [{ headers: { authorization: 'Bearer x' } }, 'headers', /^headers: "authorization" is set by spoor \(use accessToken or username\/password\)$/],
    [{ headers: { 'X-Spoor-Signature': 'v1=0' } }, 'headers', /^headers: "X-Spoor-Signature" is set by spoor/],
    [{ testFixedTime: 'noon' }, 'testFixedTime', /testFixedTime/],
    [{ collectionSchemas: { purchase: { totalprice: 'money' } } }, 'collectionSchemas', /money|totalprice|collectionSchemas/],
    [{ host: 'ftp://example.com' }, 'host', /host/],
    [{ apiKey: { key: 'k' } }, 'apiKey', /apiKey/],
    [{ onDelivery: 'yes' }, 'onDelivery', /onDelivery/],
  ];
  for (const [opts, option, re] of bad) {
    it(`a bad value is refused naming the option: ${JSON.stringify(opts)}`, () => {
      assert.throws(() => new spoor.Client({ host: 'http://127.0.0.1:9', ...quiet, ...opts }), (e) => {
        assert.ok(e instanceof ConfigError, `${e.name}: ${e.message}`);
        assert.match(e.code, /^CONFIG_/);
        assert.match(e.message, re);
        if (option !== 'host' || e.option) assert.equal(e.option, option);
        assert.doesNotMatch(e.message, /flush_at|max_queue_size|log_level|test_fixed_time/, 'Node names, not C keys');
        return true;
      });
    });
  }

  it('an unknown option is refused by name, with the core\'s guess in Node\'s spelling', () => {
    const refused = (options, message) => assert.throws(() => new spoor.Client({ host: 'http://x.example', ...options, ...quiet }),
      (e) => {
        assert.ok(e instanceof ConfigError, `${e.name}: ${e.message}`);
        assert.equal(e.code, 'CONFIG_UNKNOWN');
        assert.equal(e.message, message);
        assert.equal(e.option, Object.keys(options)[0]);
        return true;
      });
    refused({ flushEvery: 5 }, 'flushEvery: unknown configuration key');
    refused({ flush_at: 5 }, 'flush_at: unknown configuration key (did you mean flushAt?)');
    refused({ flushAT: 5 }, 'flushAT: unknown configuration key (did you mean flushAt?)');
    refused({ flushIntervall: 5 }, 'flushIntervall: unknown configuration key (did you mean flushInterval?)');
    refused({ apikey: 'k' }, 'apikey: unknown configuration key (did you mean apiKey?)');
  });

  it('a host that already ends in /v1/batch is refused', () => {
    assert.throws(() => new spoor.Client({ host: 'http://x.example/v1/batch', ...quiet }), (e) => e instanceof ConfigError &&
      e.option === 'host' && e.message === "host: must be the server's base URL, without /v1/batch (events go to {host}/v1/batch)");
  });

  it('host is required', () => {
    assert.throws(() => new spoor.Client({ ...quiet }), (e) => e instanceof ConfigError && /host/.test(e.message));
    assert.throws(() => new spoor.Client('dk_only_a_key'), (e) => e instanceof ConfigError && /host/.test(e.message));
    assert.throws(() => new spoor.Client(42), ConfigError);
  });

  describe('on the wire', () => {
    const col = useCollector();

    async function oneRequest(opts) {
      const c = new spoor.Client(fast(col.url, { ...quiet, ...opts }));
      await c.track({ userId: 'u', event: 'wire' });
      await c.close();
      await col.waitGood(1);
      const [req] = await col.requests(1);
      return req;
    }

    it('apiKey is sent as X-API-Key', async () => {
      const req = await oneRequest({ apiKey: 'dk_your_api_key' });
      assert.equal(req.headers['x-api-key'], fingerprint('dk_your_api_key'));
    });
    it('accessToken (a string) is sent as Bearer', async () => {
      const req = await oneRequest({ accessToken: 'eyJhbG.static' });
      assert.equal(req.headers.authorization, 'Bearer ' + fingerprint('eyJhbG.static'));
    });
    it('accessToken (a function, sync or async) is asked before requests', async () => {
      let calls = 0;
      let req = await oneRequest({ accessToken: () => { calls++; return `tok-${calls}`; } });
      assert.ok(calls >= 1);
      const tokens = Array.from({ length: calls }, (_, i) => 'Bearer ' + fingerprint(`tok-${i + 1}`));
      assert.ok(tokens.includes(req.headers.authorization), req.headers.authorization);
      await col.reset();
      req = await oneRequest({ accessToken: async () => 'async-token' });
      assert.equal(req.headers.authorization, 'Bearer ' + fingerprint('async-token'));
    });
    it('an accessToken function with no token: the request waits for one, never goes without', async () => {
      let calls = 0;
      const req = await oneRequest({ accessToken: () => { calls++; if (calls <= 2) throw new Error('vault down'); return 'later'; } });
      assert.ok(calls >= 3);
      assert.equal(req.headers.authorization, 'Bearer ' + fingerprint('later'));
    });
    it('username/password are sent as Basic', async () => {
      const req = await oneRequest({ username: 'ann', password: 's3cret' });
      assert.equal(req.headers.authorization, 'Basic ' + fingerprint(Buffer.from('ann:s3cret').toString('base64')));
    });
    it('headers are added to every request', async () => {
      const req = await oneRequest({ headers: { 'X-Team': 'data', 'X-Region': 'eu' } });
      assert.equal(req.headers['x-team'], 'data');
      assert.equal(req.headers['x-region'], 'eu');
    });
    it('gzip compresses the body', async () => {
      const req = await oneRequest({ gzip: true });
      assert.equal(req.gzip, true);
      assert.equal(req.headers['content-encoding'], 'gzip');
    });
    it('flushAt sends as soon as that many events wait', async () => {
      const c = new spoor.Client({ host: col.url, flushAt: 3, flushInterval: 600000, ...quiet });
      for (let i = 0; i < 3; i++) await c.track({ userId: 'u', event: `e${i}` });
      await col.waitGood(3, 5000);
      await c.close();
      const reqs = await col.requests(10);
      assert.equal(reqs.length, 1);
      assert.equal(reqs[0].events, 3);
    });
    it('flushInterval sends what waits after that long', async () => {
      const c = new spoor.Client({ host: col.url, flushAt: 1000, flushInterval: 100, ...quiet });
      const t0 = Date.now();
      await c.track({ userId: 'u', event: 'timer' });
      await col.waitGood(1, 5000);
      assert.ok(Date.now() - t0 < 3000);
      await c.close();
    });
    it('maxBatchEvents splits batches', async () => {
      const c = new spoor.Client(fast(col.url, { maxBatchEvents: 4, ...quiet }));
      for (let i = 0; i < 10; i++) await c.track({ userId: 'u', event: `e${i}` });
      await c.close();
      await col.waitGood(10);
      const reqs = await col.requests(100);
      assert.ok(reqs.every((r) => r.events <= 4), JSON.stringify(reqs.map((r) => r.events)));
    });
  });

  describe('signing (secret) against a collector that checks key and signature', () => {
    const col = useCollector({ apiKey: 'rpx_live_key', secret: 'hmac-secret' });

    it('signed events are accepted', async () => {
      const c = new spoor.Client(fast(col.url, { apiKey: 'rpx_live_key', secret: 'hmac-secret', ...quiet }));
      await c.track({ userId: 'user-123', event: 'payment_completed', properties: { amount: 99.99 } });
      await c.close();
      await col.waitGood(1);
      const [req] = await col.requests(1);
      assert.match(req.headers['x-spoor-signature'], /^v1=\*\*\*sha256:[0-9a-f]{8}$/); // a fingerprint
      assert.match(req.headers['x-spoor-timestamp'], /^\d+$/);
    });

    it('a wrong secret is refused (401/403), not retried, and reported', async () => {
      const reports = [];
      const c = new spoor.Client(fast(col.url, { apiKey: 'rpx_live_key', secret: 'wrong', onDelivery: (r) => reports.push(r), ...quiet }));
      await c.track({ userId: 'u', event: 'forged' });
      await c.flush();
      await c.close();
      await waitFor(() => reports.some((r) => !r.ok), { what: 'a failure report' });
      const fail = reports.find((r) => !r.ok);
      assert.equal(fail.code, 'HTTP');
      assert.ok([401, 403].includes(fail.httpStatus), String(fail.httpStatus));
      assert.equal(c.stats().retried, 0);
      assert.equal((await col.all()).good, 0);
    });
  });
});
