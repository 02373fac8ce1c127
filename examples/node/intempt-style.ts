// The compatibility names: a program written against the Intempt-style API
// (Configuration, SourcesApi, EventRecorder.WithEventBatcher) runs on spoor with its
// import changed, and TypeScript checks it against spoor's declarations.
// `npx tsc -p .` checks this file with the examples.
import * as IntemptSdk from 'spoor';
import type { SourcesAnswer } from 'spoor';

const orgName = 'acme';
const projectName = 'web';

async function main(): Promise<SourcesAnswer> {
  const configuration = new IntemptSdk.Configuration({
    basePath: process.argv[2] ?? 'http://127.0.0.1:8080',
    apiKey: 'shop-server-key',
    schemasFrom: 'shop-server', // spoor's own option: check recordEvent against the server's schemas
  });

  const sourcesApi = new IntemptSdk.CDPMetadata.SourcesApi(configuration);
  const sources = await sourcesApi.fetchSources({ orgName: orgName, projectName: projectName });

  // maximum is flushAt; interval is flushInterval in seconds.
  const eventRecorder = IntemptSdk.EventRecorder.WithEventBatcher(
    new IntemptSdk.PushSource.SourcesApi(configuration),
    { maximum: 100, interval: 10 });

  await eventRecorder.recordEvent('purchase', { profileId: 'user_123', totalprice: 35, ispaid: true });
  await eventRecorder.close();
  await sourcesApi.close();
  return sources;
}

main().then((answer) => console.log(answer.sources.map((s) => s.id).join(', ')));
