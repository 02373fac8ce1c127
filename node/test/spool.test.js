'use strict';
// spoolDir: events kept on disk while the server is down, replayed by the next client;
// one client per spool; events that outlive kill -9.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const spoor = require('..');
const { ConfigError } = spoor;
const { useCollector, fast, runNode } = require('./helpers');

const quiet = { logger: () => {}, flushOnExit: false };

/** A loopback URL whose port was just free and has nothing listening: connects are refused. */
async function deadHost() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return `http://127.0.0.1:${port}`;
}

const segments = (dir) => fs.readdirSync(dir).filter((n) => n.startsWith('seg-')).sort();
const ids = (prefix, n) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);

describe('spool', () => {
  const col = useCollector();
  let tmp;
  let count = 0;
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spoor-node-spool-')); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const freshDir = () => path.join(tmp, `spool-${++count}`);

  /** Open dir against the collector, expect n replayed events delivered; the stats after close. */
  async function replay(dir, n) {
    const reports = [];
    const c = new spoor.Client(fast(col.url, { spoolDir: dir, onDelivery: (r) => reports.push(r), ...quiet }));
    assert.equal(c.stats().replayed, n, 'loaded at creation');
    await c.flush(10000);
    await c.close(5000);
    assert.deepEqual(reports.filter((r) => !r.ok), []);
    assert.equal(reports.reduce((k, r) => k + r.eventIds.length, 0), n);
    return c.stats();
  }

  it('events survive a close while the server is down, then a second client delivers them once', async () => {
    const dir = freshDir();
    const n = 25;
    const want = ids('down', n);
    const reports = [];
    const c = new spoor.Client(fast(await deadHost(), {
      spoolDir: dir, retryLimit: 0, retryBackoff: 10, retryBackoffMax: 50, connectTimeout: 1000,
      onDelivery: (r) => reports.push(r), ...quiet,
    }));
    for (const [i, id] of want.entries()) await c.track({ userId: 'u', event: 'spooled', eventId: id, properties: { i } });
    await c.close(500); // resolves: what is undelivered stays in the spool
    let s = c.stats();
    assert.equal(s.accepted, n);
    assert.equal(s.queued, n);
    assert.equal(s.failed, 0);
    assert.equal(s.delivered, 0);
    assert.equal(s.dropped, 0);
    assert.ok(s.requests >= 1, 'it did try');
    assert.deepEqual(reports, [], 'nothing reported failed');
    assert.ok(segments(dir).length > 0, 'the events are on disk');

    s = await replay(dir, n);
    assert.equal(s.replayed, n);
    assert.equal(s.delivered, n);
    assert.equal(s.queued, 0);
    assert.equal(s.failed, 0);
    assert.equal(s.spoolCorrupt, 0);
    const all = await col.waitGood(n);
    assert.deepEqual([all.good, all.bad, all.duplicates], [n, 0, 0]);
    const events = await col.good({ eventName: 'spooled' });
    assert.deepEqual(events.map((e) => e.eventId).sort(), want);
    assert.deepEqual(events.map((e) => e.properties.i).sort((a, b) => a - b), [...want.keys()]);
    assert.deepEqual(segments(dir), [], 'all settled: the segments are gone');

    const again = new spoor.Client(fast(col.url, { spoolDir: dir, ...quiet }));
    assert.equal(again.stats().replayed, 0);
    await again.close(1000);
    assert.equal((await col.all()).total, n);
  });

  it('5xx with retries run out keeps the events instead of failing them', async () => {
    await col.fault({ status: 503, count: 2 });
    const reports = [];
    const c = new spoor.Client(fast(col.url, {
      spoolDir: freshDir(), retryLimit: 0, retryBackoffMax: 50, onDelivery: (r) => reports.push(r), ...quiet,
    }));
    await c.track({ userId: 'u', event: 'kept', eventId: 'kept-1' });
    await c.track({ userId: 'u', event: 'kept', eventId: 'kept-2' });
    await c.flush(10000);
    await c.close(5000);
    const s = c.stats();
    assert.deepEqual([s.failed, s.delivered, s.requests], [0, 2, 3]);
    assert.deepEqual(reports.map((r) => r.code), ['OK']);
    assert.deepEqual(reports[0].eventIds.slice().sort(), ['kept-1', 'kept-2']);
    await col.waitGood(2);
    assert.deepEqual((await col.good({ eventName: 'kept' })).map((e) => e.eventId).sort(), ['kept-1', 'kept-2']);
  });

  it('a spool another client holds is refused with a ConfigError naming it; free after close', async () => {
    const dir = path.join(freshDir(), 'spool_dir'); // the key's letters in the path are left alone
    const first = new spoor.Client(fast(col.url, { spoolDir: dir, ...quiet }));
    assert.throws(() => new spoor.Client(fast(col.url, { spoolDir: dir, ...quiet })), (e) => {
      assert.ok(e instanceof ConfigError, `${e.name}: ${e.message}`);
      assert.equal(e.code, 'CONFIG_INVALID');
      assert.equal(e.option, 'spoolDir');
      assert.ok(e.message.includes(dir), e.message);
      assert.ok(e.message.includes(`pid ${process.pid}`), e.message);
      assert.match(e.message, /^spoolDir: /);
      return true;
    });
    await first.track({ userId: 'u', event: 'held', eventId: 'held-1' });
    await first.close(5000);
    const second = new spoor.Client(fast(col.url, { spoolDir: dir, ...quiet }));
    await second.track({ userId: 'u', event: 'held', eventId: 'held-2' });
    await second.close(5000);
    assert.equal(second.stats().replayed, 0);
    assert.equal(second.stats().delivered, 1);
    await col.waitGood(2);
    assert.deepEqual((await col.good({ eventName: 'held' })).map((e) => e.eventId), ['held-1', 'held-2']);
  });

  it('a spool held by another process is refused naming its pid', async () => {
    const dir = freshDir();
    const { spawn } = require('child_process');
    const child = spawn(process.execPath, ['-e', `
      const spoor = require('.');
      const c = new spoor.Client({ host: 'http://127.0.0.1:9', spoolDir: process.argv[1], flushOnExit: false });
      console.log('open');
      process.stdin.on('end', () => c.close(0).then(() => process.exit(0)));
      process.stdin.resume();
    `, dir], { cwd: path.join(__dirname, '..'), stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = new Promise((r) => child.once('exit', (code) => r(code)));
    try {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('child did not open the spool')), 20000);
        child.stdout.once('data', (d) => { clearTimeout(timer); assert.equal(String(d), 'open\n'); resolve(); });
      });
      assert.throws(() => new spoor.Client({ host: 'http://127.0.0.1:9', spoolDir: dir, ...quiet }),
        (e) => e instanceof ConfigError && e.message.includes(dir) && e.message.includes(`pid ${child.pid}`));
    } finally {
      child.stdin.end();
    }
    assert.equal(await exited, 0);
    await new spoor.Client({ host: 'http://127.0.0.1:9', spoolDir: dir, ...quiet }).close(0); // free again
  });

  for (const sync of ['none', 'batch', 'event']) {
    it(`events survive kill -9 of the process that tracked them (spoolSync ${sync})`, async () => {
      const dir = freshDir();
      const n = 40;
      const r = await runNode(`
        const spoor = require('.');
        const [host, dir, sync, n] = process.argv.slice(1);
        const c = new spoor.Client({ host, spoolDir: dir, spoolSync: sync, retryLimit: 0, retryBackoff: 10,
                                     flushOnExit: false, logger: () => {} });
        (async () => {
          for (let i = 0; i < Number(n); i++) {
            await c.track({ userId: 'u', event: 'killed', eventId: 'k9-' + String(i).padStart(3, '0'), properties: { i } });
          }
          if (c.stats().queued !== Number(n)) process.exit(5);
          process.kill(process.pid, 'SIGKILL');
        })();
      `, { args: [await deadHost(), dir, sync, String(n)] });
      assert.equal(r.signal, 'SIGKILL', `child exited ${r.code}: ${r.stderr}`);
      const s = await replay(dir, n);
      assert.deepEqual([s.replayed, s.delivered, s.spoolCorrupt], [n, n, 0]);
      await col.waitGood(n);
      const events = await col.good({ eventName: 'killed' });
      assert.deepEqual(events.map((e) => e.eventId).sort(), ids('k9', n));
      assert.equal((await col.all()).duplicates, 0);
    });
  }

  it('spoolSync takes none, batch and event; anything else is a ConfigError naming spoolSync', async () => {
    for (const sync of ['none', 'batch', 'event']) {
      await new spoor.Client({ host: 'http://127.0.0.1:9', spoolDir: freshDir(), spoolSync: sync, ...quiet }).close(0);
    }
    for (const bad of ['always', 'fsync', '', 1, true]) {
      assert.throws(() => new spoor.Client({ host: 'http://127.0.0.1:9', spoolDir: freshDir(), spoolSync: bad, ...quiet }),
        (e) => {
          assert.ok(e instanceof ConfigError, `${e.name}: ${e.message}`);
          assert.equal(e.code, 'CONFIG_INVALID');
          assert.equal(e.option, 'spoolSync');
          assert.match(e.message, /spoolSync/);
          assert.doesNotMatch(e.message, /spool_sync/);
          return true;
        });
    }
  });

  it('stats() has replayed and spoolCorrupt', async () => {
    const c = new spoor.Client({ host: 'http://127.0.0.1:9', ...quiet });
    const s = c.stats();
    await c.close(0);
    assert.equal(s.replayed, 0);
    assert.equal(s.spoolCorrupt, 0);
    const names = Object.keys(s);
    assert.deepEqual(names.slice(names.indexOf('bytesSent') + 1, names.indexOf('bytesSent') + 3), ['replayed', 'spoolCorrupt']);
  });
});
