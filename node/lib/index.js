'use strict';
// spoor for Node: `const { Client } = require('spoor')`, or the module-level
// default client: `spoor.init({...})` then `spoor.recordEvent(...)`.
const { Client } = require('./client');
const errors = require('./errors');
const native = require('./native');
const config = require('./config');
const { rejected } = require('./rejection');
const pkg = require('../package.json');

let defaultClient = null;

/** Create the module-level client the exported functions use (closing any previous one). */
function init(options) {
  const previous = defaultClient;
  defaultClient = new Client(options);
  if (previous) previous.close().catch(() => {});
  return defaultClient;
}

function notInitialised() {
  return new errors.ConfigError('spoor.init({...}) must be called before the module-level functions', 'CONFIG_INVALID');
}

function delegate(name) {
  return function (...args) {
    if (!defaultClient) {
      // No client to tell: an unhandled rejection goes to the console, never ends the process.
      return rejected(notInitialised(), (err) => console.error(`[spoor] ${name}(): ${err.message}`));
    }
    return defaultClient[name](...args);
  };
}

/** Every configuration option: camelCase name, core key, type, default and description. */
function options() {
  return [...config.properties()].map(([name, p]) => ({
    name, key: p.name, type: p.type, default: p.default, description: p.description, secret: p.secret,
    unstable: p.unstable,
  }));
}

const spoor = {
  Client,
  init,
  getClient: () => defaultClient,
  recordEvent: delegate('recordEvent'),
  profile: delegate('profile'),
  trackConsents: delegate('trackConsents'),
  track: delegate('track'),
  identify: delegate('identify'),
  group: delegate('group'),
  page: delegate('page'),
  product: delegate('product'),
  ingestFeed: delegate('ingestFeed'),
  batch: delegate('batch'),
  enqueue: delegate('enqueue'),
  flush: delegate('flush'),
  close(timeoutMs) {
    if (!defaultClient) return Promise.resolve();
    const c = defaultClient;
    defaultClient = null;
    return c.close(timeoutMs);
  },
  getAnonymousId() {
    if (!defaultClient) throw notInitialised();
    return defaultClient.getAnonymousId();
  },
  stats() {
    if (!defaultClient) throw notInitialised();
    return defaultClient.stats();
  },
  options,
  version: pkg.version,
  coreVersion: native.coreVersion,
  SpoorError: errors.SpoorError,
  ValidationError: errors.ValidationError,
  ConfigError: errors.ConfigError,
  ClosedError: errors.ClosedError,
  TimeoutError: errors.TimeoutError,
};
spoor.default = spoor;

module.exports = spoor;
