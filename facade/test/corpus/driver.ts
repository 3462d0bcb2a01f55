// Traffic for the corpus: up to `perEndpoint` requests per endpoint, interleaved across endpoints
// (round r asks every endpoint its r-th sample path), a few at a time over keep-alive sockets.
// Bounded and self-stopping: each request has a timeout, failures are counted, never retried.
import http from 'node:http';
import { CORPUS, endpointKey } from './manifest';
import type { CorpusEndpoint } from './types';

export interface DriveOptions {
  /** Requests per endpoint (sample paths 0 .. perEndpoint-1). */
  readonly perEndpoint: number;
  /** Endpoints to drive; the whole corpus by default. */
  readonly endpoints?: readonly CorpusEndpoint[];
  /** Requests in flight at once (default 8). */
  readonly concurrency?: number;
  /** Per-request timeout (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Headers added to every request (e.g. the route's context key, `x-user-id`). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Send every write after every read (default true): a facade that holds back reads of a
   * route while a second write is in flight would otherwise skip reads the run means to compare.
   */
  readonly writesLast?: boolean;
}

export interface DriveFailure {
  readonly endpoint: string;
  readonly path: string;
  readonly error: string;
}

export interface DriveResult {
  /** Requests that got an answer (any status). */
  readonly answered: number;
  readonly failures: readonly DriveFailure[];
  /** Answers per status code. */
  readonly statuses: Readonly<Record<number, number>>;
}

interface Job {
  readonly endpoint: CorpusEndpoint;
  readonly i: number;
}

function plan(endpoints: readonly CorpusEndpoint[], perEndpoint: number, writesLast: boolean): Job[] {
  const rounds = (list: readonly CorpusEndpoint[]): Job[] =>
    Array.from({ length: perEndpoint }, (_, i) => list.map((endpoint) => ({ endpoint, i }))).flat();
  if (!writesLast) return rounds(endpoints);
  return [...rounds(endpoints.filter((e) => !e.write)), ...rounds(endpoints.filter((e) => e.write))];
}

function send(base: URL, agent: http.Agent, job: Job, options: DriveOptions): Promise<number> {
  const path = job.endpoint.samplePaths(job.i);
  const payload = job.endpoint.body ? Buffer.from(JSON.stringify(job.endpoint.body(job.i))) : undefined;
  const headers: Record<string, string> = {
    ...options.headers,
    ...job.endpoint.requestHeaders?.(job.i),
    ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
  };
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, base), { method: job.endpoint.method, agent, headers, timeout: options.timeoutMs ?? 5000 }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs ?? 5000} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Sends the corpus's traffic to `baseUrl` (a facade, or one fixture server) and resolves when
 * every request has been answered or has failed. Throws only on bad options.
 */
export async function driveCorpus(baseUrl: string, options: DriveOptions): Promise<DriveResult> {
  if (!Number.isInteger(options.perEndpoint) || options.perEndpoint < 0) throw new Error(`perEndpoint must be an integer >= 0, got ${options.perEndpoint}`);
  const concurrency = options.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be an integer >= 1, got ${concurrency}`);
  const base = new URL(baseUrl);
  const jobs = plan(options.endpoints ?? CORPUS, options.perEndpoint, options.writesLast ?? true);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const statuses: Record<number, number> = {};
  const failures: DriveFailure[] = [];
  let next = 0;
  let answered = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      try {
        const status = await send(base, agent, job, options);
        statuses[status] = (statuses[status] ?? 0) + 1;
        answered++;
      } catch (err) {
        failures.push({ endpoint: endpointKey(job.endpoint), path: job.endpoint.samplePaths(job.i), error: (err as Error).message });
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
  } finally {
    agent.destroy();
  }
  return { answered, failures, statuses };
}
