// The facade's default diff store writer: comparisons written on a thread of its own, off the event
// loop (io/diff-store/thread-writer.ts). What a user sees must not change: every comparison in the
// store once the recorder flushed, the stage changes the main connection writes meanwhile, and a
// graceful stop that commits the last batch.
import http from 'node:http';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { setStage } from '../helpers/admin-client';
import pino from 'pino';
import { parseConfig } from '../../src/config';
import { startFacade } from '../../src/server';
import { tempDir } from '../helpers/facade';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

/** Answers `{ id, price }`; the service's price is a cent higher on even ids. */
const prices = (side: 'monolith' | 'service') => (req: http.IncomingMessage, res: http.ServerResponse): void => {
  const id = Number(req.url?.split('/').pop());
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ id, price: 10 + (side === 'service' && id % 2 === 0 ? 0.01 : 0) }));
};

beforeEach(async () => {
  monolith = await startUpstream('monolith', prices('monolith'));
  service = await startUpstream('service', prices('service'));
});

afterEach(async () => {
  await monolith.close();
  await service.close();
});

const get = (url: string): Promise<number> => new Promise((resolve, reject) => {
  http.get(url, { agent }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); }).on('error', reject);
});

it('writes every comparison on its thread while the main connection writes stages; a graceful stop commits the last batch', async () => {
  const dir = tempDir();
  const db = path.join(dir, 'state.db');
  const config = parseConfig({
    monolith: { url: monolith.url }, services: { catalog: { url: service.url } },
    routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog', compare: { reask: { enabled: false } } }],
    state: { db },
  }, 'test config');
  expect(config.diffStore.writerThread).toBe(true); // the default
  const f = await startFacade(config, { logger: pino({ level: 'silent' }), port: 0, adminPort: 0, adminToken: 'test-token' });
  try {
    await setStage(f.adminUrl!, 'catalog', 'shadow');
    expect((await Promise.all(Array.from({ length: 40 }, (_, i) => get(`${f.url}/api/products/${i + 1}`)))).every((s) => s === 200)).toBe(true);
    await f.recorder.flush();
    for (const stage of ['off', 'shadow']) await setStage(f.adminUrl!, 'catalog', stage); // the main connection writes meanwhile
    await Promise.all(Array.from({ length: 20 }, (_, i) => get(`${f.url}/api/products/${i + 101}`)));
  } finally {
    await f.close(); // at once: what the recorder still held is committed first
  }
  const read = new Database(db, { readonly: true });
  try {
    // 60 comparisons: the 30 odd ids match; the 30 even ones differ (unjudged until the monolith's one
    // value was seen in three of them, then mismatch)
    const counts = Object.fromEntries((read.prepare('SELECT outcome, COUNT(*) AS n FROM comparisons GROUP BY outcome').all() as Array<{ outcome: string; n: number }>).map((r) => [r.outcome, r.n]));
    expect(counts.match).toBe(30);
    expect((counts.mismatch ?? 0) + (counts.unjudged ?? 0)).toBe(30);
    expect(Object.keys(counts).sort()).toEqual(['match', 'mismatch', 'unjudged']);
    expect(read.prepare("SELECT COUNT(*) AS n FROM comparison_fields WHERE field = '$.price'").get()).toEqual({ n: 30 });
    expect(read.prepare("SELECT stage FROM route_states WHERE route = 'catalog'").get()).toEqual({ stage: 'shadow' });
    expect(read.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE route = 'catalog'").get()).toEqual({ n: 3 });
  } finally {
    read.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 20_000);
