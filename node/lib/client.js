'use strict';
// The Client: a thin shell over the native client. Arguments become JSON texts
// (JSON.stringify; a Date becomes its ISO string), the core validates and queues,
// and every enqueue call returns an already-settled Promise: resolved once the
// event is queued, rejected with a ValidationError (naming the field and the rule)
// when the core refused it; a rejection nobody handles goes to 'error' and the log
// (lib/rejection.js), never to the process. Nothing here waits on the network.
const EventEmitter = require('events');
const native = require('./native');
const config = require('./config');
const lifecycle = require('./lifecycle');
const { rejected, guarded } = require('./rejection');
const { SpoorError, ValidationError, ConfigError, makeError } = require('./errors');

const RESOLVED = Promise.resolve();
const LEVELS = { 3: 'error', 4: 'warn', 6: 'info', 7: 'debug' };

/** JSON text of v, or null when v is undefined or null (both mean "absent" to the core). */
function json(op, field, v) {
  if (v === undefined || v === null) return null;
  try {
    return JSON.stringify(v);
  } catch (e) {
    throw new ValidationError(`${op}: ${field}: cannot be serialised to JSON (${e.message})`, 'INVALID');
  }
}

/** A string argument for the C API, or null when absent. */
function str(op, field, v) {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new ValidationError(`${op}: ${field}: must be a string`, 'INVALID');
  return v;
}

/** A timeout for the core: whole ms, or -1 (none given, negative or infinite: the default). */
function timeoutArg(t) {
  if (t === undefined || t === null) return -1;
  const ms = Number(t);
  if (!Number.isFinite(ms) || ms < 0) return -1;
  return Math.min(Math.floor(ms), 2147483647);
}

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

class Client extends EventEmitter {
  /**
   * @param {object|string} options the configuration (camelCase keys); a string is the apiKey.
   */
  constructor(options = {}) {
    super();
    if (typeof options === 'string') options = { apiKey: options };
    if (!isPlainObject(options)) throw new ConfigError('Client options must be an object', 'CONFIG_INVALID');
    const { onDelivery, logger, flushOnExit = true } = options;
    if (onDelivery !== undefined && typeof onDelivery !== 'function') {
      throw Object.assign(new ConfigError('onDelivery: must be a function', 'CONFIG_INVALID'), { option: 'onDelivery' });
    }
    if (logger !== undefined && logger !== null && typeof logger !== 'function') {
      throw Object.assign(new ConfigError('logger: must be a function (level, message)', 'CONFIG_INVALID'), { option: 'logger' });
    }
    const { entries, token } = config.toEntries(options);
    this._onDelivery = onDelivery;
    this._logger = logger || null;
    this._closing = null;

    const handler = (kind, a, b) => this._dispatch(kind, a, b);
    let getToken;
    if (token) {
      getToken = (done) => {
        let r;
        try { r = token(); } catch (e) { done(null); return; }
        Promise.resolve(r).then((t) => done(typeof t === 'string' ? t : null), () => done(null));
      };
    }
    try {
      this._native = new native.NativeClient(entries, handler, getToken);
    } catch (e) {
      if (e instanceof ConfigError) e.option = config.optionOf(e);
      throw e;
    }
    /** close_timeout as the core read it, in ms: the exit-time close's budget (lib/lifecycle.js). */
    this._closeTimeout = this._native.closeTimeout();
    // Reports cross into JS only while something listens for them.
    this._interest();
    this.on('newListener', (event) => {
      if (event === 'delivery') this._native.interest(true, true);
      else if (event === 'error') this._native.interest(Boolean(this._onDelivery) || this.listenerCount('delivery') > 0, true);
    });
    this.on('removeListener', () => this._interest());
    if (flushOnExit) lifecycle.register(this);
  }

  // ---- operations (each returns an already-settled Promise) ----

  /** recordEvent: an event of a custom collection. */
  recordEvent(collection, event) {
    return this._settle('recordEvent', () => this._native.recordEvent(str('recordEvent', 'collection', collection) ?? '',
      json('recordEvent', 'event', event) ?? 'null'));
  }

  /** profile({profileId, user_identifier, account_identifier, ...attributes}). */
  profile(attributes) {
    return this._settle('profile', () => this._native.profile(json('profile', 'attributes', attributes) ?? 'null'));
  }

  /** trackConsents([{regulation, purpose, consented}], {profileId} | {userId}). */
  trackConsents(consents, subject = {}) {
    if (typeof subject === 'string') subject = { profileId: subject };
    return this._settle('trackConsents', () => this._native.trackConsents(json('trackConsents', 'consents', consents) ?? 'null',
      json('trackConsents', 'subject', subject)));
  }

  /** track({event, userId, anonymousId, profileId, properties, eventId, timestamp, ...}). */
  track(options) {
    return this._settle('track', () => this._native.track(json('track', 'options', options) ?? 'null'));
  }

  /** identify(userId, traits) or identify({userId, traits}). */
  identify(userId, traits) {
    if (isPlainObject(userId)) ({ userId, traits } = userId);
    return this._settle('identify', () => this._native.identify(str('identify', 'userId', userId), json('identify', 'traits', traits)));
  }

  /** group(userId, groupId, traits) or group({userId, groupId, traits}). */
  group(userId, groupId, traits) {
    if (isPlainObject(userId)) ({ userId, groupId, traits } = userId);
    return this._settle('group', () => this._native.group(str('group', 'userId', userId), str('group', 'groupId', groupId),
      json('group', 'traits', traits)));
  }

  /** page(userId, name, properties) or page({userId, name, properties}). */
  page(userId, name, properties) {
    if (isPlainObject(userId)) ({ userId, name, properties } = userId);
    return this._settle('page', () => this._native.page(str('page', 'userId', userId), str('page', 'name', name),
      json('page', 'properties', properties)));
  }

  /** product({productId, data}) or a catalog product {id, title, description, url, image_link, ...}. */
  product(product) {
    return this._settle('product', () => this._native.product(json('product', 'product', product) ?? 'null'));
  }

  /** Ingest a JSON or XML catalog feed (its text, its bytes, or a file path); resolves with the product count. */
  ingestFeed(textOrPath) {
    try {
      // Bytes go down as they are (a Buffer is a Uint8Array): the core refuses invalid
      // UTF-8, which toString would hide behind U+FFFD.
      const text = textOrPath instanceof Uint8Array
        ? Buffer.from(textOrPath.buffer, textOrPath.byteOffset, textOrPath.byteLength)
        : str('ingestFeed', 'textOrPath', textOrPath);
      return Promise.resolve(this._native.ingestFeed(text ?? ''));
    } catch (e) {
      return rejected(e, (err) => this._unheard('ingestFeed', err));
    }
  }

  /** batch([{type: 'track', ...}, ...]): all validated first; nothing queued on any error. */
  batch(messages) {
    return this._settle('batch', () => this._native.batch(json('batch', 'messages', messages) ?? 'null'));
  }

  /** One message with a "type", as in batch(). */
  enqueue(message) {
    return this._settle('enqueue', () => this._native.enqueue(json('enqueue', 'message', message) ?? 'null'));
  }

  // ---- waiting ----

  /** Resolves when everything queued before the call is delivered or has finally failed. */
  flush(timeoutMs) {
    const unheard = (err) => this._unheard('flush', err);
    try {
      return guarded(this._native.flush(timeoutArg(timeoutMs)), unheard);
    } catch (e) {
      return rejected(e, unheard);
    }
  }

  /** Flush (within timeoutMs, default closeTimeout), stop the worker, release everything. */
  close(timeoutMs) {
    if (this._closing) return this._closing;
    lifecycle.unregister(this);
    const unheard = (err) => this._unheard('close', err);
    try {
      this._closing = guarded(this._native.close(timeoutArg(timeoutMs)), unheard);
    } catch (e) {
      this._closing = rejected(e, unheard);
    }
    return this._closing;
  }

  /** The client's own anonymous id, stable for its life. */
  getAnonymousId() { return this._native.anonymousId(); }
  get anonymousId() { return this._native.anonymousId(); }

  /** The core's counters (SPOOR_STATS_COUNTERS), camelCase: accepted, queued, delivered, ... */
  stats() {
    const out = {};
    for (const [name, value] of this._native.stats()) out[config.camel(name)] = value;
    return out;
  }

  get closed() { return this._closing !== null; }

  // ---- refused calls ----

  /** The Promise of an enqueue call: resolved, or rejected with what fn threw. */
  _settle(op, fn) {
    try {
      fn();
      return RESOLVED;
    } catch (e) {
      return rejected(e, (err) => this._unheard(op, err));
    }
  }

  /** A rejection nobody awaited or caught: to 'error' listeners and the log, never the process. */
  _unheard(op, err) {
    this._log(3, `${op}() failed and its Promise was not awaited or caught: ${err.message}`);
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  // ---- from the native side ----

  _interest() {
    const delivered = Boolean(this._onDelivery) || this.listenerCount('delivery') > 0;
    this._native.interest(delivered, delivered || this.listenerCount('error') > 0);
  }

  _dispatch(kind, a, b) {
    try {
      if (kind === 'log') this._log(a, b);
      else if (kind === 'delivery') this._delivery(a);
    } catch (e) {
      // A listener's exception must not unwind into the addon; surface it as Node would.
      process.nextTick(() => { throw e; });
    }
  }

  _log(level, message) {
    const name = LEVELS[level] || 'info';
    if (this.listenerCount('log') > 0) this.emit('log', { level: name, message });
    if (this._logger) {
      this._logger(name, message);
    } else if (level <= 4) {
      console.error(`[spoor] ${message}`);
    } else {
      console.log(`[spoor] ${message}`);
    }
  }

  _delivery(r) {
    const report = {
      ok: r.code === 'OK',
      code: r.code,
      httpStatus: r.httpStatus,
      reason: r.reason,
      count: r.count,
      eventIds: r.eventIds,
      events: r.events.map((t) => { try { return JSON.parse(t); } catch { return t; } }),
      error: null,
    };
    if (!report.ok) {
      report.error = makeError(r.code, `${r.count} event(s) not delivered: ${r.reason}`, r.errno);
      report.error.report = report;
    }
    if (this._onDelivery) this._onDelivery(report);
    this.emit('delivery', report);
    // 'error' only with a listener: an unheard failed delivery must not crash the process
    // (the core has logged it and counted it in stats()).
    if (!report.ok && this.listenerCount('error') > 0) this.emit('error', report.error);
  }
}

module.exports = { Client, SpoorError };
