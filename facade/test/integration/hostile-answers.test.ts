// Answers nobody here wrote, from both upstreams at `shadow`: the client gets the primary's bytes as
// they came, and the comparison of two hostile answers neither holds the event loop nor guesses.
import * as zlib from 'node:zlib';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { ComparisonRecord } from '../../src/core/comparison';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade;

beforeEach(async () => {
  monolith = await startUpstream('monolith');
  service = await startUpstream('service');
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { svc: { url: service.url } },
    routes: [{ name: 'api', match: { path: '/api/**' }, service: 'svc', compare: { reask: { enabled: false } } }],
  });
  facade.store.change({ route: 'api', stage: 'shadow', force: true, actor: 'test', defaultStage: 'off' });
  (facade.deps.flags as unknown as { reload(): void }).reload();
});

afterEach(async () => {
  await facade.close();
  await monolith.close();
  await service.close();
});

/** Asks `path` once; resolves with the client's bytes and the comparison recorded. */
async function probe(path: string): Promise<{ body: Buffer; record: ComparisonRecord }> {
  const got: ComparisonRecord[] = [];
  facade.recorder.onRecorded((batch) => got.push(...batch.filter((r) => r.reason !== 'noise_sample')));
  const res = await fetch(`${facade.url}${path}`);
  const body = Buffer.from(await res.arrayBuffer());
  await facade.waitForDone(1, 20_000);
  await facade.recorder.flush();
  expect(got).toHaveLength(1);
  return { body, record: got[0]! };
}

/** Comparisons given up on the event loop at the inline budget and made in a thread (strangler_comparisons_off_loop_total). */
async function offLoop(): Promise<number> {
  return (await facade.deps.metrics.compareOffLoop.get()).values.reduce((n, v) => n + v.value, 0);
}

it('an answer labelled gzip two hundred times over reaches the client as it came, and is not inflated layer by layer on the event loop', async () => {
  const layered = (payload: Buffer): Buffer => { let b = payload; for (let i = 0; i < 200; i++) b = zlib.gzipSync(b, { level: 0 }); return b; };
  const encoding = Array(200).fill('gzip').join(', ');
  const primary = layered(randomBytes(200_000));
  const shadow = layered(randomBytes(200_000));
  monolith.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-encoding': encoding }); res.end(primary); };
  service.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-encoding': encoding }); res.end(shadow); };
  // fetch would undo the codings itself: read the bytes raw
  const raw = await new Promise<Buffer>((resolve, reject) => {
    http.get(`${facade.url}/api/blob`, (res) => { const parts: Buffer[] = []; res.on('data', (c: Buffer) => parts.push(c)); res.on('end', () => resolve(Buffer.concat(parts))); }).on('error', reject);
  });
  expect(raw.equals(primary)).toBe(true);
  await facade.waitForDone(1, 20_000);
  await facade.recorder.flush();
  const rows = await facade.database.sql.all<{ outcome: string; reason: string | null }>('SELECT outcome, reason FROM comparisons');
  expect(rows).toEqual([{ outcome: 'error', reason: 'monolith_body_undecodable' }]);
}, 30_000);

it('a small page of short lines that differ everywhere is line-diffed off the event loop, with the verdict it always had', async () => {
  const lines = Array.from({ length: 12_000 }, (_, i) => String(i % 3));
  const changed = lines.map((l, i) => (i % 7 === 0 ? 'x' : l));
  monolith.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end(lines.join('\n')); };
  service.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end(changed.join('\n')); };
  const { body, record } = await probe('/api/page');
  expect(body.toString()).toBe(lines.join('\n')); // under the 64 KB worker threshold, both sides together
  expect(record.outcome).toBe('unjudged'); // compared by hash: judged by hand
  expect(record.facts.map((f) => f.path)).toEqual(['body#sha256']); // apart at more lines than a line diff lists
  // Its line diff (1.2 s on the event loop here) was given up at the inline budget and made in a thread.
  expect(await offLoop()).toBe(1);
}, 30_000);

it('a string that begins with a NUL and spells a number is a string: against the number it is a difference of type', async () => {
  monolith.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"price":"\\u0000num:5"}'); };
  service.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"price":5}'); };
  const { body, record } = await probe('/api/price');
  expect(body.toString()).toBe('{"price":"\\u0000num:5"}');
  expect(record.outcome).not.toBe('match'); // was a match: the string read as the exact number 5
  expect(record.facts.map((f) => [f.path, f.kind, f.primary, f.shadow])).toEqual([['$.price', 'type', '\u0000num:5', 5]]);
});

it('a zstd answer of thousands of frames, each asking for a 2 MB window, is refused at its headers: the client is answered at once, the comparison is an error', async () => {
  const frame = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 11 << 3, 0x01, 0x00, 0x00]); // no content, a 2 MB window
  const body = Buffer.concat(Array(20_000).fill(frame));
  monolith.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'zstd' }); res.end(body); };
  service.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'zstd' }); res.end(Buffer.concat([body, frame])); };
  const raw = await new Promise<Buffer>((resolve, reject) => {
    http.get(`${facade.url}/api/frames`, (res) => { const parts: Buffer[] = []; res.on('data', (c: Buffer) => parts.push(c)); res.on('end', () => resolve(Buffer.concat(parts))); }).on('error', reject);
  });
  expect(raw.equals(body)).toBe(true);
  await facade.waitForDone(1, 20_000); // two minutes and gigabytes when every frame's window was allocated
  await facade.recorder.flush();
  const rows = await facade.database.sql.all<{ outcome: string; reason: string | null }>('SELECT outcome, reason FROM comparisons');
  expect(rows).toEqual([{ outcome: 'error', reason: 'monolith_body_undecodable' }]);
}, 30_000);
