'use strict';
// Test helpers: start the collector (collector/) on a free port and talk to
// its /micro endpoints; wait for conditions; run child Node processes.
const { spawn, execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const PKG = path.join(__dirname, '..');
const REPO = path.join(PKG, '..');
// Opens the collector's /micro endpoints (every collector here is started with it).
const ADMIN_KEY = 'node-admin-key';

/** How /micro/requests shows a credential: a short hash, never the value. */
const fingerprint = (secret) => '***sha256:' + crypto.createHash('sha256').update(secret).digest('hex').slice(0, 8);

function findCollector() {
  const given = process.env.SPOOR_COLLECTOR;
  if (given) return fs.existsSync(given) ? path.resolve(given) : path.resolve(REPO, given);
  const dirs = fs.readdirSync(REPO).filter((d) => d.startsWith('build')).sort();
  for (const d of dirs) {
    const f = path.join(REPO, d, 'collector', 'spoor-collector');
    if (fs.existsSync(f)) return f;
  }
  throw new Error('spoor-collector not found: set SPOOR_COLLECTOR or build it ' +
    '(cmake -S . -B build && cmake --build build --target spoor-collector)');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(fn, { timeout = 10000, interval = 25, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await sleep(interval);
  }
}

/** A running collector: url, and helpers for its /micro endpoints. */
async function startCollector({ apiKey, secret, args: extra = [] } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spoor-node-test-'));
  const portFile = path.join(dir, 'port');
  const args = ['--port', '0', '--port-file', portFile, '--db', ':memory:', '--admin-key', ADMIN_KEY];
  if (apiKey) args.push('--api-key', apiKey);
  if (secret) args.push('--secret', secret);
  args.push(...extra);
  const proc = spawn(findCollector(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (d) => { output += d; });
  proc.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((r) => proc.once('exit', r));
  let port;
  await waitFor(() => {
    if (proc.exitCode !== null) throw new Error(`collector exited: ${output}`);
    try {
      const t = fs.readFileSync(portFile, 'utf8').trim();
      port = Number(t);
      return port > 0;
    } catch { return false; }
  }, { timeout: 10000, what: 'collector port file' });
  const url = `http://127.0.0.1:${port}`;

  async function get(p) {
    const res = await fetch(url + p, { headers: { 'x-api-key': ADMIN_KEY } });
    const text = await res.text();
    if (!res.ok) throw new Error(`GET ${p}: ${res.status} ${text}`);
    return JSON.parse(text);
  }
  async function post(p, body) {
    const res = await fetch(url + p, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': ADMIN_KEY }, body: body === undefined ? '' : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`POST ${p}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }
  const unwrap = (rows) => rows.map((r) => (r && r.event && !r.type ? r.event : r));
  const c = {
    url,
    proc,
    output: () => output,
    all: () => get('/micro/all'),
    good: async (q = {}) => unwrap(await get('/micro/good?' + new URLSearchParams(q))),
    bad: () => get('/micro/bad'),
    reset: () => post('/micro/reset'),
    requests: (limit = 100) => get(`/micro/requests?limit=${limit}`),
    fault: (f) => post('/micro/fault', f),
    /** Wait until at least n good events are stored; returns /micro/all. */
    async waitGood(n, timeout = 10000) {
      return waitFor(async () => { const a = await c.all(); return a.good >= n && a; },
        { timeout, what: `${n} good events` });
    },
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return c;
}

/**
 * Inside a describe(): one collector for the suite, reset before each test.
 * Returns an object that stands for it once the suite has started.
 */
function useCollector(opts) {
  const { before, after, beforeEach } = require('node:test');
  let col = null;
  before(async () => { col = await startCollector(opts); });
  after(() => col.stop());
  beforeEach(() => col.reset());
  return new Proxy({}, { get: (_, key) => col[key] });
}

/** Options for a fast test client. */
function fast(url, extra = {}) {
  return { host: url, flushAt: 1000, flushInterval: 50, retryBackoff: 10, retryBackoffMax: 50, closeTimeout: 5000, ...extra };
}

/** Run a Node script (text) in a child process; resolves {code, stdout, stderr, ms}. */
function runNode(script, { args = [], env = {}, cwd = PKG, timeout = 30000, input } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, ['-e', script, ...args], {
      cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`child timed out: ${stderr}`)); }, timeout);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 });
    });
    if (input) child.stdin.end(input); else child.stdin.end();
  });
}

module.exports = { PKG, REPO, fingerprint, findCollector, startCollector, useCollector, waitFor, sleep, fast, runNode, execFileSync };
