'use strict';
// Process exit without close(): the events still go out, within closeTimeout once.
//  - 'beforeExit' (the loop ran dry): flush every live client with new events,
//    asynchronously, within what is left of its exit budget (closeTimeout, counted
//    from the first such flush; a flush that finishes gives the budget back);
//  - 'exit' (process.exit(), the end of the script, an uncaught exception): close
//    every live client synchronously within what is left of that budget (all of
//    closeTimeout when no flush ran). This blocks the exiting thread at most that
//    long. What the close gives up (ABORTED) and its log lines reach the 'error'
//    and 'delivery' listeners and the logger before the process ends.
// SIGTERM/SIGINT kill the process without either event unless the application
// handles the signal; docs/node.md shows how.
// The set holds only clients not yet closed; each worker thread has its own.
const live = new Set();
const flushedAt = new WeakMap(); // client -> stats().accepted when its exit flush started
const budgetEnds = new WeakMap(); // client -> Date.now() by which the exit must be done
let installed = false;

function budgetLeft(client) {
  const ends = budgetEnds.get(client);
  return ends === undefined ? client._closeTimeout : Math.max(0, ends - Date.now());
}

function onBeforeExit() {
  for (const client of live) {
    const s = client.stats();
    if (s.queued === 0 || flushedAt.get(client) === s.accepted) continue;
    flushedAt.set(client, s.accepted);
    if (!budgetEnds.has(client)) budgetEnds.set(client, Date.now() + client._closeTimeout);
    const left = budgetLeft(client);
    if (left > 0) client.flush(left).then(() => budgetEnds.delete(client), () => {});
  }
}

function onExit() {
  for (const client of [...live]) {
    live.delete(client);
    try { client._native.closeSync(budgetLeft(client)); } catch { /* exiting anyway */ }
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
