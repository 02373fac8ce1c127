'use strict';
// The process around the client: worker_threads, a child that exits without
// close(), the flush timer not keeping a process alive, deterministic ids and
// clock, ESM and loading from any directory.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const os = require('os');
const path = require('path');
const { Worker } = require('worker_threads');
const spoor = require('..');
const { useCollector, fast, runNode, waitFor, PKG } = require('./helpers');

describe('process', () => {
  const col = useCollector();

  it('a client inside a worker thread delivers, alongside one in the main thread', async () => {
    const main = new spoor.Client(fast(col.url, { flushOnExit: false }));
    const code = `
      const { parentPort, workerData } = require('worker_threads');
      const spoor = require(workerData.pkg);
      (async () => {
        const c = new spoor.Client({ host: workerData.url, flushInterval: 50 });
        for (let i = 0; i < 20; i++) await c.track({ userId: 'worker', event: 'w' + i });
        await c.close();
        parentPort.postMessage(c.stats());
      })().catch((e) => parentPort.postMessage({ error: e.message }));
    `;
    const runWorker = () => new Promise((resolve, reject) => {
      const w = new Worker(code, { eval: true, workerData: { pkg: PKG, url: col.url } });
      w.once('message', resolve);
      w.once('error', reject);
    });
    const [s1, s2] = await Promise.all([runWorker(), runWorker()]);
    for (let i = 0; i < 10; i++) await main.track({ userId: 'main', event: `m${i}` });
    await main.close();
    assert.equal(s1.error, undefined, s1.error);
    assert.equal(s1.delivered, 20);
    assert.equal(s2.delivered, 20);
    const all = await col.waitGood(50);
    assert.equal(all.good, 50);
  });

  it('a worker thread that ends without close() still delivers (environment cleanup closes it)', async () => {
    const code = `
      const { workerData } = require('worker_threads');
      const spoor = require(workerData.pkg);
      const c = new spoor.Client({ host: workerData.url, flushAt: 1000, flushInterval: 600000 });
      for (let i = 0; i < 5; i++) c.track({ userId: 'w', event: 'left' + i });
    `;
    await new Promise((resolve, reject) => {
      const w = new Worker(code, { eval: true, workerData: { pkg: PKG, url: col.url } });
      w.once('exit', resolve);
      w.once('error', reject);
    });
    assert.equal((await col.waitGood(5)).good, 5);
  });

  it('worker.terminate() closes the worker\'s clients, and their events arrive', async () => {
    const code = `
      const { parentPort, workerData } = require('worker_threads');
      const spoor = require(workerData.pkg);
      const c = new spoor.Client({ host: workerData.url, flushAt: 1000, flushInterval: 600000 });
      Promise.all([1, 2, 3].map((i) => c.track({ userId: 'w', event: 'terminated' + i })))
        .then(() => parentPort.postMessage('queued'));
      setInterval(() => {}, 1000); // keeps running until terminated
    `;
    const w = new Worker(code, { eval: true, workerData: { pkg: PKG, url: col.url } });
    await new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); });
    await w.terminate();
    assert.equal((await col.waitGood(3)).good, 3);
  });

  it('a child process that exits without close() delivers its events, and the timer does not hold it', async () => {
    const r = await runNode(`
      const spoor = require('.');
      const c = new spoor.Client({ host: process.argv[1], flushAt: 1000, flushInterval: 600000 });
      for (let i = 0; i < 25; i++) c.track({ userId: 'child', event: 'exit-' + i });
      // no flush, no close: the script simply ends
    `, { args: [col.url] });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.ms < 8000, `the child took ${r.ms} ms to exit`);
    const all = await col.waitGood(25);
    assert.equal(all.good, 25);
  });

  it('a child that calls process.exit() right after tracking still delivers', async () => {
    const r = await runNode(`
      const spoor = require('.');
      const c = new spoor.Client({ host: process.argv[1], flushAt: 1000, flushInterval: 600000 });
      c.track({ userId: 'child', event: 'abrupt' }).then(() => process.exit(3));
    `, { args: [col.url] });
    assert.equal(r.code, 3, r.stderr);
    assert.equal((await col.waitGood(1)).good, 1);
  });

  it('exit against a hanging collector takes closeTimeout once, and reports what it gave up', async () => {
    await col.fault({ delayMs: 20000, count: 5 });
    const r = await runNode(`
      const spoor = require('.');
      const t0 = Date.now();
      const c = new spoor.Client({ host: process.argv[1], closeTimeout: 2000, timeout: 30000, logLevel: 'error' });
      c.on('error', (e) => console.log('error event:', e.code, e.report.count));
      process.on('exit', () => console.log('exit after', Date.now() - t0, 'ms'));
      c.track({ userId: 'child', event: 'stuck' });
      c.track({ userId: 'child', event: 'stuck' });
    `, { args: [col.url] });
    assert.equal(r.code, 0, r.stderr);
    // Once: it used to flush for closeTimeout at 'beforeExit', then close for closeTimeout again at 'exit'.
    const took = Number(/exit after (\d+) ms/.exec(r.stdout)[1]);
    assert.ok(took >= 1900 && took < 2000 + 1000, `exit took ${took} ms`);
    assert.match(r.stdout, /error event: ABORTED 2/);
    assert.match(r.stderr, /\[spoor\] 2 events failed \(ABORTED\): client closed before delivery \(close timeout\)/);
  });

  it('a refused call nobody awaits does not end the process: it goes to \'error\' and the log', async () => {
    const r = await runNode(`
      const spoor = require('.');
      const c = new spoor.Client({ host: 'http://127.0.0.1:9', flushOnExit: false });
      // An Express handler's style: fire and forget, with a query parameter that was not there.
      c.track({ userId: undefined, event: 'page_view' });
      spoor.track({ userId: 'u', event: 'before init' });
      const heard = [];
      setTimeout(async () => {
        c.on('error', (e) => heard.push(e.name + ': ' + e.message));
        c.identify(42);
        c.track({ userId: 'u', event: 'queued' }); // accepted; the host is down, so:
        c.flush(1); // a flush that times out, not awaited either
        let awaited = null;
        try { await c.track({ event: 'no identity' }); } catch (e) { awaited = e.name; }
        const caught = await c.group('u').catch((e) => e.name);
        setTimeout(async () => {
          console.log(JSON.stringify({ heard, awaited, caught, alive: true }));
          await c.close(10).catch(() => {});
        }, 100);
      }, 100);
    `);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.alive, true);
    assert.equal(out.awaited, 'ValidationError'); // a caller who awaits still gets the rejection
    assert.equal(out.caught, 'ValidationError');
    assert.equal(out.heard.length, 2, out.heard.join('\n')); // identify and flush; not the awaited or caught ones
    assert.match(out.heard[0], /^ValidationError: identify: userId: must be a string/);
    assert.match(out.heard[1], /^TimeoutError: flush: 1 ms passed/);
    assert.match(r.stderr, /\[spoor\] track\(\) failed and its Promise was not awaited or caught: userId: one of userId/);
    assert.match(r.stderr, /\[spoor\] track\(\): spoor.init\(\{...\}\) must be called/);
    assert.match(r.stderr, /\[spoor\] identify\(\) failed and its Promise was not awaited or caught: identify: userId/);
    assert.doesNotMatch(r.stderr, /no identity|group\(\)/);
  });

  it('testFixedTime and testIdSeed make events deterministic', async () => {
    const opts = fast(col.url, { testFixedTime: '2026-11-23T10:00:00Z', testIdSeed: 42, flushOnExit: false });
    const run = async () => {
      const c = new spoor.Client(opts);
      await c.track({ userId: 'u', event: 'det-1' });
      await c.identify('u', { a: 1 });
      await c.close();
      return c.getAnonymousId();
    };
    const anon1 = await run();
    await col.waitGood(2);
    const first = await col.good();
    await col.reset();
    const anon2 = await run();
    await col.waitGood(2);
    const second = await col.good();
    assert.equal(anon1, anon2);
    const key = (evs) => evs.map((e) => `${e.eventId} ${e.timestamp} ${e.type}`).sort();
    assert.deepEqual(key(first), key(second));
    assert.ok(first.every((e) => e.timestamp === '2026-11-23T10:00:00.000Z'));
    // A different seed gives different ids.
    const c3 = new spoor.Client({ ...opts, testIdSeed: 43 });
    assert.notEqual(c3.getAnonymousId(), anon1);
    await c3.close();
  });

  it('ESM: import spoor from "spoor" and named imports, from another directory', async () => {
    const r = await runNode(`
      import(process.argv[1]).then(async (m) => {
        const spoor = m.default;
        const c = new m.Client({ host: process.argv[2], flushInterval: 50 });
        await c.track({ userId: 'esm', event: 'imported' });
        await c.close();
        console.log(typeof spoor.init, typeof m.track, m.ValidationError === spoor.ValidationError);
      });
    `, { args: [require('url').pathToFileURL(path.join(PKG, 'lib', 'index.mjs')).href, col.url], cwd: os.tmpdir() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'function function true');
    assert.equal((await col.waitGood(1)).good, 1);
  });

  it('require() works from any working directory', async () => {
    const r = await runNode(`const s = require(process.argv[1]); console.log(s.version, s.coreVersion, typeof s.Client);`,
      { args: [PKG], cwd: os.tmpdir() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\d+\.\d+\.\d+ \d+\.\d+\.\d+ function$/m);
  });

  it('a closed client can be garbage-collected', async () => {
    const r = await runNode(`
      const spoor = require('.');
      let collected = 0;
      const registry = new FinalizationRegistry(() => { collected++; });
      (async () => {
        for (let i = 0; i < 20; i++) {
          const c = new spoor.Client({ host: process.argv[1], flushInterval: 50 });
          await c.track({ userId: 'gc', event: 'e' + i });
          await c.close();
          registry.register(c, i);
        }
        for (let i = 0; i < 10 && collected < 20; i++) {
          global.gc();
          await new Promise((r) => setTimeout(r, 20));
        }
        console.log(collected);
      })();
    `, { args: [col.url], env: { NODE_OPTIONS: '--expose-gc' } });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(Number(r.stdout.trim()) >= 15, `collected ${r.stdout.trim()} of 20 closed clients`);
    assert.equal((await col.waitGood(20)).good, 20);
  });

  it('a live client does not keep the event loop alive', async () => {
    const r = await runNode(`
      const spoor = require('.');
      const c = new spoor.Client({ host: process.argv[1], flushInterval: 3600000, flushOnExit: false });
      setTimeout(() => console.log('done'), 10);
    `, { args: [col.url] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'done');
    assert.ok(r.ms < 5000);
  });
});
