// The facade driven by LaunchDarkly flags through the SDK's own file data source: editing the
// flags file while the facade runs moves the route; the admin API refuses local stage changes.
import path from 'node:path';
import { writeFlagsFile } from '../../src/flags/ld-flags-file';
import { startTestFacade, tempDir, type TestFacade } from '../helpers/facade';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade;

afterEach(async () => {
  await facade?.close();
  await monolith.close();
  await service.close();
});

async function sideOf(url: string): Promise<string | null> {
  const res = await fetch(url);
  await res.text();
  return res.headers.get('x-strangler-side');
}

it('editing the LaunchDarkly flags file while the facade runs changes who answers', async () => {
  monolith = await startUpstream('monolith');
  service = await startUpstream('service');
  const flagsFile = path.join(tempDir(), 'flags.json');
  writeFlagsFile(flagsFile, { 'strangler-catalog': { stage: 'off' } });
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { catalog: { url: service.url } },
    routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog' }],
    flags: { provider: 'launchdarkly', sdkKey: 'offline', dataFile: flagsFile, startWaitMs: 2000 },
  });
  expect(await sideOf(`${facade.url}/api/products/1`)).toBe('monolith');

  const changed = new Promise<void>((resolve) => { const off = facade.deps.flags.onChange(() => { off(); resolve(); }); });
  writeFlagsFile(flagsFile, { 'strangler-catalog': { stage: 'complete' } });
  await changed;
  expect(await sideOf(`${facade.url}/api/products/1`)).toBe('service');

  const put = await fetch(`${facade.adminUrl}/routes/catalog`, {
    method: 'PUT', headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' }, body: '{"stage":"off"}',
  });
  expect(put.status).toBe(409);
  expect(((await put.json()) as { error: string }).error).toBe('PROVIDER_READ_ONLY');
});
