// producer.js: the Node side of the reliability suite's kill -9 scenario (run.py).
//
//   node producer.js PACKAGE_DIR HOST SPOOL_DIR N PREFIX PROGRESS [SPOOL_SYNC]
//
// Sends N track events with eventIds PREFIX-0 .. PREFIX-(N-1) through the spoor
// package at PACKAGE_DIR with a spool, writing "accepted A" (fs.writeSync: nothing
// waits in a buffer when the process is killed) after every PROGRESS accepted
// events, then closes and prints one JSON line with the stats. Exit 77 when this
// core refuses spoolDir (NOT_SUPPORTED).
'use strict';
const fs = require('fs');

async function main() {
  const [pkg, host, spoolDir, nText, prefix, progressText, spoolSync = 'batch'] = process.argv.slice(2);
  const { Client } = require(pkg);
  const n = Number(nText), progress = Number(progressText);
  let client;
  try {
    client = new Client({ host, spoolDir, spoolSync, flushAt: 500, maxBatchEvents: 500, flushInterval: 50,
                          maxQueueSize: 1000000, retryBackoff: 10, retryBackoffMax: 100 });
  } catch (e) {
    if (e.code === 'NOT_SUPPORTED') {
      fs.writeSync(1, JSON.stringify({ unsupported: 'spoolDir', error: e.message }) + '\n');
      process.exit(77);
    }
    throw e;
  }
  let accepted = 0;
  for (let i = 0; i < n; i++) {
    // The call validates and queues synchronously; the Promise is already settled.
    await client.track({ event: 'reliability', userId: `u${i % 97}`, eventId: `${prefix}-${i}`,
                         properties: { i, prefix } });
    accepted++;
    if (accepted % progress === 0) fs.writeSync(1, `accepted ${accepted}\n`);
  }
  await client.close(60000);
  fs.writeSync(1, JSON.stringify({ role: 'main', pid: process.pid, attempted: n, accepted,
                                   stats: client.stats() }) + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
