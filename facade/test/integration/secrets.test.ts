// Secrets kept out, end to end: a facade fed requests and answers full of credentials (headers,
// query parameters, JSON fields, JWTs) keeps none of them in its state database or its log lines;
// the files it makes are owner-only; redacted values keep keyed fingerprints, so two different
// secrets still read as a difference.
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { setStage } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { rawRequest } from '../helpers/raw-http';
import { startUpstream, type Handler, type TestUpstream } from '../helpers/upstream';

const JWT_A = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEiLCJpYXQiOjF9.c2lnLWE';
const JWT_B = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEiLCJpYXQiOjJ9.c2lnLWI';
/** Every secret the test sends or answers with; none may be found in any file or log line. */
const SECRETS = [
  'hdr-authz-1111', 'hdr-xauth-2222', 'hdr-apikey-3333', 'cookie-sid-4444', 'query-token-5555', 'query-sig-6666',
  'body-pass-7777', 'body-card-8888', 'body-cvv-9999', 'answer-token-aaaa', 'answer-token-bbbb', 'set-cookie-cccc', JWT_A, JWT_B,
];

let monolith: TestUpstream;
let catalog: TestUpstream;
let facade: TestFacade | undefined;
let logText = '';

const answering = (side: string, token: string, jwt: string): Handler => (req, res) => {
  const body = JSON.stringify({ from: side, session: { token, idToken: jwt }, items: [{ card_number: 'x', name: 'kept' }] });
  res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': `sid=set-cookie-cccc-${side}; Path=/`, 'x-auth-token': `hdr-xauth-2222-${side}` });
  res.end(body);
};

beforeEach(async () => {
  logText = '';
  monolith = await startUpstream('monolith', answering('monolith', 'answer-token-aaaa', JWT_A));
  catalog = await startUpstream('catalog', answering('catalog', 'answer-token-bbbb', JWT_B));
});

afterEach(async () => {
  await facade?.close();
  facade = undefined;
  await Promise.all([monolith.close(), catalog.close()]);
});

async function start(): Promise<TestFacade> {
  const sink = new Writable({ write(chunk, _enc, done) { logText += String(chunk); done(); } });
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { catalog: { url: catalog.url } },
    routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog', compare: { headers: ['content-type', 'x-auth-token'], cookies: ['sid'] } }],
  }, { logger: pino({ level: 'debug' }, sink) });
  return facade;
}

const SECRET_REQUEST = {
  path: '/api/products/1?token=query-token-5555&page=2&sig=query-sig-6666&next=/x?access_token=query-token-5555',
  headers: {
    authorization: 'Bearer hdr-authz-1111', 'x-auth-token': 'hdr-xauth-2222', 'x-api-key': 'hdr-apikey-3333',
    cookie: 'sid=cookie-sid-4444', 'x-debug-token': JWT_A, 'content-type': 'application/json',
  },
  body: JSON.stringify({ user: { password: 'body-pass-7777' }, payment: [{ cardNumber: 'body-card-8888', cvv: 'body-cvv-9999' }], note: 'plain' }),
};

/** Every file the facade wrote beside its state database, as text (SQLite pages, WAL, key files). */
function filesOf(f: TestFacade): Map<string, string> {
  const dir = path.dirname(f.config.state.db);
  return new Map(fs.readdirSync(dir).map((name) => [name, fs.readFileSync(path.join(dir, name)).toString('latin1')]));
}

function expectNoSecretIn(where: string, text: string): void {
  for (const s of SECRETS) if (text.includes(s)) throw new Error(`${where} holds the secret ${s}`);
}

it('nothing secret is stored or logged from a compared read and a dual write, and the log still says what happened', async () => {
  const f = await start();
  await setStage(f.adminUrl!, 'catalog', 'shadow');
  await rawRequest(f.url, SECRET_REQUEST.path, { headers: SECRET_REQUEST.headers });
  await rawRequest(f.url, SECRET_REQUEST.path, { method: 'POST', headers: SECRET_REQUEST.headers, body: SECRET_REQUEST.body });
  await f.waitForDone(2);
  await catalog.waitFor(2);
  // Logged through the facade's logger: what an operator (or another module) might log about a request.
  f.deps.logger.warn({ url: SECRET_REQUEST.path, headers: SECRET_REQUEST.headers, err: new Error(`upstream said no to ${SECRET_REQUEST.path}`) }, `retrying ${SECRET_REQUEST.path}`);
  await f.recorder.flush();
  const files = filesOf(f);
  expect([...files.keys()].some((n) => n.startsWith('state.db'))).toBe(true);
  for (const [name, text] of files) expectNoSecretIn(name, text);
  expectNoSecretIn('the log', logText);
  expect(logText).toContain('retrying /api/products/1?token=[REDACTED:');
  expect(logText).toContain('page=2');
});

it('the state database, its WAL and shared-memory files and the key file are owner-only (0600)', async () => {
  const f = await start();
  await setStage(f.adminUrl!, 'catalog', 'shadow');
  await rawRequest(f.url, '/api/products/1');
  await f.waitForDone(1);
  const dir = path.dirname(f.config.state.db);
  const modes = Object.fromEntries(fs.readdirSync(dir).map((n) => [n, fs.statSync(path.join(dir, n)).mode & 0o777]));
  expect(modes).toMatchObject({ 'state.db': 0o600, 'state.db-wal': 0o600, 'state.db-shm': 0o600, 'redaction.key': 0o600 });
  for (const [name, mode] of Object.entries(modes)) expect([name, mode & 0o077]).toEqual([name, 0]);
});

it('an existing world-readable state database is tightened to 0600 when the facade opens it', async () => {
  const first = await start();
  const db = first.config.state.db;
  const dir = first.dir;
  await first.close();
  facade = undefined;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(db, '');
  fs.chmodSync(db, 0o644);
  const { StateStore } = await import('../../src/io/state-store');
  new StateStore(db).close();
  expect(fs.statSync(db).mode & 0o777).toBe(0o600);
  fs.rmSync(dir, { recursive: true, force: true });
});

it('a difference between two secrets is still stored as one: each side keeps its own fingerprint', async () => {
  const f = await start();
  await setStage(f.adminUrl!, 'catalog', 'shadow');
  await rawRequest(f.url, '/api/products/1');
  await f.waitForDone(1);
  await f.recorder.flush();
  // Whatever table the diff store keeps differences in: the primary's and the shadow's token differ.
  const stored = [...filesOf(f)].filter(([name]) => name.startsWith('state.db')).map(([, text]) => text).join('');
  expectNoSecretIn('the state database', stored);
  const prints = new Set(stored.match(/\[REDACTED:[0-9a-f]{6}\]/g) ?? []);
  expect(prints.size).toBeGreaterThanOrEqual(2);
});
