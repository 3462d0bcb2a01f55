// The load generator, in the bench process, over node:http with a keep-alive agent per target.
// Two modes, both bounded in time and in requests, both stopping by themselves:
//  - closed loop (saturation): C connections, each sends its next request when the last one ended;
//  - open loop (fixed rate): request i is due at t0 + i/rate, sent by a timer that catches up with
//    every request already due (timestamps, not setInterval drift). Latency counts from the time a
//    request was due (no coordinated omission); the time from when it was actually sent is kept too.
// Latencies are taken with process.hrtime.bigint() and kept as numbers of nanoseconds.
import http from 'node:http';

export interface Target {
  readonly port: number;
  readonly path: string;
  readonly agent: http.Agent;
}

export interface RunResult {
  /** Requests answered 200 with a complete body. */
  readonly ok: number;
  /** Network errors, timeouts, non-200 answers, requests not sent because too many were in flight. */
  readonly errors: number;
  readonly errorKinds: Record<string, number>;
  /** Wall time from the first request sent to the last one finished, ns. */
  readonly elapsedNs: number;
  /** Per successful request, ns (open loop: from the time it was due). */
  readonly latencyNs: Float64Array;
  /** Open loop only: per successful request, from the time it was actually sent, ns. */
  readonly sentLatencyNs: Float64Array | null;
  /** Open loop only: how late requests were sent, ns. */
  readonly sendLagNs: Float64Array | null;
}

export const REQUEST_TIMEOUT_MS = 5000;
const HEADERS = { accept: 'application/json', 'user-agent': 'strangler-bench' };

export function newAgent(maxSockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' });
}

type Done = (err: string | null) => void;

/** One GET; `done` is called exactly once, after the whole body arrived (or on failure). */
function fire(target: Target, done: Done): void {
  let finished = false;
  const finish = (err: string | null): void => {
    if (finished) return;
    finished = true;
    done(err);
  };
  const req = http.request({ host: '127.0.0.1', port: target.port, path: target.path, method: 'GET', agent: target.agent, headers: HEADERS });
  req.on('response', (res) => {
    const status = res.statusCode ?? 0;
    res.on('end', () => finish(status === 200 ? null : `status_${status}`));
    res.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? 'response_error'));
    res.resume();
  });
  req.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
  req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
  req.end();
}

function count(kinds: Record<string, number>, kind: string): void {
  kinds[kind] = (kinds[kind] ?? 0) + 1;
}

const now = (): bigint => process.hrtime.bigint();

/** Closed loop: `concurrency` requests always in flight until `durationMs` is over (or `maxRequests` sent). */
export function closedLoop(target: Target, concurrency: number, durationMs: number, maxRequests: number): Promise<RunResult> {
  return new Promise((resolve) => {
    const latency: number[] = [];
    const errorKinds: Record<string, number> = {};
    let errors = 0;
    let issued = 0;
    let inFlight = 0;
    const t0 = now();
    const deadline = t0 + BigInt(Math.round(durationMs * 1e6));
    let last = t0;
    const one = (): void => {
      issued++;
      inFlight++;
      const started = now();
      fire(target, (err) => {
        const ended = now();
        inFlight--;
        last = ended;
        if (err === null) latency.push(Number(ended - started));
        else { errors++; count(errorKinds, err); }
        if (ended < deadline && issued < maxRequests) one();
        else if (inFlight === 0) {
          resolve({ ok: latency.length, errors, errorKinds, elapsedNs: Number(last - t0), latencyNs: Float64Array.from(latency), sentLatencyNs: null, sendLagNs: null });
        }
      });
    };
    for (let i = 0; i < concurrency && issued < maxRequests; i++) one();
  });
}

/** Open loop: `rate` requests per second for `durationMs`, at most `maxInFlight` outstanding. */
export function openLoop(target: Target, rate: number, durationMs: number, maxInFlight: number): Promise<RunResult> {
  return new Promise((resolve) => {
    const total = Math.max(1, Math.round((rate * durationMs) / 1000));
    const intervalNs = 1e9 / rate;
    const latency: number[] = [];
    const sentLatency: number[] = [];
    const lag: number[] = [];
    const errorKinds: Record<string, number> = {};
    let errors = 0;
    let next = 0;
    let inFlight = 0;
    let last = 0;
    const t0 = now();
    const since = (): number => Number(now() - t0);
    const maybeFinish = (): void => {
      if (next < total || inFlight > 0) return;
      resolve({
        ok: latency.length, errors, errorKinds, elapsedNs: last, latencyNs: Float64Array.from(latency),
        sentLatencyNs: Float64Array.from(sentLatency), sendLagNs: Float64Array.from(lag),
      });
    };
    const tick = (): void => {
      const t = since();
      while (next < total && next * intervalNs <= t) {
        const due = next * intervalNs;
        next++;
        if (inFlight >= maxInFlight) { errors++; count(errorKinds, 'not_sent_too_many_in_flight'); continue; }
        inFlight++;
        const sent = since();
        lag.push(sent - due);
        fire(target, (err) => {
          const ended = since();
          inFlight--;
          last = ended;
          if (err === null) { latency.push(ended - due); sentLatency.push(ended - sent); } else { errors++; count(errorKinds, err); }
          maybeFinish();
        });
      }
      if (next < total) setTimeout(tick, Math.max(0, Math.floor((next * intervalNs - since()) / 1e6)));
      else maybeFinish();
    };
    tick();
  });
}
