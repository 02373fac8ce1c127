'use strict';
// beforeSend: the event as it is sent, changed or dropped inside the call; a hook that
// throws (or gives an event that breaks a rule) changes nothing and is logged.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const spoor = require('..');
const { useCollector, fast } = require('./helpers');

describe('beforeSend', () => {
  const col = useCollector();

  it('sees each event as it will be sent, inside the call', async () => {
    const seen = [];
    const c = new spoor.Client(fast(col.url, { flushOnExit: false, beforeSend: (e) => { seen.push(e); return e; } }));
    const queued = c.track({ userId: 'u1', event: 'purchase', properties: { revenue: 99.99, items: [{ sku: 'a' }] } });
    assert.equal(seen.length, 1, 'called before track() returned');
    await queued;
    await c.identify('u1', { plan: 'pro' });
    await c.close();
    await col.waitGood(2);
    assert.deepEqual(await col.good(), seen);
    assert.equal(c.stats().droppedByHook, 0);
  });

  it('changes and drops events; a drop is counted, logged at debug, and not a delivery report', async () => {
    const lines = [];
    const reports = [];
    const c = new spoor.Client(fast(col.url, {
      flushOnExit: false,
      logLevel: 'debug',
      logger: (level, message) => lines.push(`${level} ${message}`),
      onDelivery: (r) => reports.push(r),
      beforeSend: (e) => {
        if (e.eventName === 'internal') return null;
        if (e.eventName === 'forgot') return undefined; // returning nothing drops too
        delete e.properties.email;
        return e;
      },
    }));
    await c.track({ userId: 'u1', event: 'signup', properties: { email: 'a@example.com', plan: 'pro' } });
    await c.track({ userId: 'u1', event: 'internal', eventId: 'internal-1' });
    await c.batch([{ type: 'track', userId: 'u2', event: 'forgot' }, { type: 'track', userId: 'u2', event: 'kept', properties: {} }]);
    await c.close();
    await col.waitGood(2);
    const good = await col.good();
    assert.deepEqual(good.map((e) => e.eventName), ['signup', 'kept']);
    assert.deepEqual(good[0].properties, { plan: 'pro' });
    const s = c.stats();
    assert.equal(s.droppedByHook, 2);
    assert.equal(s.accepted, 2);
    assert.equal(s.dropped, 0);
    assert.ok(lines.includes('debug before_send dropped event internal-1'), lines.join('\n'));
    assert.ok(reports.every((r) => r.ok));
    assert.equal(reports.reduce((n, r) => n + r.count, 0), 2);
  });

  for (const [name, hook, reason] of [
    ['throws', () => { throw new RangeError('boom'); }, '(RangeError: boom); it is sent unchanged'],
    ['returns a Promise', async (e) => e, '(beforeSend returned a Promise: it runs inside the call'],
    ['returns a string', () => 'no', '(beforeSend returned string, not an object or null)'],
    ['removes the identity', ({ userId, ...rest }) => rest,
      'breaks a rule (userId: one of userId, anonymousId or profileId is required'],
    ['returns what JSON cannot hold', (e) => ({ ...e, properties: { n: 10n } }), '(TypeError: Do not know how to serialize a BigInt)'],
  ]) {
    it(`a hook that ${name} changes nothing`, async () => {
      const lines = [];
      const c = new spoor.Client(fast(col.url, {
        flushOnExit: false, beforeSend: hook, logger: (level, message) => lines.push(`${level} ${message}`),
      }));
      await c.track({ userId: 'u1', event: 'purchase', eventId: 'e-1', properties: { price: 1 } });
      await c.close();
      await col.waitGood(1);
      const [stored] = await col.good();
      assert.equal(stored.eventId, 'e-1');
      assert.equal(stored.userId, 'u1');
      assert.deepEqual(stored.properties, { price: 1 });
      const logged = lines.find((l) => l.startsWith('error before_send') && l.includes('e-1'));
      assert.ok(logged && logged.includes(reason), lines.join('\n'));
      assert.equal(c.stats().hookFailed, 1);
    });
  }

  it('cannot send through its own client; may through another', async () => {
    const other = new spoor.Client({ mode: 'capture', flushOnExit: false });
    let refused = null;
    const c = new spoor.Client({
      mode: 'capture',
      flushOnExit: false,
      beforeSend: (e) => {
        c.track({ userId: 'u1', event: 'again' }).catch((err) => { refused = err; });
        other.track({ userId: 'u1', event: 'mirrored' });
        return e;
      },
    });
    await c.track({ userId: 'u1', event: 'once' });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(c.captured().map((e) => e.eventName), ['once']);
    assert.ok(refused instanceof spoor.ValidationError && /cannot send through its own client/.test(refused.message));
    assert.deepEqual(other.captured().map((e) => e.eventName), ['mirrored']);
  });

  it('must be a function', () => {
    assert.throws(() => new spoor.Client({ mode: 'capture', beforeSend: 'scrub' }),
      (e) => e instanceof spoor.ConfigError && e.option === 'beforeSend');
  });
});
