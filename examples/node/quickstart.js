#!/usr/bin/env node
// Quickstart: record a purchase in a custom
// collection, a profile, and the profile's consents, with the module-level client.
//
//   node quickstart.js http://127.0.0.1:8080
'use strict';
const spoor = require('spoor');

const host = process.argv[2] || process.env.SPOOR_HOST || 'http://127.0.0.1:8080';

async function main() {
  const client = spoor.init({
    host,
    apiKey: process.env.SPOOR_API_KEY, // undefined: no X-API-Key header
    flushAt: 10, // send as soon as 10 events wait
    flushInterval: 10000, // or after 10 s (ms)
    debug: true, // "[spoor] Event queued: purchase", ...
    // The collection's field types, as created in the schema builder: a wrong
    // type is refused at the call instead of dropped by the server.
    collectionSchemas: { purchase: { totalprice: 'number', ispaid: 'boolean', items: 'array' } },
  });

  const profileId = 'user-42';
  await spoor.profile({ profileId, user_identifier: 'example@example.com', account_identifier: 'acme-inc' });

  await spoor.recordEvent('purchase', {
    profileId,
    items: [{ 'item name': 'item 1', price: 20 }, { 'item name': 'item 2', price: 15 }],
    totalprice: 35,
    ispaid: true,
    timestamp: new Date().getTime(),
    'fixed.name': 'John Smith',
    'fixed.age': 28,
    'visit.trackcharge': 35,
  });

  await spoor.trackConsents([
    { regulation: 'GDPR', purpose: 'advertising', consented: true },
    { regulation: 'CCPA', purpose: 'advertising', consented: true },
  ], { profileId });

  // Bad input is refused at once, naming the field; nothing is queued.
  try {
    await spoor.recordEvent('purchase', { profileId, totalprice: '35' });
  } catch (err) {
    console.error(`refused as expected: ${err instanceof Error ? err.message : err}`);
  }

  await spoor.close(); // flush, then stop the worker
  const s = client.stats();
  console.log(`delivered ${s.delivered} of ${s.accepted} events (${s.failed} failed)`);
  if (s.delivered !== s.accepted) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
