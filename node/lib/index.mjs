// ESM entry: `import spoor from 'spoor'` or `import { Client } from 'spoor'`.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const spoor = require('./index.js');

export default spoor;
export const {
  Client, init, getClient, recordEvent, profile, trackConsents, track, identify, group, page,
  screen, alias, product, ingestFeed, batch, enqueue, flush, flushWith, fetchSources, fetchCollections, close,
  getAnonymousId, stats, captured, clearCaptured, options, version, coreVersion, SpoorError, ValidationError,
  ConfigError, ClosedError, TimeoutError, Configuration, SourcesApi, EventRecorder, CDPMetadata, PushSource,
} = spoor;
