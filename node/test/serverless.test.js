'use strict';
// Serverless: flushWith hands a platform's waitUntil the flush (Vercel's function,
// Cloudflare's ctx), and a Lambda-style handler flushes with a deadline before it returns.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const spoor = require('..');
const { useCollector } = require('./helpers');

describe('serverless', () => {
  const col = useCollector();

  it('flushWith gives waitUntil the flush (a function, or a context with the method)', async () => {
    for (const style of ['vercel', 'cloudflare']) {
      await col.reset();
      const handed = [];
      const waitUntil = (p) => { handed.push(p); };
      // Cloudflare's ctx.waitUntil must be called as a method of ctx.
      const ctx = { waitUntil(p) { assert.equal(this, ctx); handed.push(p); } };
      const client = new spoor.Client({ host: col.url, flushOnExit: false }); // flushInterval: 10 s
      await client.track({ userId: 'u1', event: 'order_paid' });
      const returned = client.flushWith(style === 'vercel' ? waitUntil : ctx, 5000);
      assert.equal(handed.length, 1);
      await handed[0]; // what the platform waits for before it freezes the function
      assert.deepEqual((await col.good()).map((e) => e.eventName), ['order_paid']);
      await returned;
      await client.close();
    }
  });

  it('the platform never sees a rejection; the caller does', async () => {
    const client = new spoor.Client({ host: 'http://127.0.0.1:9', flushOnExit: false, logger: () => {} });
    await client.track({ userId: 'u1', event: 'order_paid' });
    const handed = [];
    const returned = client.flushWith((p) => handed.push(p), 200);
    assert.equal(await handed[0], undefined);
    await assert.rejects(returned, spoor.TimeoutError);
    await assert.rejects(client.flushWith({}), TypeError);
    await client.close(100).catch(() => {});
  });

  it('a Lambda-style handler flushes with a deadline before it returns', async () => {
    const client = new spoor.Client({ host: 'http://127.0.0.1:9', flushOnExit: false, logger: () => {} });
    const context = { deadline: Date.now() + 1500, getRemainingTimeInMillis() { return this.deadline - Date.now(); } };
    const handler = async (event, ctx) => {
      await client.track({ userId: event.user, event: 'order_paid' });
      await client.flush(Math.max(100, ctx.getRemainingTimeInMillis() - 500)).catch(() => {});
      return { statusCode: 200 };
    };
    const start = Date.now();
    assert.deepEqual(await handler({ user: 'u1' }, context), { statusCode: 200 });
    assert.ok(Date.now() - start < 1500 + 1000, 'the deadline, and a margin');
    assert.equal(client.stats().queued, 1); // kept, not lost
    await client.close(100).catch(() => {});
  });
});
