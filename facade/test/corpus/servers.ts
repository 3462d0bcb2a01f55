// The fixture pair: two plain node:http servers on 127.0.0.1 (port chosen by the OS) answering
// every corpus endpoint, one as the monolith and one as the service, each with its own state.
// They count what they served per endpoint, so a test can measure the load shadowing adds.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { json, type CorpusFixture, type CorpusRequest, type Reply } from './fixture';
import { CORPUS_FIXTURES, endpointKey } from './manifest';
import { MONOLITH, SERVICE, SideState, type SideProfile } from './side';

export interface CorpusServer {
  readonly url: string;
  readonly side: SideProfile['name'];
  /** Requests answered per endpoint (`GET /corpus/noise/clock/:id`), unknown paths under `?`. */
  readonly served: ReadonlyMap<string, number>;
  close(): Promise<void>;
}

export interface CorpusPair {
  readonly monolith: CorpusServer;
  readonly service: CorpusServer;
}

const ID = /^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

interface Compiled {
  readonly fixture: CorpusFixture;
  readonly segments: readonly string[];
}

const COMPILED: readonly Compiled[] = CORPUS_FIXTURES.map((fixture) => ({ fixture, segments: fixture.template.split('/') }));

/** The fixtures whose template fits a path (any method), with the path's `:id` values in order. */
function route(path: string): { matches: Compiled[]; params: string[] } {
  const segments = path.split('/');
  const matches: Compiled[] = [];
  let params: string[] = [];
  for (const c of COMPILED) {
    if (c.segments.length !== segments.length) continue;
    const found: string[] = [];
    const fits = c.segments.every((t, k) => (t === ':id' ? ID.test(segments[k]!) && found.push(segments[k]!) > 0 : t === segments[k]));
    if (fits) {
      matches.push(c);
      params = found;
    }
  }
  return { matches, params };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false; message: string } {
  if (body.length === 0) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) as unknown };
  } catch (err) {
    return { ok: false, message: `request body is not valid JSON: ${(err as Error).message}` };
  }
}

async function answer(side: SideState, served: Map<string, number>, req: IncomingMessage): Promise<Reply> {
  const url = new URL(req.url ?? '/', 'http://corpus.invalid');
  const method = (req.method ?? 'GET').toUpperCase();
  const body = await readBody(req);
  const { matches, params } = route(url.pathname);
  const hit = matches.find((m) => m.fixture.method === method);
  const key = hit ? endpointKey(hit.fixture) : '?';
  served.set(key, (served.get(key) ?? 0) + 1);
  if (!hit) {
    if (matches.length === 0) return json({ error: 'not_found', message: `no corpus endpoint at ${url.pathname}` }, { status: 404 });
    const allow = matches.map((m) => m.fixture.method).join(', ');
    return json({ error: 'method_not_allowed', message: `${method} not allowed here; allowed: ${allow}` }, { status: 405, headers: { allow } });
  }
  const parsed = parseJson(body);
  if (!parsed.ok) return json({ error: 'bad_request', message: parsed.message }, { status: 400 });
  const request: CorpusRequest = { params, query: url.searchParams, headers: req.headers, body: parsed.value };
  side.useStream(key);
  return hit.fixture.handle(side, request);
}

function send(res: ServerResponse, side: SideState, reply: Reply, head: boolean): void {
  // a per-response request id, as real servers send; not compared by default
  res.writeHead(reply.status, { ...reply.headers, 'x-request-id': side.uuid() });
  res.end(head ? undefined : reply.body);
}

/** Starts one side of the pair on 127.0.0.1 with a port chosen by the OS. */
export async function startCorpusServer(profile: SideProfile): Promise<CorpusServer> {
  const side = new SideState(profile);
  const served = new Map<string, number>();
  const server = http.createServer((req, res) => {
    answer(side, served, req).then(
      (reply) => send(res, side, reply, req.method === 'HEAD'),
      (err: unknown) => send(res, side, json({ error: 'fixture_failed', message: (err as Error).message }, { status: 500 }), false),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`, side: profile.name, served,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** Starts the monolith and the service of the corpus, each with its own state. */
/** Both fixture servers; `seed` shifts both sides' random generators (another draw of the same corpus). */
export async function startCorpusPair(seed = 0): Promise<CorpusPair> {
  const monolith = await startCorpusServer({ ...MONOLITH, seed: MONOLITH.seed + seed });
  try {
    return { monolith, service: await startCorpusServer({ ...SERVICE, seed: SERVICE.seed + seed }) };
  } catch (err) {
    await monolith.close();
    throw err;
  }
}
