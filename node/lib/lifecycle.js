'use strict';
// Process exit without close(): the events still go out.
//  - 'beforeExit' (the loop ran dry): flush every live client, asynchronously, once
//    per batch of new events, bounded by its closeTimeout;
//  - 'exit' (process.exit(), the end of the script, an uncaught exception): close
//    every live client synchronously, bounded by closeTimeout. This blocks the
//    exiting thread for at most that long.
// SIGTERM/SIGINT kill the process without either event unless the application
// handles the signal; docs/node.md shows how.
// The set holds only clients not yet closed; each worker thread has its own.
const live = new Set();
const flushedAt = new WeakMap();
let installed = false;

function onBeforeExit() {
  for (const client of live) {
    const s = client.stats();
    if (s.queued === 0 || flushedAt.get(client) === s.accepted) continue;
    flushedAt.set(client, s.accepted);
    client.flush(client._closeTimeout).catch(() => {});
  }
}

function onExit() {
  for (const client of [...live]) {
    live.delete(client);
    try { client._native.closeSync(client._closeTimeout ?? -1); } catch { /* exiting anyway */ }
  }
}

function register(client) {
  live.add(client);
  if (!installed) {
    installed = true;
    process.on('beforeExit', onBeforeExit);
    process.on('exit', onExit);
  }
}

function unregister(client) { live.delete(client); }

module.exports = { register, unregister, live };
