// An ordinary endpoint slow on both sides for a moment (their shared database busy) outwaits the
// shadow's deadline twice and is learned as a long poll: its reads went to the primary alone for
// 10 minutes though the primary answered each of them at once again. A held read the primary
// answers within the shadow's deadline shows it waits for no news: the next read is compared.
import { setStage } from '../helpers/admin-client';
import { nextComparisons, startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type Handler, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade | undefined;

afterEach(async () => {
  await facade?.close();
  facade = undefined;
  await Promise.all([monolith?.close(), service?.close()]);
});

/** `/report` answers its first `slow` requests after 800 ms, then at once. */
const report = (slow: number): Handler => {
  let n = 0;
  return (_req, res) => {
    const send = () => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"total":3}'); };
    if (n++ < slow) setTimeout(send, 800); else send();
  };
};

it('a read held as a long poll that the primary answers in time releases the endpoint: the next read is compared', async () => {
  monolith = await startUpstream('monolith', report(2));
  service = await startUpstream('svc', report(2));
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { svc: { url: service.url } },
    routes: [{ name: 'app', match: { path: '/**' }, service: 'svc', compare: { shadowTimeoutMs: 300, reask: { enabled: false } } }],
  });
  await setStage(facade.adminUrl!, 'app', 'shadow');
  const records = nextComparisons(facade, 4, 15_000);
  for (let i = 0; i < 4; i++) expect((await fetch(`${facade.url}/report`)).status).toBe(200);
  const got = (await records).map((r) => `${r.outcome} ${r.reason ?? ''}`.trim());
  expect(got).toEqual(['skipped primary_as_slow', 'skipped primary_as_slow', 'skipped long_poll', 'match']);
});
