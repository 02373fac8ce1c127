#!/usr/bin/env node
// Bulk import of historical events from a JSON-lines file, with a progress bar on
// stderr. Each line is one event:
//   {"userId": "...", "eventName": "...", "properties": {...}, "timestamp": "...", "eventId": "..."}
// or any spoor message with a "type" (track, identify, group, page, ...).
// Lines with an eventId can be imported again safely: the server drops duplicates.
//
//   node bulk-import.js http://127.0.0.1:8080 [file.jsonl]   (default: sample-events.jsonl)
'use strict';
const fs = require('fs');
const path = require('path');
const readline = require('readline');
const { Client } = require('spoor');

const host = process.argv[2] || process.env.SPOOR_HOST || 'http://127.0.0.1:8080';
const file = process.argv[3] || path.join(__dirname, 'sample-events.jsonl');

const client = new Client({
  host,
  apiKey: process.env.SPOOR_API_KEY,
  flushAt: 100, // larger batches for imports
  flushInterval: 5000,
  maxQueueSize: 100000, // more queue capacity: nothing is dropped while reading ahead
});

/**
 * One progress line on stderr, redrawn in place on a terminal.
 * @param {number} done bytes read
 * @param {number} total bytes in the file
 * @param {number} events events queued so far
 */
function progress(done, total, events) {
  const width = 30;
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
  const line = `[${bar}] ${String(Math.round(ratio * 100)).padStart(3)}% ${events} events`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line}`);
  else process.stderr.write(`${line}\n`);
}

/**
 * The spoor call for one imported line.
 * @param {any} row
 */
function send(row) {
  if (row && typeof row.type === 'string') return client.enqueue(row);
  return client.track({
    userId: row.userId,
    anonymousId: row.anonymousId,
    event: row.eventName ?? row.event,
    properties: row.properties,
    timestamp: row.timestamp,
    eventId: row.eventId,
  });
}

async function main() {
  const total = fs.statSync(file).size;
  const stream = fs.createReadStream(file);
  const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
  let lineNo = 0;
  let queued = 0;
  /** @type {string[]} */
  const refused = [];
  let lastDraw = 0;
  progress(0, total, 0);
  for await (const line of lines) {
    lineNo++;
    if (!line.trim()) continue;
    try {
      await send(JSON.parse(line));
      queued++;
    } catch (err) {
      refused.push(`line ${lineNo}: ${err instanceof Error ? err.message : err}`);
    }
    if (Date.now() - lastDraw > 100) {
      lastDraw = Date.now();
      progress(stream.bytesRead, total, queued);
    }
  }
  progress(total, total, queued);
  if (process.stderr.isTTY) process.stderr.write('\n');

  await client.flush(); // ensure all events are sent
  await client.close();
  const s = client.stats();
  console.log(`Import complete: ${queued} queued, ${s.delivered} delivered, ${s.failed} failed, ${refused.length} refused`);
  for (const r of refused) console.error(r);
  if (s.failed > 0 || s.delivered !== queued) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
