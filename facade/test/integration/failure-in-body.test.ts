// Second writes that fail inside a 200: IPP (CUPS answers a Send-Document for a job it never
// created with HTTP 200 and `client-error-not-found` in the IPP status), JSON-RPC (`error` beside
// `id`) and GraphQL (`errors` beside `data`). Each is a divergence kept for repair, named by what the
// body said; the same failure on both sides is not (the write failed for everyone).
import zlib from 'node:zlib';
import { setStage } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade | undefined;

/** An IPP answer: version 2.0, the status-code, request id 1, end-of-attributes. */
const ipp = (status: number): Buffer => Buffer.from([2, 0, status >> 8, status & 0xff, 0, 0, 0, 1, 3]);

const side = (name: 'monolith' | 'service') => startUpstream(name, (req, res) => {
  const refuses = name === 'service';
  if (req.url === '/ipp/printers/q1') {
    res.writeHead(200, { 'content-type': 'application/ipp' }).end(ipp(refuses ? 0x0406 : 0x0000));
  } else if (req.url === '/rpc') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(refuses ? { jsonrpc: '2.0', id: 7, error: { code: -32000, message: 'no such account' } } : { jsonrpc: '2.0', id: 7, result: true }));
  } else if (req.url === '/rpc/both') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: 8, error: { code: -32602, message: 'invalid params' } }));
  } else if (req.url === '/graphql') {
    // gzip'd, as a GraphQL server behind compression answers: read decoded.
    const body = refuses ? { data: { addToCart: null }, errors: [{ message: 'cart not found', path: ['addToCart'] }] } : { data: { addToCart: { id: 'c1' } } };
    res.writeHead(200, { 'content-type': 'application/graphql-response+json', 'content-encoding': 'gzip' }).end(zlib.gzipSync(JSON.stringify(body)));
  } else if (req.url === '/report') {
    // A REST answer with an `errors` field of its own is not GraphQL's.
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ imported: 3, errors: refuses ? ['row 4 skipped'] : [] }));
  } else {
    res.writeHead(404).end();
  }
});

beforeEach(async () => {
  monolith = await side('monolith');
  service = await side('service');
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { next: { url: service.url } },
    routes: [{ name: 'app', match: { path: '/**' }, service: 'next', reads: { graphql: false } }],
  });
  await setStage(facade.adminUrl!, 'app', 'shadow');
});

afterEach(async () => {
  await facade?.close();
  facade = undefined;
  await Promise.all([monolith.close(), service.close()]);
});

async function write(path: string, contentType: string, body: Buffer | string): Promise<number> {
  const res = await fetch(`${facade!.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
  await res.arrayBuffer();
  return res.status;
}

it('a second write answered 200 whose IPP, JSON-RPC or GraphQL body says it failed is a divergence named by that failure', async () => {
  const f = facade!;
  expect(await write('/ipp/printers/q1', 'application/ipp', Buffer.from([2, 0, 0, 6, 0, 0, 0, 1, 3]))).toBe(200);
  expect(await write('/rpc', 'application/json', '{"jsonrpc":"2.0","id":7,"method":"debit","params":[5]}')).toBe(200);
  expect(await write('/graphql', 'application/json', '{"query":"mutation { addToCart(sku: \\"A\\") { id } }"}')).toBe(200);
  await f.waitForDone(3);
  const reasons = (await f.divergences.list('app')).map((d) => [d.path, d.reason]).sort();
  expect(reasons).toEqual([
    ['/graphql', 'second_write_graphql_errors'],
    ['/ipp/printers/q1', 'second_write_ipp_status_0x0406'],
    ['/rpc', 'second_write_jsonrpc_error'],
  ]);
});

it('the same failure on both sides, or a REST answer listing errors of its own, is no divergence', async () => {
  const f = facade!;
  expect(await write('/rpc/both', 'application/json', '{"jsonrpc":"2.0","id":8,"method":"debit","params":"x"}')).toBe(200);
  expect(await write('/report', 'application/json', '{"rows":4}')).toBe(200);
  await f.waitForDone(2);
  expect(await f.divergences.list('app')).toEqual([]);
});
