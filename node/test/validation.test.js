'use strict';
// Bad input is refused at the call, with an error naming the field and the rule,
// and nothing is queued. Enqueue calls return a rejected Promise (never throw).
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const spoor = require('..');
const { ValidationError, SpoorError, ClosedError } = spoor;

describe('validation', () => {
  let client;
  // Nothing is sent: the host is never contacted by refused calls.
  before(() => {
    client = new spoor.Client({
      host: 'http://127.0.0.1:9', maxEventBytes: 1024, flushInterval: 600000, flushOnExit: false, logger: () => {},
      collectionSchemas: { purchase: { totalprice: 'number', ispaid: 'boolean', items: 'array' } },
    });
  });
  after(() => client.close(1).catch(() => {}));

  async function refused(promise, re, code = 'INVALID') {
    const before = client.stats().accepted;
    assert.ok(promise instanceof Promise, 'enqueue calls return a Promise');
    const err = await promise.then(() => assert.fail('should have been rejected'), (e) => e);
    assert.ok(err instanceof ValidationError, `a ValidationError, got ${err && err.name}: ${err && err.message}`);
    assert.ok(err instanceof SpoorError && err instanceof Error);
    assert.equal(err.code, code);
    assert.match(err.message, re);
    assert.equal(client.stats().accepted, before, 'nothing was queued');
    return err;
  }

  it('track: the event name is required', () => refused(client.track({ userId: 'u' }), /event/));
  it('track: an empty event name', () => refused(client.track({ userId: 'u', event: '' }), /event/));
  it('track: an identity is required', () => refused(client.track({ event: 'purchase' }), /userId|anonymousId|profileId/));
  it('track: the options must be an object', () => refused(client.track('purchase'), /object/));
  it('track: missing options', () => refused(client.track(), /track|object|null/));
  it('track: an unknown key is named', () => refused(client.track({ userId: 'u', event: 'e', bogus: 1 }), /bogus/));
  it('track: timestamp must be ISO-8601', () => refused(client.track({ userId: 'u', event: 'e', timestamp: 'yesterday' }), /timestamp/));
  it('track: properties must be an object', () => refused(client.track({ userId: 'u', event: 'e', properties: [1] }), /properties/));
  it('track: eventId must be a string', () => refused(client.track({ userId: 'u', event: 'e', eventId: 5 }), /eventId/));
  it('identify: userId is required', () => refused(client.identify(undefined, { a: 1 }), /userId/));
  it('identify: userId must be a string', () => refused(client.identify(42, { a: 1 }), /userId/));
  it('identify: traits must be an object', () => refused(client.identify('u', 'vip'), /traits/));
  it('group: groupId is required', () => refused(client.group('u'), /groupId/));
  it('group (object form): groupId is required', () => refused(client.group({ userId: 'u', traits: {} }), /groupId/));
  it('page: userId is required', () => refused(client.page(null, 'Home'), /userId/));
  it('recordEvent: the collection must be a non-empty string', () => refused(client.recordEvent('', { profileId: 'p' }), /collection/));
  it('recordEvent: the event must be an object', () => refused(client.recordEvent('purchase', 'x'), /event/));
  it('recordEvent: a field of the wrong type for the collection schema', () =>
    refused(client.recordEvent('purchase', { profileId: 'p', totalprice: '35' }), /totalprice/));
  it('trackConsents: regulation must be GDPR or CCPA', () =>
    refused(client.trackConsents([{ regulation: 'HIPAA', purpose: 'ads', consented: true }], { profileId: 'p' }), /regulation/));
  it('trackConsents: consented must be a boolean', () =>
    refused(client.trackConsents([{ regulation: 'GDPR', purpose: 'ads', consented: 'yes' }], { profileId: 'p' }), /consented/));
  it('trackConsents: purpose must be non-empty', () =>
    refused(client.trackConsents([{ regulation: 'GDPR', purpose: '', consented: true }], { profileId: 'p' }), /purpose/));
  it('trackConsents: a subject is required', () =>
    refused(client.trackConsents([{ regulation: 'GDPR', purpose: 'ads', consented: true }], {}), /profileId|userId/));
  it('product: a catalog product needs a title', () =>
    refused(client.product({ id: 'x', description: 'd', url: 'https://x', image_link: 'https://x/i.png' }), /title/));
  it('ingestFeed: a feed with one bad product queues nothing', () =>
    refused(client.ingestFeed(JSON.stringify({ products: [
      { product: { id: 'a', title: 't', description: 'd', url: 'https://x/a', image_link: 'https://x/a.png' } },
      { product: { id: 'b', description: 'd', url: 'https://x/b', image_link: 'https://x/b.png' } },
    ] })), /title/));
  it('batch: the failing message is named by index and nothing is queued', async () => {
    const err = await refused(client.batch([
      { type: 'track', userId: 'u', event: 'ok' },
      { type: 'track', userId: 'u' },
    ]), /batch\[1\]\./);
    assert.match(err.message, /event/);
  });
  it('batch: an unknown type', () => refused(client.batch([{ type: 'teleport', userId: 'u' }]), /type/));
  it('an event over maxEventBytes is TOO_LARGE', () =>
    refused(client.track({ userId: 'u', event: 'big', properties: { blob: 'x'.repeat(4000) } }), /max_event_bytes|bytes/, 'TOO_LARGE'));
  it('values JSON cannot represent are refused, naming the argument', () => {
    const loop = {};
    loop.self = loop;
    return refused(client.track({ userId: 'u', event: 'e', properties: loop }), /track: options/);
  });
  it('a refused call never throws synchronously (await/try-catch and .catch both work)', async () => {
    let threw = false;
    let p;
    try { p = client.track({}); } catch { threw = true; }
    assert.equal(threw, false);
    await assert.rejects(p, ValidationError);
  });
  it('a valid call resolves', async () => {
    assert.equal(await client.track({ userId: 'u', event: 'fine' }), undefined);
  });
  it('after close, calls reject with ClosedError', async () => {
    const c = new spoor.Client({ host: 'http://127.0.0.1:9', flushOnExit: false });
    await c.close();
    assert.equal(c.closed, true);
    await assert.rejects(c.track({ userId: 'u', event: 'e' }), (e) => e instanceof ClosedError && e.code === 'CLOSED');
    await assert.rejects(c.flush(), ClosedError);
    await c.close(); // idempotent
  });
});
