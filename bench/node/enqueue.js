'use strict';
// Enqueue throughput of track() with a purchase's properties (bench/peers/shapes.py's purchase).
//   node bench/node/enqueue.js [events] [host]
// The host need not answer: only the call (validate + serialise + queue) is timed;
// the queue is large enough that nothing is dropped, and the worker keeps sending
// (or retrying) in its own thread meanwhile.
const spoor = require(process.env.SPOOR_NODE_PACKAGE || '../../node'); // the tree's package by default

const n = Number(process.argv[2] || 200000);
const host = process.argv[3] || 'http://127.0.0.1:9';
const client = new spoor.Client({
  host, maxQueueSize: 3 * n + 3000, flushAt: 10000, flushInterval: 600000, logLevel: 'error', flushOnExit: false, logger: () => {},
});

const options = {
  userId: 'user_123',
  event: 'purchase',
  properties: {
    revenue: 99.99,
    currency: 'USD',
    product_id: 'prod_456',
    items: [{ 'item name': 'item 1', price: 20 }, { 'item name': 'item 2', price: 15 }],
  },
};

async function main() {
  for (let i = 0; i < 2000; i++) await client.track(options); // warm up
  const rounds = [];
  for (let r = 0; r < 3; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) client.track(options);
    const ns = Number(process.hrtime.bigint() - t0);
    rounds.push(n / (ns / 1e9));
  }
  rounds.sort((a, b) => a - b);
  const s = client.stats();
  console.log(JSON.stringify({
    bench: 'track() enqueue', events: n, rounds: rounds.map(Math.round), median_events_per_s: Math.round(rounds[1]),
    accepted: s.accepted, dropped: s.dropped, node: process.version, core: spoor.coreVersion,
  }));
  await client.close(1).catch(() => {});
}
main();
