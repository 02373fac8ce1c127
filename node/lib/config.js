'use strict';
// Options object -> the core's [snake_key, text] pairs.
//
// The list of keys and their types comes from the core (spoor_config_properties),
// never from a hand-written list: a key added to the core is an option here at once.
// Values are only turned into text; the core checks them and names the key.
const native = require('./native');
const { ConfigError } = require('./errors');

/** Options handled by the binding itself, not the core. */
const JS_OPTIONS = new Set(['onDelivery', 'logger', 'flushOnExit']);

const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
const snake = (s) => s.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());

let table = null;
/** Map camelCase option -> property ({name, type, default, description, min, max, secret}). */
function properties() {
  if (!table) {
    table = new Map();
    for (const p of native.properties()) table.set(camel(p.name), p);
  }
  return table;
}

/** Milliseconds from a duration text as the core prints it ("10000", "10s", "250ms"). */
function durationMs(text) {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(String(text));
  if (!m) return undefined;
  const mult = { ms: 1, s: 1000, m: 60000, h: 3600000 }[m[2] || 'ms'];
  return Math.round(Number(m[1]) * mult);
}

function toText(option, value, prop) {
  switch (typeof value) {
    case 'string': return value;
    case 'number': case 'bigint': return String(value);
    case 'boolean': return value ? 'true' : 'false';
    case 'object':
      if (value instanceof Date) return value.toISOString();
      if (prop.type === 'json') return JSON.stringify(value);
      break;
    default: break;
  }
  throw new ConfigError(`${option}: must be ${prop.type === 'json' ? 'an object' : 'a ' + prop.type}, not ${typeof value}`,
    'CONFIG_INVALID');
}

/**
 * Turn the options into {entries, token}: entries are [snake_key, text] pairs for
 * spoor_config_set(); token is the accessToken function when one was given. An
 * unknown option goes to the core as it is, which refuses it and says which key was
 * meant ("flushAT: unknown configuration key (did you mean flush_at?)", renamed to
 * flushAt by renameKey), except a core key in snake_case: that names the option
 * spelled the Node way.
 */
function toEntries(options) {
  const props = properties();
  const entries = [['binding', 'node']];
  let token = null;
  for (const [option, value] of Object.entries(options)) {
    if (JS_OPTIONS.has(option)) continue;
    const prop = props.get(option);
    if (!prop && props.has(camel(option))) {
      throw Object.assign(new ConfigError(`${option}: unknown configuration key (did you mean ${camel(option)}?)`,
        'CONFIG_UNKNOWN'), { option });
    }
    if (!prop) {
      entries.push([option, '']);
      continue;
    }
    if (value === undefined || value === null) continue; // the core's default
    if (option === 'accessToken' && typeof value === 'function') { token = value; continue; }
    let text;
    try { text = toText(option, value, prop); } catch (e) { throw Object.assign(e, { option }); }
    entries.push([prop.name, text]);
  }
  return { entries, token };
}

/**
 * Speak Node's names in a configuration error the core raised: its snake_case keys
 * become the camelCase options ("flush_at: ..." -> "flushAt: ..."), and err.option
 * names the option that failed when the core said which.
 */
function renameKey(err) {
  if (!err || typeof err.message !== 'string') return err;
  if (!/^CONFIG_/.test(err.code || '') && typeof err.key !== 'string') return err;
  if (!(err instanceof ConfigError)) {
    // e.g. NOT_SUPPORTED for a key this build lacks: still a configuration error.
    err = Object.assign(new ConfigError(err.message, err.code, err.errno), { key: err.key });
  }
  if (typeof err.key !== 'string') {
    // An error from client creation (e.g. "spool_dir: /x is in use by another client
    // (pid N); ...") names its key first: the option it is about.
    const m = /^([a-z][a-z0-9_]*): /.exec(err.message);
    if (m && [...properties().values()].some((p) => p.name === m[1])) err.key = m[1];
  }
  const names = [...properties().values()].map((p) => p.name).filter((n) => n.includes('_'))
    .sort((a, b) => b.length - a.length);
  let msg = err.message;
  // A key's name, not the same letters inside a value such as a path ("/var/spool_dir").
  for (const n of names) msg = msg.replace(new RegExp(`(?<![\\w/.-])${n}(?![\\w/.-])`, 'g'), camel(n));
  if (typeof err.key === 'string') {
    err.option = camel(err.key);
    if (!msg.includes(err.option)) msg = `${err.option}: ${msg}`;
  }
  err.message = msg;
  return err;
}

/** The default of a duration option, in ms. */
function defaultMs(option) {
  const p = properties().get(option);
  return p ? durationMs(p.default) : undefined;
}

module.exports = { toEntries, renameKey, properties, durationMs, defaultMs, camel, snake, JS_OPTIONS };
