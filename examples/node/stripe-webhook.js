#!/usr/bin/env node
// A Stripe webhook with Express: a completed checkout becomes a
// `purchase` track event. The handler answers at once; the event is queued and
// delivered by spoor's background thread.
//
//   node stripe-webhook.js http://127.0.0.1:8080            # serve on PORT (3000)
//   node stripe-webhook.js http://127.0.0.1:8080 --self-test # post one fake webhook to itself, then exit
'use strict';
const express = require('express');
const { Client } = require('spoor');

const host = process.argv[2] || process.env.SPOOR_HOST || 'http://127.0.0.1:8080';
const selfTest = process.argv.includes('--self-test');

const spoor = new Client({
  host,
  apiKey: process.env.SPOOR_API_KEY,
  secret: process.env.SPOOR_SECRET, // signs every request (HMAC-SHA256) when set
  flushAt: 20,
  flushInterval: 10000,
});
// Events that finally fail (after retries) are reported here, never lost silently.
spoor.on('error', (err) => console.error(`spoor: ${err.message}`));

const app = express();

app.post('/webhook/stripe', express.json(), async (req, res) => {
  const event = req.body;
  if (event.type === 'checkout.session.completed') {
    const session = event.data.object;
    try {
      await spoor.track({
        userId: session.client_reference_id,
        event: 'purchase',
        eventId: event.id, // Stripe retries a webhook: the same id is delivered once
        properties: {
          revenue: session.amount_total / 100,
          currency: session.currency,
          order_id: session.id,
          payment_method: 'stripe',
        },
      });
    } catch (err) {
      // Refused at the call (e.g. no client_reference_id): answer 400 so it shows in Stripe.
      res.status(400).json({ received: false, error: err instanceof Error ? err.message : String(err) });
      return;
    }
  }
  res.json({ received: true });
});

/**
 * Flush and stop on SIGTERM (a deploy, `docker stop`), then exit.
 * @param {import("http").Server} server
 */
function shutdownOn(server) {
  process.once('SIGTERM', () => {
    server.close();
    spoor.close().finally(() => process.exit(0));
  });
}

/** @param {number} port */
async function runSelfTest(port) {
  const fake = {
    id: 'evt_self_test_1',
    type: 'checkout.session.completed',
    data: { object: { id: 'cs_test_123', client_reference_id: 'user_123', amount_total: 9999, currency: 'usd' } },
  };
  const res = await fetch(`http://127.0.0.1:${port}/webhook/stripe`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fake),
  });
  const body = await res.json();
  console.log(`webhook answered ${res.status} ${JSON.stringify(body)}`);
  await spoor.close();
  const s = spoor.stats();
  console.log(`delivered ${s.delivered} of ${s.accepted} events`);
  return res.ok && s.delivered === 1;
}

const server = app.listen(selfTest ? 0 : Number(process.env.PORT || 3000), () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  if (!selfTest) {
    console.log(`listening on http://127.0.0.1:${port}/webhook/stripe, sending to ${host}`);
    shutdownOn(server);
    return;
  }
  runSelfTest(port).then((ok) => {
    server.close();
    process.exitCode = ok ? 0 : 1;
  }, (err) => {
    console.error(err);
    server.close();
    process.exitCode = 1;
  });
});
