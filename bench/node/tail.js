'use strict';
// Where track()'s p99 comes from, as ci/bench measures it: N purchases, a new object per
// call, the producer yielding every 100 calls, delivered to bench/peers/sink.js (a child
// process). Each call is timed alone, and the process's minor page faults are read before
// and after it (process.resourceUsage(), outside the timed part), so the slow calls can be
// told apart: those that touched new memory, those that run every 256th call (the core
// draws random bytes for 256 event ids at once), the first call after each yield.
//   node bench/node/tail.js [--n 200000] [--warm] [--capture]
//     --warm     first send N events and flush, then time N more: the queue's memory was
//                touched once already, as in a service that has been running a while
//     --capture  mode 'capture' (nothing is sent; the captured events stay in memory)
// Run it pinned to one core to match ci/bench: taskset -c 0 node bench/node/tail.js
const path = require('path');
const fs = require('fs');
const os = require('os');
const { spawn } = require('child_process');
const spoor = require(process.env.SPOOR_NODE_PACKAGE || '../../node'); // the tree's package by default

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? dflt : process.argv[i + 1];
};
const N = Number(arg('n', 200000));
const warm = process.argv.includes('--warm');
const capture = process.argv.includes('--capture');
const SLOW_US = 5; // issue 19's p99 goal

// bench/peers/shapes.py's purchase, as its generated builder makes it.
const purchase = (i) => ({ userId: 'user_' + i, event: 'purchase', properties: { revenue: 99.99, currency: 'USD',
  product_id: 'prod_' + i, items: [{ 'item name': 'item 1', price: 20 }, { 'item name': 'item 2', price: 15 }] } });

function startSink() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spoor-tail-'));
  const portfile = path.join(dir, 'port');
  const child = spawn(process.execPath, [path.join(__dirname, '..', 'peers', 'sink.js'), '0', portfile], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const poll = () => {
      const port = fs.existsSync(portfile) ? fs.readFileSync(portfile, 'utf8').trim() : '';
      if (port) resolve({ url: `http://127.0.0.1:${port}`, stop: () => { child.kill(); fs.rmSync(dir, { recursive: true }); } });
      else if (Date.now() - t0 > 10000) reject(new Error('the sink did not start'));
      else setTimeout(poll, 20);
    };
    poll();
  });
}

const tick = () => new Promise((r) => setImmediate(r));
const pct = (sorted, p) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN;
const us = (ns) => (ns / 1e3).toFixed(2);

async function main() {
  const sink = capture ? null : await startSink();
  const client = new spoor.Client({
    host: sink ? sink.url : 'http://127.0.0.1:9', apiKey: 'bench', mode: capture ? 'capture' : undefined,
    flushAt: 100, maxBatchEvents: 100, flushInterval: 10000, maxQueueSize: 2 * N + 1000,
    logLevel: 'error', logger: () => {}, flushOnExit: false, closeTimeout: 0,
  });
  const quiet = () => {};
  if (warm) {
    for (let i = 0; i < N; i++) {
      client.track(purchase(i)).catch(quiet);
      if ((i + 1) % 100 === 0) await tick();
    }
    if (!capture) await client.flush();
  }
  const lat = new Float64Array(N);
  const faulted = new Uint8Array(N);
  let faults = process.resourceUsage().minorPageFault;
  for (let i = 0; i < N; i++) {
    const ev = purchase(i);
    const a = process.hrtime.bigint();
    client.track(ev).catch(quiet);
    lat[i] = Number(process.hrtime.bigint() - a);
    const f = process.resourceUsage().minorPageFault;
    faulted[i] = f > faults ? 1 : 0;
    faults = f;
    if ((i + 1) % 100 === 0) await tick();
  }
  const groups = { all: [], 'took a page fault': [], 'no page fault': [], 'first after a yield': [] };
  const slowBy256 = new Uint32Array(256);
  let slow = 0, slowFaulted = 0, slowFirst = 0;
  for (let i = 0; i < N; i++) {
    groups.all.push(lat[i]);
    groups[faulted[i] ? 'took a page fault' : 'no page fault'].push(lat[i]);
    if (i % 100 === 0) groups['first after a yield'].push(lat[i]);
    if (lat[i] > SLOW_US * 1e3) {
      slow++;
      slowFaulted += faulted[i];
      if (i % 100 === 0) slowFirst++;
      slowBy256[i % 256]++;
    }
  }
  const rows = Object.entries(groups).map(([name, v]) => {
    v.sort((x, y) => x - y);
    return { calls: name, n: v.length, p50_us: us(pct(v, 0.5)), p99_us: us(pct(v, 0.99)), max_us: us(v[v.length - 1]) };
  });
  let peak = 0;
  for (let r = 1; r < 256; r++) if (slowBy256[r] > slowBy256[peak]) peak = r;
  const s = client.stats();
  const out = {
    n: N, warm, capture, slow_over_us: SLOW_US, slow_calls: slow, slow_share: +(slow / N).toFixed(4),
    slow_with_page_fault: slowFaulted, slow_first_after_yield: slowFirst,
    slow_at_one_index_mod_256: { index: peak, calls: slowBy256[peak], every_256th_call: Math.floor(N / 256) },
    minor_page_faults_per_call: +(faulted.reduce((x, y) => x + y, 0) / N).toFixed(3),
    peak_rss_mb: +(process.resourceUsage().maxRSS / 1024).toFixed(1), queued_at_end: s.queued,
  };
  console.table(rows);
  console.log(JSON.stringify(out));
  await client.close(0).catch(quiet);
  if (sink) sink.stop();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
