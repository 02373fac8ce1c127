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

/** Whether an object form holds keys besides its positional arguments (timestamp, context, ...):
 * then it goes whole to the core as a message of its type, which takes or refuses each key. */
const hasMore = (obj, keys) => Object.keys(obj).some((k) => obj[k] !== undefined && !keys.includes(k));

/**
 * The user's beforeSend as the addon calls it, inside the call that built the event:
 * the event's JSON text in; out the changed event's text, null to drop it (the hook
 * returned null or nothing), or {failed: why}, which the core logs before it sends the
 * event unchanged.
 */
function hookOf(beforeSend) {
  return (text) => {
    try {
      const out = beforeSend(JSON.parse(text));
      if (out === null || out === undefined) return null;
      if (typeof out.then === 'function') {
        return { failed: 'beforeSend returned a Promise: it runs inside the call and must return the event itself' };
      }
      if (!isPlainObject(out)) return { failed: `beforeSend returned ${Array.isArray(out) ? 'an array' : typeof out}, not an object or null` };
      return JSON.stringify(out);
    } catch (e) {
      return { failed: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
    }
  };
}

class Client extends EventEmitter {
  /**
   * @param {object|string} options the configuration (camelCase keys); a string is the apiKey.
   */
  constructor(options = {}) {
    super();
    if (typeof options === 'string') options = { apiKey: options };
    if (!isPlainObject(options)) throw new ConfigError('Client options must be an object', 'CONFIG_INVALID');
    const { onDelivery, logger, beforeSend, flushOnExit = true } = options;
    if (onDelivery !== undefined && typeof onDelivery !== 'function') {
      throw Object.assign(new ConfigError('onDelivery: must be a function', 'CONFIG_INVALID'), { option: 'onDelivery' });
    }
    if (beforeSend !== undefined && beforeSend !== null && typeof beforeSend !== 'function') {
      throw Object.assign(new ConfigError('beforeSend: must be a function (event) => event | null', 'CONFIG_INVALID'),
        { option: 'beforeSend' });
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
      this._native = new native.NativeClient(entries, handler, getToken, beforeSend ? hookOf(beforeSend) : undefined);
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
    // _settle's body without its closure: the one call a service makes per request.
    try {
      this._native.track(json('track', 'options', options) ?? 'null');
      return RESOLVED;
    } catch (e) {
      return rejected(e, (err) => this._unheard('track', err));
    }
  }

  /** identify(userId, traits) or identify({userId, traits, ...}). */
  identify(userId, traits) {
    if (isPlainObject(userId)) {
      if (hasMore(userId, ['userId', 'traits'])) return this.enqueue({ type: 'identify', ...userId });
      ({ userId, traits } = userId);
    }
    return this._settle('identify', () => this._native.identify(str('identify', 'userId', userId), json('identify', 'traits', traits)));
  }

  /** group(userId, groupId, traits) or group({userId, groupId, traits, ...}). */
  group(userId, groupId, traits) {
    if (isPlainObject(userId)) {
      if (hasMore(userId, ['userId', 'groupId', 'traits'])) return this.enqueue({ type: 'group', ...userId });
      ({ userId, groupId, traits } = userId);
    }
    return this._settle('group', () => this._native.group(str('group', 'userId', userId), str('group', 'groupId', groupId),
      json('group', 'traits', traits)));
  }

  /** page(userId, name, properties) or page({userId, name, properties, ...}). */
  page(userId, name, properties) {
    return this._named('page', userId, name, properties);
  }

  /** screen(userId, name, properties) or screen({userId, name, properties, ...}): an app's screen view. */
  screen(userId, name, properties) {
    return this._named('screen', userId, name, properties);
  }

  /** alias(previousId, userId) or alias({previousId, userId, ...}): previousId is userId from now on. */
  alias(previousId, userId) {
    if (isPlainObject(previousId)) {
      if (hasMore(previousId, ['previousId', 'userId'])) return this.enqueue({ type: 'alias', ...previousId });
      ({ previousId, userId } = previousId);
    }
    return this._settle('alias', () => this._native.alias(str('alias', 'previousId', previousId), str('alias', 'userId', userId)));
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

  // ---- the Get APIs: the server's schema registry ----
  // The only calls that wait on the network: one GET on a libuv worker thread (never
  // the event loop), bounded by `timeout`; they never touch the event queue.

  /**
   * fetchSources({orgName, projectName}) (or fetchSources(orgName, projectName)): the
   * project's sources with their collections, {org, project, sources: [{id, name, collections}]}.
   */
  fetchSources(params, projectName) {
    const p = typeof params === 'string' ? { orgName: params, projectName } : (params ?? {});
    return this._fetch('fetchSources', [['orgName', p.orgName], ['projectName', p.projectName]]);
  }

  /** fetchCollections(source): {source, collections: {collection: {field: type}}}, what collectionSchemas takes. */
  fetchCollections(source) {
    return this._fetch('fetchCollections', [['source', source]]);
  }

  _fetch(op, args) {
    const unheard = (err) => this._unheard(op, err);
    try {
      const texts = args.map(([field, v]) => str(op, field, v));
      return guarded(this._native.fetch(...texts).then((text) => JSON.parse(text)), unheard);
    } catch (e) {
      return rejected(e, unheard);
    }
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

  /** page and screen: their positional and object forms. */
  _named(op, userId, name, properties) {
    if (isPlainObject(userId)) {
      if (hasMore(userId, ['userId', 'name', 'properties'])) return this.enqueue({ type: op, ...userId });
      ({ userId, name, properties } = userId);
    }
    return this._settle(op, () => this._native[op](str(op, 'userId', userId), str(op, 'name', name),
      json(op, 'properties', properties)));
  }

  // ---- test mode (mode: 'capture') ----

  /** The events captured so far, oldest first, as they would have been sent. */
  captured() { return JSON.parse(this._native.captured()); }

  /** Forget the events captured so far. */
  clearCaptured() { this._native.clearCaptured(); }

  // ---- serverless ----

  /**
   * Flush, and hand the flush to a platform that keeps the function alive for it:
   * Vercel's `waitUntil` (from '@vercel/functions'), or a context with a `waitUntil`
   * method (Cloudflare Workers' `ctx`, Netlify's `context`). The platform gets a promise
   * that never rejects; the flush's own promise is returned (a timeout rejects it).
   */
  flushWith(waitUntil, timeoutMs) {
    const give = typeof waitUntil === 'function' ? waitUntil
      : waitUntil && typeof waitUntil.waitUntil === 'function' ? (p) => waitUntil.waitUntil(p) : null;
    if (!give) {
      return rejected(new TypeError('flushWith: expects waitUntil, or a context with a waitUntil method'),
        (err) => this._unheard('flushWith', err));
    }
    const flushed = this.flush(timeoutMs);
    // Not flushed.then: that would count as the caller listening for its rejection.
    give(Promise.prototype.then.call(flushed, () => undefined, () => undefined));
    return flushed;
  }

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
