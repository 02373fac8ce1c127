'use strict';
// The test modes: capture (events kept for captured()) and disabled (nothing queued or
// sent; flush and close return at once).
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const spoor = require('..');
const { useCollector, fast } = require('./helpers');

/** Code under test: what an application would do. */
async function signup(client, userId) {
  await client.identify(userId, { plan: 'pro' });
  await client.track({ userId, event: 'signup', properties: { plan: 'pro' } });
}

describe('modes', () => {
  const col = useCollector();

  it('capture: a unit test without a server', async () => {
    const client = new spoor.Client({ mode: 'capture', flushOnExit: false }); // no host
    await signup(client, 'u1');
    const events = client.captured();
    assert.deepEqual(events.map((e) => [e.type, e.eventName]), [['identify', undefined], ['track', 'signup']]);
    assert.equal(events[1].userId, 'u1');
    assert.deepEqual(events[1].properties, { plan: 'pro' });
    assert.ok(events[0].eventId && events[0].timestamp);
    await assert.rejects(client.track({ event: 'signup' }), spoor.ValidationError); // still checked
    assert.equal(client.stats().accepted, 2);
    client.clearCaptured();
    assert.deepEqual(client.captured(), []);
    await client.close();
  });

  it('capture gives what send sends', async () => {
    const sending = new spoor.Client(fast(col.url, { testIdSeed: 5, flushOnExit: false }));
    const capturing = new spoor.Client({ mode: 'capture', testIdSeed: 5, flushOnExit: false });
    await signup(sending, 'u1');
    await signup(capturing, 'u1');
    await sending.close();
    await col.waitGood(2);
    const untimed = (events) => events.map(({ timestamp, ...rest }) => rest);
    assert.deepEqual(untimed(capturing.captured()), untimed(await col.good()));
  });

  it('disabled: nothing sent, and flush and close never wait', async () => {
    for (const host of [col.url, 'http://127.0.0.1:9']) {
      const client = new spoor.Client({ host, mode: 'disabled', flushAt: 1, flushOnExit: false });
      await signup(client, 'u1');
      await assert.rejects(client.track({ event: 'signup' }), spoor.ValidationError);
      const start = Date.now();
      await client.flush();
      await client.close(10000);
      assert.ok(Date.now() - start < 2000, 'a bound, not a benchmark: delivering would retry for a minute');
      assert.equal(client.stats().accepted, 0);
      assert.equal(client.stats().requests, 0);
    }
    assert.equal((await col.all()).total, 0);
    assert.deepEqual(await col.requests(), []);
  });

  it('captured() needs mode capture; a test mode takes no spool', () => {
    const c = new spoor.Client(fast(col.url, { flushOnExit: false }));
    assert.throws(() => c.captured(), (e) => e instanceof spoor.ValidationError && /set mode to capture/.test(e.message));
    c.close();
    assert.throws(() => new spoor.Client({ mode: 'capture', spoolDir: '/tmp/spoor-never-made' }),
      (e) => e instanceof spoor.ConfigError && e.option === 'spoolDir');
  });

  it('the module-level client captures too', async () => {
    spoor.init({ mode: 'capture', flushOnExit: false });
    await spoor.track({ userId: 'u1', event: 'signup' });
    assert.deepEqual(spoor.captured().map((e) => e.eventName), ['signup']);
    spoor.clearCaptured();
    assert.deepEqual(spoor.captured(), []);
    await spoor.close();
  });
});
