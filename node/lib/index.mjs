// ESM entry: `import spoor from 'spoor'` or `import { Client } from 'spoor'`.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const spoor = require('./index.js');

export default spoor;
export const {
  Client, init, getClient, recordEvent, profile, trackConsents, track, identify, group, page,
  product, ingestFeed, batch, enqueue, flush, close, flushWith, captured, clearCaptured, getAnonymousId, stats,
  options, version,
  coreVersion, SpoorError, ValidationError, ConfigError, ClosedError, TimeoutError,
} = spoor;
