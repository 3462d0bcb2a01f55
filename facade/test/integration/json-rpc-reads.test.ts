// JSON-RPC takes every call on one path (an Ethereum node, Kodi, aria2, Transmission's RPC), so only
// the body's `method` tells a read from a write. With the route's read methods listed
// (`reads.jsonRpcMethods`), a call of them at `shadow` is shadowed, compared and asked again as a
// read, under its method's own endpoint; any other call (or a batch with one in it) stays a write,
// sent to both sides after the primary.
import { setStage } from '../helpers/admin-client';
import { nextComparisons, startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type Handler, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade | undefined;

/** A node answering eth_getBalance and eth_blockNumber (with a per-answer figure of its own) and eth_sendRawTransaction. */
const node: Handler = (_req, res, body) => {
  const calls = JSON.parse(body) as Array<{ id: number; method: string }> | { id: number; method: string };
  const answer = (c: { id: number; method: string }) => ({ jsonrpc: '2.0', id: c.id,
    result: c.method === 'eth_sendRawTransaction' ? '0xabc' : c.method === 'eth_getBalance' ? '0x1bc16d674ec80000' : '0x10d4f',
    took: Math.floor(Math.random() * 1000) });
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(Array.isArray(calls) ? calls.map(answer) : answer(calls)));
};

beforeEach(async () => {
  monolith = await startUpstream('monolith', node);
  service = await startUpstream('chain', node);
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { chain: { url: service.url } },
    routes: [{ name: 'rpc', match: { path: '/rpc' }, service: 'chain', reads: { jsonRpcMethods: ['eth_get*', 'eth_blockNumber'] } }],
  });
  await setStage(facade.adminUrl!, 'rpc', 'shadow');
});

afterEach(async () => {
  await facade?.close();
  facade = undefined;
  await Promise.all([monolith.close(), service.close()]);
});

const call = (method: string, id = 1) => ({ jsonrpc: '2.0', id, method, params: [] });

async function post(body: unknown, type = 'application/json'): Promise<number> {
  const res = await fetch(`${facade!.url}/rpc`, { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

it('a call of a listed method is a read: compared under its method, asked again, never sent to the service as a second write', async () => {
  const records = nextComparisons(facade!, 3, 10_000);
  expect(await post(call('eth_getBalance'))).toBe(200);
  expect(await post(call('eth_blockNumber'), 'application/json-rpc')).toBe(200);
  expect(await post([call('eth_getBalance', 1), call('eth_blockNumber', 2)])).toBe(200);
  const got = await records;
  expect(got.map((r) => `${r.kind} ${r.endpoint}`).sort()).toEqual(['read POST /rpc#eth_blockNumber', 'read POST /rpc#eth_getBalance', 'read POST /rpc#eth_getBalance,eth_blockNumber']);
  expect(monolith.received.some((r) => r.headers['x-strangler-reask'] === '1')).toBe(true); // the per-answer `took` differed: asked again
  expect(service.received.filter((r) => r.headers['x-strangler-second-write'] === '1')).toEqual([]);
});

it('a call of any other method, or a batch with one in it, stays a write sent to both sides', async () => {
  const records = nextComparisons(facade!, 2, 10_000);
  expect(await post(call('eth_sendRawTransaction'))).toBe(200);
  expect(await post([call('eth_getBalance', 1), call('eth_sendRawTransaction', 2)])).toBe(200);
  const got = await records;
  expect(got.map((r) => `${r.kind} ${r.endpoint}`).sort()).toEqual(['write POST /rpc#eth_getBalance,eth_sendRawTransaction', 'write POST /rpc#eth_sendRawTransaction']);
  expect(service.received.filter((r) => r.headers['x-strangler-second-write'] === '1')).toHaveLength(2);
});
