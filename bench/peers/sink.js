'use strict';
// The benchmark's sink: a local HTTP server, in its own process, that answers 200 at once
// and counts the events of every SDK's batch format (gzip or deflate bodies decoded):
//   Segment / Rudder / spoor  {"batch": [...]}   (/v1/batch)
//   PostHog                   {"api_key", "batch": [...]} (/batch/, /i/v0/e/), or one event (/e/, /capture/)
// and any bare JSON array of events.
//   node sink.js [port] [portfile]      GET /count -> {"events", "unique", "requests", "bytes", "formats"}
//                                       POST /reset -> zeroes everything
// Unique events are counted by their id (messageId, uuid, eventId), so that duplicates a
// retrying SDK delivered can be told from lost events; and by format, from the keys the
// formats name their ids with: "segment" (Segment's messageId, no eventId: Segment's and
// Rudder's libraries, spoor with protocol=segment), "spoor" (wire v1's eventId), "other".
const http = require('http');
const zlib = require('zlib');
const fs = require('fs');

let events = 0, requests = 0, bytes = 0, bad = 0, noId = 0;
let seen = new Set();
let formats = { segment: 0, spoor: 0, other: 0 };

function idOf(e) {
  if (!e || typeof e !== 'object') return undefined;
  return e.messageId || e.uuid || e.eventId || (e.properties && (e.properties.$insert_id || e.properties.uuid));
}
function count(list) {
  for (const e of list) {
    events++;
    if (e && typeof e === 'object' && e.eventId !== undefined) formats.spoor++;
    else if (e && typeof e === 'object' && typeof e.messageId === 'string' && typeof e.type === 'string') formats.segment++;
    else formats.other++;
    const id = idOf(e);
    if (id === undefined) noId++; else seen.add(id);
  }
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url.startsWith('/count')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ events, unique: seen.size + noId, requests, bytes, bad, formats }));
    return;
  }
  if (req.method === 'POST' && req.url.startsWith('/reset')) {
    events = 0; requests = 0; bytes = 0; bad = 0; noId = 0; seen = new Set();
    formats = { segment: 0, spoor: 0, other: 0 };
    res.writeHead(200); res.end('{}');
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    // Answer at once; decode and count after the response is on its way.
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":1}');
    if (req.method !== 'POST') return;
    requests++;
    let body = Buffer.concat(chunks);
    bytes += body.length;
    try {
      const enc = req.headers['content-encoding'] || '';
      if (enc.includes('gzip') || (body[0] === 0x1f && body[1] === 0x8b)) body = zlib.gunzipSync(body);
      else if (enc.includes('deflate')) body = zlib.inflateSync(body);
      let text = body.toString('utf8');
      if (text.startsWith('data=')) text = Buffer.from(decodeURIComponent(text.slice(5).split('&')[0]), 'base64').toString();
      const doc = JSON.parse(text);
      if (Array.isArray(doc)) count(doc);
      else if (doc && Array.isArray(doc.batch)) count(doc.batch);
      else if (doc && typeof doc === 'object' && doc.event) count([doc]);
      else bad++;
    } catch (e) {
      bad++;
    }
  });
});
server.keepAliveTimeout = 60000;
server.headersTimeout = 65000;
server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  const port = server.address().port;
  if (process.argv[3]) fs.writeFileSync(process.argv[3], String(port));
  else console.log(port);
});
process.on('SIGTERM', () => process.exit(0));
