// Type declarations for spoor (Node). The runtime is lib/index.js (CommonJS) and
// lib/index.mjs (ESM); both export the same names and a default export.
// They use no Node types (ingestFeed takes a Uint8Array, which a Buffer is), so they
// compile without @types/node, as under `tsc --init`'s `"types": []`. Optional
// properties also take `undefined` (exactOptionalPropertyTypes): the runtime reads
// undefined as absent, so `apiKey: process.env.SPOOR_KEY` is fine.

/** Any JSON value spoor can serialise (a Date becomes its ISO-8601 string). */
export type JsonValue = string | number | boolean | null | Date | JsonValue[] | { [key: string]: JsonValue | undefined };
/** An object of JSON-serialisable fields (the core checks what it must). */
export type JsonObject = { [key: string]: any };

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
/** When the spool is fsynced (the spoolSync option). */
export type SpoolSync = 'none' | 'batch' | 'event';

/** The outcome of events that left the queue (delivered, or why not). */
export interface DeliveryReport {
  /** true when the server accepted the events. */
  ok: boolean;
  /** The core's name for the outcome: 'OK', 'TRANSPORT', 'HTTP', 'REJECTED', 'QUEUE_FULL', 'ABORTED', ... */
  code: string;
  /** The last HTTP status, 0 when none was received. */
  httpStatus: number;
  /** Human text; never contains a secret. */
  reason: string;
  /** How many events this report covers. */
  count: number;
  eventIds: string[];
  /** The events as queued (wire format), for failures only; empty for delivered ones. */
  events: Array<Record<string, unknown>>;
  /** A SpoorError for failures, null for delivered events. */
  error: SpoorError | null;
}

/**
 * Client options. Every configuration key of libspoor, camelCase; durations in
 * milliseconds. An unknown or bad option throws a ConfigError naming it.
 */
export interface ClientOptions {
  /** Base URL of the ingestion server (http:// or https://); events go to {host}/v1/batch. Required. */
  host: string;
  /** API key, sent as X-API-Key. */
  apiKey?: string | undefined;
  /** Bearer token, or a function returning one (or a Promise of one); called before every request. */
  accessToken?: string | (() => string | Promise<string>) | undefined;
  /** Basic-auth user name (with password). */
  username?: string | undefined;
  /** Basic-auth password. */
  password?: string | undefined;
  /** Extra request headers. */
  headers?: Record<string, string> | undefined;
  /** Send a batch as soon as this many events wait (default 10). */
  flushAt?: number | undefined;
  /** Send what waits once the oldest event has waited this long, ms (default 10000). */
  flushInterval?: number | undefined;
  /** Most events in one request (default 10000). */
  maxBatchEvents?: number | undefined;
  /** Most bytes of events in one request, before gzip (default 1 MiB). */
  maxBatchBytes?: number | undefined;
  /** Most bytes one serialised event may take (default 32768). */
  maxEventBytes?: number | undefined;
  /** Most events waiting to be sent (in memory, and in the spool when one is set); past it the oldest is dropped (default 10000). */
  maxQueueSize?: number | undefined;
  /** Total time one HTTP request may take, ms (default 10000). */
  timeout?: number | undefined;
  /** Time to establish a connection, ms (default 5000). */
  connectTimeout?: number | undefined;
  /** Most retries after the first attempt for network errors, timeouts, 5xx and 429 (default 100: deliveryTimeout ends them first). */
  retryLimit?: number | undefined;
  /** First retry delay, ms; doubles per attempt, with jitter (default 100). */
  retryBackoff?: number | undefined;
  /** Longest retry delay, ms (default 5000). */
  retryBackoffMax?: number | undefined;
  /**
   * How long a batch is retried after its first attempt, ms (default 60000); no retry starts
   * later. The server may be away that long without a loss; for longer outages set spoolDir.
   * 0: no time bound (retryLimit alone).
   */
  deliveryTimeout?: number | undefined;
  /** Longest Retry-After honoured from a 429, ms (default 60000). */
  retryAfterMax?: number | undefined;
  /** Compress request bodies with gzip. */
  gzip?: boolean | undefined;
  /** HMAC-SHA256 signing secret: adds X-Spoor-Timestamp and X-Spoor-Signature. */
  secret?: string | undefined;
  /**
   * Durable on-disk queue: a directory (created if missing) where every accepted event is
   * written before the call resolves; a client that opens it later sends what was left
   * (stats().replayed). With a spool, events whose retries run out on a network error,
   * 5xx or 429 are kept rather than failed, and close() at its deadline leaves what is
   * undelivered in the spool (stats().queued) instead of failing it. One client at a time:
   * a spool another client holds (in this process or another) throws a ConfigError naming
   * the directory and the holder's pid.
   */
  spoolDir?: string | undefined;
  /**
   * When the spool is fsynced (default 'batch'): 'none' (left to the OS; survives a process
   * crash), 'batch' (before each batch is sent) or 'event' (before each call resolves;
   * survives a power cut).
   */
  spoolSync?: SpoolSync | undefined;
  /** Log at debug level: "[spoor] Event queued: purchase", ... */
  debug?: boolean | undefined;
  /** Least severe level logged (default 'warn'). */
  logLevel?: LogLevel | undefined;
  /** CA bundle file for TLS verification. */
  caPath?: string | undefined;
  /** Verify the server's TLS certificate and host name (default true). */
  tlsVerify?: boolean | undefined;
  /** Proxy URL for every request (curl syntax). */
  proxy?: string | undefined;
  /** Deadline for close() without a timeout and at process exit, ms (default 5000). */
  closeTimeout?: number | undefined;
  /** Field types per recordEvent collection: {purchase: {totalprice: 'number'}}. */
  collectionSchemas?: Record<string, Record<string, 'string' | 'number' | 'boolean' | 'timestamp' | 'object' | 'array'>> | undefined;
  /** The binding's name (set to 'node' by this package). */
  binding?: string | undefined;
  /** Test hook: a fixed ISO-8601 wall clock for timestamps, sentAt and signatures. */
  testFixedTime?: string | Date | undefined;
  /** Test hook: ids come from a deterministic sequence with this seed. */
  testIdSeed?: number | undefined;

  /** Called (on the main thread) with every delivery report, delivered or failed. */
  onDelivery?: ((report: DeliveryReport) => void) | undefined;
  /** Receives every log line instead of the console ("[spoor] ..."). */
  logger?: ((level: LogLevel, message: string) => void) | null | undefined;
  /** Flush at 'beforeExit' and close (bounded by closeTimeout) at 'exit' (default true). */
  flushOnExit?: boolean | undefined;
}

/** Datalyr's and RetainPixel's track options. */
export interface TrackOptions {
  event: string;
  userId?: string | undefined;
  anonymousId?: string | undefined;
  profileId?: string | undefined;
  properties?: JsonObject | undefined;
  eventId?: string | undefined;
  timestamp?: string | Date | undefined;
  sessionId?: string | undefined;
  accountId?: string | undefined;
  pageId?: string | undefined;
}

export interface IdentifyPayload { userId: string; traits?: JsonObject | undefined }
export interface GroupPayload { userId: string; groupId: string; traits?: JsonObject | undefined }
export interface PagePayload { userId: string; name?: string | undefined; properties?: JsonObject | undefined }

/** Intempt's profile: identity plus attributes. */
export interface ProfileAttributes extends JsonObject {
  profileId?: string | undefined;
  user_identifier?: string | undefined;
  account_identifier?: string | undefined;
}

export interface Consent {
  regulation: 'GDPR' | 'CCPA';
  purpose: string;
  consented: boolean;
}

export type ConsentSubject = { profileId: string; userId?: string | undefined } | { userId: string; profileId?: string | undefined };

/** A catalog product (seed 001) or a product-ingestion payload {productId, data}. */
export type Product =
  | { productId: string; data?: JsonObject | undefined; [key: string]: any }
  | {
      id: string; title: string; description: string; url: string; image_link: string;
      price?: JsonValue | undefined; brand?: string | undefined; category?: string | undefined; tags?: string[] | undefined; availability?: string | undefined; rating?: number | undefined;
      [key: string]: any;
    };

/** One message of batch(): an operation's fields plus its type. */
export type Message =
  | ({ type: 'track' } & TrackOptions)
  | ({ type: 'identify' } & IdentifyPayload)
  | ({ type: 'group' } & GroupPayload)
  | ({ type: 'page' } & PagePayload)
  | ({ type: 'record' | 'profile' | 'consent' | 'product' } & JsonObject);

export interface Stats {
  accepted: number;
  queued: number;
  delivered: number;
  failed: number;
  rejected: number;
  dropped: number;
  droppedQueueFull: number;
  retried: number;
  batches: number;
  requests: number;
  bytesSent: number;
  /** Events a spool held from an earlier run, loaded when this client was created. */
  replayed: number;
  /** Damaged spool regions (torn or corrupt records) skipped when this client was created. */
  spoolCorrupt: number;
}

export interface OptionInfo {
  name: string;
  key: string;
  type: 'string' | 'int' | 'bool' | 'duration' | 'json' | 'enum';
  default: string;
  description: string;
  secret: boolean;
}

export class SpoorError extends Error {
  constructor(message: string, code?: string, errno?: number);
  /** The core's error name: 'INVALID', 'TOO_LARGE', 'CONFIG_INVALID', 'CLOSED', 'TIMED_OUT', ... */
  code: string;
  errno?: number | undefined;
  /** For configuration errors: the option that was wrong. */
  option?: string | undefined;
  /** For delivery failures ('error' event): the report. */
  report?: DeliveryReport | undefined;
}
export class ValidationError extends SpoorError {}
export class ConfigError extends SpoorError {}
export class ClosedError extends SpoorError {}
export class TimeoutError extends SpoorError {}

/**
 * A spoor client: validates every call at once, queues it, and delivers batches
 * from a native background thread. Enqueue methods return an already-settled
 * Promise: resolved once queued, rejected with a ValidationError for bad input.
 */
export class Client {
  constructor(options: ClientOptions);

  recordEvent(collection: string, event: JsonObject): Promise<void>;
  profile(attributes: ProfileAttributes): Promise<void>;
  trackConsents(consents: Consent[], subject: ConsentSubject | string): Promise<void>;
  track(options: TrackOptions): Promise<void>;
  identify(userId: string, traits?: JsonObject): Promise<void>;
  identify(payload: IdentifyPayload): Promise<void>;
  group(userId: string, groupId: string, traits?: JsonObject): Promise<void>;
  group(payload: GroupPayload): Promise<void>;
  page(userId: string, name?: string | null, properties?: JsonObject): Promise<void>;
  page(payload: PagePayload): Promise<void>;
  product(product: Product): Promise<void>;
  /** A JSON or XML catalog feed (its text, or a file path); resolves with the number of products queued. */
  ingestFeed(textOrPath: string | Uint8Array): Promise<number>;
  batch(messages: Message[]): Promise<void>;
  enqueue(message: Message): Promise<void>;

  /** Resolves when everything accepted before the call is delivered or has finally failed; rejects with TimeoutError at the deadline. */
  flush(timeoutMs?: number): Promise<void>;
  /** Flush within timeoutMs (default closeTimeout), stop the worker, release everything. Later calls reject with ClosedError. */
  close(timeoutMs?: number): Promise<void>;

  getAnonymousId(): string;
  readonly anonymousId: string;
  readonly closed: boolean;
  stats(): Stats;

  on(event: 'delivery', listener: (report: DeliveryReport) => void): this;
  on(event: 'error', listener: (error: SpoorError) => void): this;
  on(event: 'log', listener: (line: { level: LogLevel; message: string }) => void): this;
  once(event: 'delivery', listener: (report: DeliveryReport) => void): this;
  once(event: 'error', listener: (error: SpoorError) => void): this;
  once(event: 'log', listener: (line: { level: LogLevel; message: string }) => void): this;
  off(event: 'delivery' | 'error' | 'log', listener: (...args: any[]) => void): this;
  removeAllListeners(event?: 'delivery' | 'error' | 'log'): this;
  listenerCount(event: 'delivery' | 'error' | 'log'): number;
}

/** Create the module-level default client that the functions below use. */
export function init(options: ClientOptions): Client;
/** The module-level client, or null before init(). */
export function getClient(): Client | null;
export function recordEvent(collection: string, event: JsonObject): Promise<void>;
export function profile(attributes: ProfileAttributes): Promise<void>;
export function trackConsents(consents: Consent[], subject: ConsentSubject | string): Promise<void>;
export function track(options: TrackOptions): Promise<void>;
export function identify(userId: string, traits?: JsonObject): Promise<void>;
export function identify(payload: IdentifyPayload): Promise<void>;
export function group(userId: string, groupId: string, traits?: JsonObject): Promise<void>;
export function group(payload: GroupPayload): Promise<void>;
export function page(userId: string, name?: string | null, properties?: JsonObject): Promise<void>;
export function page(payload: PagePayload): Promise<void>;
export function product(product: Product): Promise<void>;
export function ingestFeed(textOrPath: string | Uint8Array): Promise<number>;
export function batch(messages: Message[]): Promise<void>;
export function enqueue(message: Message): Promise<void>;
export function flush(timeoutMs?: number): Promise<void>;
export function close(timeoutMs?: number): Promise<void>;
export function getAnonymousId(): string;
export function stats(): Stats;
/** Every configuration option, from the core's property table. */
export function options(): OptionInfo[];
/** This package's version. */
export const version: string;
/** The linked libspoor's version. */
export const coreVersion: string;

declare const spoor: {
  Client: typeof Client;
  init: typeof init;
  getClient: typeof getClient;
  recordEvent: typeof recordEvent;
  profile: typeof profile;
  trackConsents: typeof trackConsents;
  track: typeof track;
  identify: typeof identify;
  group: typeof group;
  page: typeof page;
  product: typeof product;
  ingestFeed: typeof ingestFeed;
  batch: typeof batch;
  enqueue: typeof enqueue;
  flush: typeof flush;
  close: typeof close;
  getAnonymousId: typeof getAnonymousId;
  stats: typeof stats;
  options: typeof options;
  version: string;
  coreVersion: string;
  SpoorError: typeof SpoorError;
  ValidationError: typeof ValidationError;
  ConfigError: typeof ConfigError;
  ClosedError: typeof ClosedError;
  TimeoutError: typeof TimeoutError;
};
export default spoor;
