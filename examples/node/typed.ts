// TypeScript: the package's declarations (node/index.d.ts) type every option,
// call, report and error. `npx tsc -p .` checks this file with the examples.
//   npx tsc --outDir dist -p . --noEmit false && node dist/typed.js http://127.0.0.1:8080
import spoor, { Client, ValidationError } from 'spoor';
import type { ClientOptions, DeliveryReport, Stats, TrackOptions } from 'spoor';

const config: ClientOptions = {
  host: process.argv[2] ?? 'http://127.0.0.1:8080',
  apiKey: 'dk_your_api_key',
  debug: true,
  flushAt: 20,
  flushInterval: 10000,
  accessToken: async () => 'token-from-your-auth-service',
  onDelivery: (report: DeliveryReport) => {
    if (!report.ok) console.error(`${report.count} events failed: ${report.code} ${report.reason}`);
  },
};

async function main(): Promise<Stats> {
  const client = new Client(config);
  const options: TrackOptions = {
    userId: 'user_123',
    event: 'purchase',
    properties: { revenue: 99.99, currency: 'USD' },
  };
  await client.track(options);
  await client.identify({ userId: 'user_123', traits: { plan: 'enterprise' } });
  try {
    await client.track({ event: 'no_identity' });
  } catch (err) {
    if (err instanceof ValidationError) console.error(`refused: ${err.code} ${err.message}`);
  }
  await client.close();
  console.log(`spoor ${spoor.version} (libspoor ${spoor.coreVersion})`);
  return client.stats();
}

main().then((s) => console.log(JSON.stringify(s)));
