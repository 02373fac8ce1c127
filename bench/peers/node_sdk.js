'use strict';
// One benchmark run of one Node SDK (or a floor) in this process; prints one JSON line.
//   node node_sdk.js --sdk spoor|segment|posthog|rudder|floor-json|floor-post
//        --n N --host URL --sink URL --mode tight|yield|down --modules DIR [--default-queue]
// tight: N calls in a loop that never yields; yield: the producer awaits setImmediate
// every 100 calls (a server between requests); down: the host is a closed port and only
// the calls are timed (the request path while the ingestion server is down).
// End to end: from the first call until the sink has counted all N events, after the SDK's
// own flush/close; the sink counts unique ids too, so lost and duplicated events show.
const http = require('http');
const zlib = require('zlib');
const path = require('path');

const args = {};
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a.startsWith('--')) {
    const next = process.argv[i + 1];
    if (next === undefined || next.startsWith('--')) args[a.slice(2)] = true;
    else { args[a.slice(2)] = next; i++; }
  }
}
const sdk = args.sdk;
const N = Number(args.n || 200000);
const mode = args.mode || 'yield';
const host = args.host;
const sinkUrl = args.sink;
const modules = args.modules;
const BATCH = 100;
const pkgVersion = (name) => JSON.parse(require('fs').readFileSync(path.join(modules, 'node_modules', name, 'package.json'), 'utf8')).version;
const load = (name) => require(require.resolve(name, { paths: [modules] }));

const EVENT = {
  userId: 'user_123',
  event: 'purchase',
  properties: {
    revenue: 99.99,
    currency: 'USD',
    product_id: 'prod_456',
    items: [{ 'item name': 'item 1', price: 20 }, { 'item name': 'item 2', price: 15 }],
  },
};

function getJSON(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let b = '';
      res.on('data', (c) => (b += c));
      res.on('end', () => { try { resolve(JSON.parse(b)); } catch (e) { reject(e); } });
    }).on('error', reject);
  });
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tick = () => new Promise((r) => setImmediate(r));
const nowNs = () => process.hrtime.bigint();

// Each SDK behind the same three functions: make(host), call(client), finish(client).
function adapter(name) {
  const quiet = () => {};
  switch (name) {
    case 'spoor': {
      const spoor = load('spoor');
      return {
        version: spoor.version,
        make: (h, q) => new spoor.Client({
          host: h, apiKey: 'bench', flushAt: BATCH, maxBatchEvents: BATCH, flushInterval: 10000,
          maxQueueSize: q ? undefined : N + 1000, logLevel: 'error', logger: quiet, flushOnExit: false,
          retryLimit: 3, closeTimeout: 0,
        }),
        call: (c) => { c.track(EVENT).catch(quiet); },
        finish: async (c) => { await c.flush(); },
        end: async (c) => { await c.close(0).catch(quiet); },
      };
    }
    case 'segment': {
      const { Analytics } = load('@segment/analytics-node');
      return {
        version: pkgVersion('@segment/analytics-node'),
        make: (h) => {
          const a = new Analytics({ writeKey: 'bench', host: h, maxEventsInBatch: BATCH, flushInterval: 10000 });
          a.on('error', quiet);
          return a;
        },
        call: (c) => c.track(EVENT),
        finish: async (c) => { await c.closeAndFlush({ timeout: 300000 }); },
        end: async () => {},
      };
    }
    case 'posthog': {
      const { PostHog } = load('posthog-node');
      return {
        version: pkgVersion('posthog-node'),
        make: (h, q) => {
          const o = { host: h, flushAt: BATCH, maxBatchSize: BATCH, flushInterval: 10000 };
          if (!q && !args['default-queue']) o.maxQueueSize = N + 1000;
          const p = new PostHog('bench', o);
          p.on && p.on('error', quiet);
          return p;
        },
        call: (c) => c.capture({ distinctId: EVENT.userId, event: EVENT.event, properties: EVENT.properties }),
        finish: async (c) => { await c.shutdown(300000); },
        end: async () => {},
      };
    }
    case 'rudder': {
      const Analytics = load('@rudderstack/rudder-sdk-node');
      return {
        version: pkgVersion('@rudderstack/rudder-sdk-node'),
        make: (h, q) => new Analytics('bench', {
          dataPlaneUrl: h, flushAt: BATCH, flushInterval: 10000, logLevel: 'error',
          maxInternalQueueSize: q ? undefined : N + 1000, errorHandler: quiet,
        }),
        call: (c) => c.track(EVENT),
        finish: async (c) => {
          for (let i = 0; i < 100000 && c.queue.length > 0; i++) await c.flush();
          await c.flush();
        },
        end: async () => {},
      };
    }
    default:
      throw new Error('unknown sdk ' + name);
  }
}

function pct(sorted, p) { return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]; }
function usage() {
  const cpu = process.cpuUsage();
  return { cpu_s: (cpu.user + cpu.system) / 1e6, peak_rss_mb: process.resourceUsage().maxRSS / 1024 };
}

// Times n calls one by one; the producer yields every 100 calls unless tight.
async function produce(call, n, yieldEvery) {
  const lat = new Float64Array(n);
  const t0 = nowNs();
  let inCalls = 0n;
  for (let i = 0; i < n; i++) {
    const a = nowNs();
    call();
    const d = nowNs() - a;
    inCalls += d;
    lat[i] = Number(d);
    if (yieldEvery && (i + 1) % yieldEvery === 0) await tick();
  }
  const wall = Number(nowNs() - t0) / 1e9;
  lat.sort();
  return { wall, inCalls: Number(inCalls) / 1e9, p50_us: pct(lat, 0.5) / 1e3, p99_us: pct(lat, 0.99) / 1e3, max_us: lat[n - 1] / 1e3 };
}

async function runSdk() {
  const a = adapter(sdk);
  if (mode === 'down') {
    const c = a.make(host, false);
    const r = await produce(() => a.call(c), N, 100);
    const out = { sdk, mode, n: N, version: a.version, down_p50_us: r.p50_us, down_p99_us: r.p99_us, down_max_us: r.max_us, ...usage() };
    console.log(JSON.stringify(out));
    process.exit(0);
  }
  const c = a.make(host, false);
  const t0 = nowNs();
  const r = await produce(() => a.call(c), N, mode === 'tight' ? 0 : 100);
  await a.finish(c);
  const tFlushed = Number(nowNs() - t0) / 1e9;
  // Wait until the sink has all N, or nothing more arrived for 3 s.
  let last = -1, lastChange = Date.now(), cnt, tDone = tFlushed;
  for (;;) {
    cnt = await getJSON(sinkUrl + '/count');
    if (cnt.unique >= N) { tDone = Number(nowNs() - t0) / 1e9; break; }
    if (cnt.events !== last) { last = cnt.events; lastChange = Date.now(); tDone = Number(nowNs() - t0) / 1e9; }
    else if (Date.now() - lastChange > 3000) break;
    await sleep(5);
  }
  const u = usage();
  await a.end(c);
  console.log(JSON.stringify({
    sdk, mode, n: N, version: a.version,
    enqueue_eps: N / r.inCalls, producer_eps: N / r.wall, p50_us: r.p50_us, p99_us: r.p99_us, max_us: r.max_us,
    flush_s: tFlushed, e2e_s: tDone, e2e_eps: cnt.unique / tDone,
    received: cnt.events, unique: cnt.unique, lost: N - cnt.unique, duplicates: cnt.events - cnt.unique,
    requests: cnt.requests, cpu_us_per_event: (u.cpu_s / N) * 1e6, ...u,
  }));
  process.exit(0);
}

// Floors: what any SDK must at least do per event, with nothing else around it.
async function floorJson() {
  const t0 = nowNs();
  let bytes = 0;
  for (let i = 0; i < N; i++) bytes += JSON.stringify(EVENT).length;
  const s = Number(nowNs() - t0) / 1e9;
  console.log(JSON.stringify({ sdk, n: N, enqueue_eps: N / s, bytes_per_event: bytes / N, ...usage() }));
}

// Ready batches of 100 (serialised once, the way spoor's wire format has them), posted one
// after another over one kept-alive connection; done when the sink has counted them all.
async function floorPost() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const batch = [];
  for (let i = 0; i < BATCH; i++) batch.push({ ...EVENT, eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, type: 'track', eventName: 'purchase' });
  const u = new URL(host + '/v1/batch');
  const bodies = [];
  const nb = Math.ceil(N / BATCH);
  // Distinct ids per batch so that the sink's unique count is N.
  for (let b = 0; b < nb; b++) {
    for (let i = 0; i < BATCH; i++) batch[i].eventId = `00000000-0000-4000-8000-${String(b * BATCH + i).padStart(12, '0')}`;
    bodies.push(Buffer.from(JSON.stringify({ sentAt: new Date().toISOString(), batch })));
  }
  const post = (body) => new Promise((resolve, reject) => {
    const req = http.request({ agent, hostname: u.hostname, port: u.port, path: u.pathname, method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => { res.resume(); res.on('end', resolve); });
    req.on('error', reject);
    req.end(body);
  });
  const t0 = nowNs();
  for (const b of bodies) await post(b);
  let cnt;
  for (;;) { cnt = await getJSON(sinkUrl + '/count'); if (cnt.unique >= N) break; await sleep(2); }
  const s = Number(nowNs() - t0) / 1e9;
  console.log(JSON.stringify({ sdk, n: N, e2e_eps: cnt.unique / s, e2e_s: s, received: cnt.events, lost: N - cnt.unique, ...usage() }));
  agent.destroy();
}

(sdk === 'floor-json' ? floorJson() : sdk === 'floor-post' ? floorPost() : runSdk()).catch((e) => {
  console.error(e && e.stack || e);
  process.exit(1);
});
