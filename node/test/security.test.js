'use strict';
// What spoor refuses so that nothing can be injected: control characters in a
// header value, invalid UTF-8 in an event; and a secret never shown in an error.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const spoor = require('..');
const { ConfigError, ValidationError } = spoor;

const quiet = { logger: () => {}, flushOnExit: false };

describe('security', () => {
  for (const option of ['apiKey', 'accessToken', 'password']) {
    it(`${option}: a CR LF (a second header) is refused by the core, naming the option`, () => {
      const extra = option === 'password' ? { username: 'u' } : {};
      assert.throws(() => new spoor.Client({ host: 'http://127.0.0.1:9', ...extra, [option]: 'k1\r\nX-Injected: yes', ...quiet }),
        (e) => e instanceof ConfigError &&
          e.message === `${option}: must not contain control characters (a header value is one line)`);
    });
    it(`${option}: a value of the wrong type is named by its type, never shown`, () => {
      const extra = option === 'password' ? { username: 'u' } : {};
      for (const value of [Buffer.from('SEKRIT-buffer'), ['SEKRIT-list'], { key: 'SEKRIT-object' }]) {
        assert.throws(() => new spoor.Client({ host: 'http://127.0.0.1:9', ...extra, [option]: value, ...quiet }),
          (e) => e instanceof ConfigError && e.message.startsWith(`${option}: must be a string, not `) &&
            !/SEKRIT/.test(e.message));
      }
    });
  }

  it('headers: a name that is not an HTTP token is refused', () => {
    assert.throws(() => new spoor.Client({ host: 'http://127.0.0.1:9', headers: { 'X B': 'v' }, ...quiet }),
      (e) => e instanceof ConfigError && /^headers\.X B: is not a header name/.test(e.message));
  });

  it('a feed given as a Buffer reaches the core as its bytes: invalid UTF-8 is refused, naming the field', async () => {
    const c = new spoor.Client({ host: 'http://127.0.0.1:9', flushInterval: 600000, ...quiet });
    const feed = Buffer.concat([Buffer.from('{"products":[{"product":{"id":"S1","title":"Caf'), Buffer.from([0xe9]),
      Buffer.from('","description":"d","url":"u","image_link":"i"}}]}')]);
    await assert.rejects(c.ingestFeed(feed),
      (e) => e instanceof ValidationError && e.message === 'products[0].product.title: is not valid UTF-8');
    assert.equal(c.stats().accepted, 0);
    await c.close(1);
  });

  // JS strings are UTF-16: a lone surrogate has no UTF-8 form. Inside a JSON
  // argument JSON.stringify writes it as a \ud800 escape, which the core's parser
  // refuses; a string passed on its own (userId, a collection, a name) is turned
  // into UTF-8 by Node, which puts U+FFFD in its place before spoor sees it.
  it('a lone surrogate in a JSON argument is refused; in a plain string it becomes U+FFFD (Node does that)', async () => {
    const reports = [];
    const c = new spoor.Client({ host: 'http://127.0.0.1:9', flushAt: 1, retryLimit: 0, onDelivery: (r) => reports.push(r), ...quiet });
    await assert.rejects(c.track({ event: 'e', userId: 'u', properties: { name: 'a\ud800' } }),
      (e) => e instanceof ValidationError && /^track: not valid JSON .*lone UTF-16 surrogates are refused/.test(e.message));
    await c.identify('u\ud800', { plan: 'pro' });
    await c.flush(5000).catch(() => {});
    assert.equal(reports.length, 1);
    assert.equal(reports[0].events[0].userId, 'u\ufffd');
    await c.close(1);
  });
});
