'use strict';
// Every operation reaches the collector in wire format v1, once.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const spoor = require('..');
const { useCollector, fast } = require('./helpers');

describe('operations', () => {
  const col = useCollector();
  let client;

  async function send(fn, n = 1) {
    client = new spoor.Client(fast(col.url));
    await fn(client);
    await client.flush(10000);
    await client.close();
    const all = await col.waitGood(n);
    assert.equal(all.good, n, `expected ${n} good events, got ${JSON.stringify(all)}`);
    assert.equal(all.bad, 0);
    return col.good();
  }

  it('recordEvent: the collection is the eventName, fields go to properties, identity is lifted', async () => {
    const [ev] = await send((c) => c.recordEvent('purchase', {
      items: [{ 'item name': 'item 1', price: 20 }, { 'item name': 'item 2', price: 15 }],
      totalprice: 35,
      ispaid: true,
      'fixed.name': 'John Smith',
      'fixed.age': 28,
      'intempt.visit.trackcharge': 35,
      profileId: 'profile-1',
      sessionId: 'session-1',
    }));
    assert.equal(ev.type, 'record');
    assert.equal(ev.eventName, 'purchase');
    assert.equal(ev.profileId, 'profile-1');
    assert.equal(ev.sessionId, 'session-1');
    assert.equal(ev.properties.totalprice, 35);
    assert.equal(ev.properties.ispaid, true);
    assert.equal(ev.properties['fixed.name'], 'John Smith');
    assert.deepEqual(ev.properties.items[1], { 'item name': 'item 2', price: 15 });
    assert.equal(ev.properties.profileId, undefined, 'identity keys are lifted out of properties');
    assert.match(ev.eventId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(ev.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(ev.context.library.name, 'spoor');
    assert.equal(ev.context.library.binding, 'node');
  });

  it('profile: identity lifted, the rest are traits', async () => {
    const [ev] = await send((c) => c.profile({
      profileId: 'p-42', user_identifier: 'example@example.com', account_identifier: 'acme', plan: 'pro',
    }));
    assert.equal(ev.type, 'profile');
    assert.equal(ev.profileId, 'p-42');
    assert.equal(ev.traits.user_identifier, 'example@example.com');
    assert.equal(ev.traits.account_identifier, 'acme');
    assert.equal(ev.traits.plan, 'pro');
  });

  it('trackConsents: GDPR and CCPA consents for a profile', async () => {
    const consents = [
      { regulation: 'GDPR', purpose: 'advertising', consented: true },
      { regulation: 'CCPA', purpose: 'advertising', consented: false },
    ];
    const [ev] = await send((c) => c.trackConsents(consents, { profileId: 'p-1' }));
    assert.equal(ev.type, 'consent');
    assert.equal(ev.profileId, 'p-1');
    assert.deepEqual(ev.consents, consents);
  });

  it('track: a purchase with every envelope field', async () => {
    const ts = new Date('2026-11-23T10:00:00Z');
    const [ev] = await send((c) => c.track({
      userId: 'user_123',
      anonymousId: 'anon_abc123',
      event: 'purchase',
      properties: { revenue: 99.99, currency: 'USD', product_id: 'prod_456' },
      eventId: 'evt-fixed-1',
      timestamp: ts,
      sessionId: 's-1',
      accountId: 'a-1',
      pageId: 'pg-1',
    }));
    assert.equal(ev.type, 'track');
    assert.equal(ev.eventName, 'purchase');
    assert.equal(ev.userId, 'user_123');
    assert.equal(ev.anonymousId, 'anon_abc123');
    assert.equal(ev.eventId, 'evt-fixed-1');
    assert.equal(ev.timestamp, '2026-11-23T10:00:00.000Z');
    assert.equal(ev.sessionId, 's-1');
    assert.equal(ev.accountId, 'a-1');
    assert.equal(ev.pageId, 'pg-1');
    assert.deepEqual(ev.properties, { revenue: 99.99, currency: 'USD', product_id: 'prod_456' });
  });

  it('track: a non-UTC ISO timestamp is normalised to UTC with milliseconds', async () => {
    const [ev] = await send((c) => c.track({ userId: 'u', event: 'e', timestamp: '2026-11-23T12:30:00+02:00' }));
    assert.equal(ev.timestamp, '2026-11-23T10:30:00.000Z');
  });

  it('identify: both call forms', async () => {
    const evs = await send(async (c) => {
      await c.identify('user_123', { email: 'john@example.com', name: 'John Doe', plan: 'enterprise' });
      await c.identify({ userId: 'user-456', traits: { team_size: 12 } });
    }, 2);
    const a = evs.find((e) => e.userId === 'user_123');
    const b = evs.find((e) => e.userId === 'user-456');
    assert.equal(a.type, 'identify');
    assert.equal(a.traits.plan, 'enterprise');
    assert.equal(b.type, 'identify');
    assert.equal(b.traits.team_size, 12);
  });

  it('group: both call forms', async () => {
    const evs = await send(async (c) => {
      await c.group('user_123', 'company_456', { name: 'Acme Corp', employees: 500 });
      await c.group({ userId: 'user-123', groupId: 'company-456', traits: { industry: 'SaaS' } });
    }, 2);
    const a = evs.find((e) => e.groupId === 'company_456');
    const b = evs.find((e) => e.groupId === 'company-456');
    assert.equal(a.type, 'group');
    assert.equal(a.userId, 'user_123');
    assert.equal(a.traits.employees, 500);
    assert.equal(b.traits.industry, 'SaaS');
  });

  it('page: name and properties', async () => {
    const [ev] = await send((c) => c.page('user_123', 'Landing Page', { url: 'https://example.com', referrer: 'https://google.com' }));
    assert.equal(ev.type, 'page');
    assert.equal(ev.userId, 'user_123');
    assert.equal(ev.eventName, 'Landing Page');
    assert.equal(ev.properties.referrer, 'https://google.com');
  });

  it('product: productId + data, and a catalog product, without identity', async () => {
    const evs = await send(async (c) => {
      await c.product({ productId: 'sku-1', data: { price: 10 } });
      await c.product({
        id: 'sku-2', title: 'Shoe', description: 'A red shoe', url: 'https://shop.example/shoe',
        image_link: 'https://shop.example/shoe.png', price: '49.99 USD', brand: 'Acme', tags: ['red'],
      });
    }, 2);
    const a = evs.find((e) => e.productId === 'sku-1');
    const b = evs.find((e) => e.productId === 'sku-2');
    assert.equal(a.type, 'product');
    assert.equal(a.data.price, 10);
    assert.equal(b.type, 'product');
    assert.equal(b.data.title, 'Shoe');
  });

  it('product: a catalog product keeps a given eventId and timestamp (the dedup key)', async () => {
    const [ev] = await send((c) => c.product({
      eventId: 'catalog-evt-1', timestamp: '2026-11-23T10:00:00Z', id: 'sku-9', title: 'Hat', description: 'd',
      url: 'https://shop.example/hat', image_link: 'https://shop.example/hat.png',
    }));
    assert.equal(ev.eventId, 'catalog-evt-1');
    assert.equal(ev.timestamp, '2026-11-23T10:00:00.000Z');
    assert.equal(ev.data.eventId, undefined);
  });

  it('ingestFeed: JSON text, XML text, a file path, and the bytes of a feed (a Buffer or any Uint8Array)', async () => {
    const product = (id) => ({ id, title: `T ${id}`, description: 'd', url: `https://x.example/${id}`, image_link: `https://x.example/${id}.png` });
    const jsonFeed = JSON.stringify({ products: [{ product: product('f1') }, { product: product('f2') }] });
    const xmlFeed = '<catalog><products><product><id>f3</id><title>T f3</title><description>d</description>' +
      '<url>https://x.example/f3</url><image_link>https://x.example/f3.png</image_link></product></products></catalog>';
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'spoor-feed-')), 'feed.json');
    fs.writeFileSync(file, JSON.stringify({ products: [{ product: product('f4') }] }));
    const counts = [];
    const evs = await send(async (c) => {
      counts.push(await c.ingestFeed(jsonFeed));
      counts.push(await c.ingestFeed(xmlFeed));
      counts.push(await c.ingestFeed(file));
      counts.push(await c.ingestFeed(Buffer.from(JSON.stringify({ products: [{ product: product('f5') }] }))));
      const bytes = new TextEncoder().encode(`--${JSON.stringify({ products: [{ product: product('f6') }] })}--`);
      counts.push(await c.ingestFeed(bytes.subarray(2, bytes.length - 2))); // a view into a larger buffer
    }, 6);
    assert.deepEqual(counts, [2, 1, 1, 1, 1]);
    assert.deepEqual(evs.map((e) => e.productId).sort(), ['f1', 'f2', 'f3', 'f4', 'f5', 'f6']);
  });

  it('batch: messages of mixed types', async () => {
    const evs = await send((c) => c.batch([
      { type: 'track', userId: 'user-123', event: 'feature_used', properties: { feature: 'export' } },
      { type: 'track', userId: 'user-456', event: 'feature_used', properties: { feature: 'import' } },
      { type: 'identify', userId: 'user-123', traits: { plan: 'pro' } },
      { type: 'group', userId: 'user-123', groupId: 'g-1' },
    ]), 4);
    assert.deepEqual(evs.map((e) => e.type).sort(), ['group', 'identify', 'track', 'track']);
  });

  it('getAnonymousId is stable; stats count what was sent; User-Agent names the binding', async () => {
    client = new spoor.Client(fast(col.url));
    const id = client.getAnonymousId();
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.equal(client.anonymousId, id);
    await client.track({ anonymousId: id, event: 'signup' });
    await client.flush();
    const s = client.stats();
    assert.equal(s.accepted, 1);
    assert.equal(s.delivered, 1);
    assert.equal(s.queued, 0);
    assert.ok(s.batches >= 1 && s.bytesSent > 0);
    await client.close();
    const [req] = await col.requests(1);
    assert.match(req.headers['user-agent'], /^spoor-node\/\d+\.\d+\.\d+/);
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(client.getAnonymousId(), id);
  });

  it('the module-level default client: init() then the exported functions', async () => {
    await assert.rejects(spoor.track({ userId: 'u', event: 'e' }), spoor.ConfigError);
    const c = spoor.init(fast(col.url));
    assert.equal(spoor.getClient(), c);
    await spoor.recordEvent('purchase', { profileId: 'p', totalprice: 1 });
    await spoor.profile({ profileId: 'p', user_identifier: 'e@x' });
    await spoor.trackConsents([{ regulation: 'GDPR', purpose: 'p', consented: true }], { userId: 'u' });
    await spoor.track({ userId: 'u', event: 'e' });
    await spoor.identify('u', { a: 1 });
    await spoor.group('u', 'g');
    await spoor.page('u', 'Home');
    await spoor.product({ productId: 'x' });
    await spoor.batch([{ type: 'track', userId: 'u', event: 'b' }]);
    assert.equal(typeof spoor.getAnonymousId(), 'string');
    await spoor.flush();
    assert.equal(spoor.stats().delivered, 9);
    await spoor.close();
    assert.equal(spoor.getClient(), null);
    const all = await col.waitGood(9);
    assert.equal(all.good, 9);
  });
});
