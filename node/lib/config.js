'use strict';
// Options object -> the [key, text] pairs the core is configured with.
//
// The core takes the options by their camelCase names (the addon sets its key_style to
// camel), so it checks every key and value and words every error in Node's names, its
// guess for a misspelt option included. This file only turns each value into the text
// the core parses; the keys and their types come from the core's property table
// (spoor_config_property), never from a hand-written list.
const native = require('./native');
const { ConfigError } = require('./errors');

/** Options handled by the binding itself, not the core. */
const JS_OPTIONS = new Set(['onDelivery', 'logger', 'flushOnExit']);

/** The core's snake_case names as Node spells them (the same rule as the core's key_style). */
const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

let table = null;
/** Map option -> property ({name, type, default, description, min, max, secret, unstable}). */
function properties() {
  if (!table) {
    table = new Map();
    for (const p of native.properties()) table.set(camel(p.name), p);
  }
  return table;
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
  throw Object.assign(new ConfigError(`${option}: must be ${prop.type === 'json' ? 'an object' : 'a ' + prop.type}, not ${typeof value}`,
    'CONFIG_INVALID'), { option });
}

/**
 * Turn the options into {entries, token}: entries are [option, text] pairs for
 * spoor_config_set(); token is the accessToken function when one was given. An option
 * the core does not have goes to it as it is: the core refuses it and says which one
 * was meant.
 */
function toEntries(options) {
  const props = properties();
  const entries = [];
  let token = null;
  for (const [option, value] of Object.entries(options)) {
    if (JS_OPTIONS.has(option)) continue;
    const prop = props.get(option);
    if (prop && (value === undefined || value === null)) continue; // the core's default
    if (option === 'accessToken' && typeof value === 'function') { token = value; continue; }
    entries.push([option, prop ? toText(option, value, prop) : '']);
  }
  return { entries, token };
}

/**
 * The option a configuration error is about: the one the core refused when it was set
 * (err.key, from the addon), else the key the core's message starts with ("spoolDir: ...
 * is in use by another client"), as every configuration error does.
 */
function optionOf(err) {
  if (typeof err.key === 'string') return err.key;
  const m = /^([A-Za-z][A-Za-z0-9]*)[:.]/.exec(err.message || '');
  return m && properties().has(m[1]) ? m[1] : undefined;
}

module.exports = { toEntries, optionOf, properties, camel, JS_OPTIONS };
