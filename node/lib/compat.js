'use strict';
// The compatibility names: the Intempt-style API (Configuration, CDPMetadata.SourcesApi,
// PushSource.SourcesApi, EventRecorder.WithEventBatcher) as thin aliases of spoor's own
// Client, so that a program written for it runs on spoor with only its require line
// changed (docs/node.md, "The compatibility names"). Every value still goes to the core,
// which checks it and words every error.
const { Client } = require('./client');
const { ConfigError } = require('./errors');

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// Parameters of the Intempt-style Configuration that belong to its own fetch-based
// transport; spoor's requests are the core's (libcurl), so these have nothing to act on,
// and are refused rather than dropped silently.
const TRANSPORT_ONLY = ['fetchApi', 'middleware', 'queryParamsStringify', 'credentials'];
// The settings of schemas_from: a SourcesApi only reads, so its client does not fetch them.
const RECORDING_ONLY = ['schemasFrom', 'schemasRefresh', 'schemasWait'];

function configError(option, message) {
  return Object.assign(new ConfigError(`${option}: ${message}`, 'CONFIG_INVALID'), { option });
}

/**
 * new Configuration({basePath, apiKey, accessToken, username, password, headers, ...}):
 * basePath is spoor's host; apiKey may be a function of the header's name (called once,
 * with 'X-API-Key'); accessToken a string, a Promise of one or a function returning
 * either; any other spoor option (flushAt, timeout, schemasFrom, ...) is taken as well.
 */
class Configuration {
  constructor(parameters = {}) {
    if (!isPlainObject(parameters)) throw new ConfigError('Configuration: parameters must be an object', 'CONFIG_INVALID');
    const options = {};
    for (const [name, value] of Object.entries(parameters)) {
      if (value === undefined) continue;
      if (TRANSPORT_ONLY.includes(name)) {
        throw configError(name, 'is not supported: spoor makes every request itself (timeout, proxy, caPath and headers set how)');
      }
      if (name === 'basePath') options.host = value;
      else if (name === 'apiKey' && typeof value === 'function') options.apiKey = value('X-API-Key');
      else if (name === 'accessToken' && value instanceof Promise) options.accessToken = () => value;
      else options[name] = value;
    }
    /** The spoor Client options these parameters make. */
    this.options = Object.freeze(options);
  }

  get basePath() { return this.options.host; }
}

function configurationOf(what, arg) {
  if (arg instanceof Configuration) return arg;
  if (arg && arg.configuration instanceof Configuration) return arg.configuration;
  if (isPlainObject(arg)) return new Configuration(arg);
  throw new ConfigError(`${what}: expected a Configuration`, 'CONFIG_INVALID');
}

/**
 * new SourcesApi(configuration): the Get APIs over a client of that configuration, made
 * on first use. fetchSources({orgName, projectName}), fetchCollections(source).
 */
class SourcesApi {
  constructor(configuration = new Configuration()) {
    this.configuration = configurationOf('SourcesApi', configuration);
    this._client = null;
  }

  fetchSources(params, projectName) { return this._read((c) => c.fetchSources(params, projectName)); }

  fetchCollections(source) { return this._read((c) => c.fetchCollections(isPlainObject(source) ? source.source : source)); }

  /** Release the client behind the Get APIs (it holds no events). */
  close() { return this._client ? this._client.close() : Promise.resolve(); }

  /** fn(the reader client), made on first use; a configuration it refuses rejects, as every call does. */
  _read(fn) {
    if (!this._client) {
      const options = { ...this.configuration.options };
      for (const name of RECORDING_ONLY) delete options[name];
      try {
        this._client = new Client(options);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return fn(this._client);
  }
}

/**
 * EventRecorder.WithEventBatcher(api, {maximum, interval}): a Client of api's configuration
 * (a SourcesApi, or the Configuration itself) that sends a batch once `maximum` events wait
 * (flushAt) or the oldest has waited `interval` SECONDS (flushInterval, which is in ms
 * elsewhere). It records with recordEvent, profile and trackConsents, and has flush and
 * close, as every Client.
 */
const EventRecorder = {
  WithEventBatcher(api, { maximum, interval } = {}) {
    const options = { ...configurationOf('WithEventBatcher', api).options };
    if (maximum !== undefined) options.flushAt = maximum;
    if (interval !== undefined) options.flushInterval = typeof interval === 'number' ? `${interval}s` : interval;
    try {
      return new Client(options);
    } catch (e) {
      // The core names the option it refused; say which argument it came from.
      const from = { flushAt: maximum !== undefined && 'maximum', flushInterval: interval !== undefined && 'interval' }[e.option];
      if (from) e.message = `WithEventBatcher: ${from}: ${e.message}`;
      throw e;
    }
  },
};

module.exports = {
  Configuration,
  SourcesApi,
  EventRecorder,
  CDPMetadata: { SourcesApi },
  PushSource: { SourcesApi },
};
