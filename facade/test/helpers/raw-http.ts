// Raw `node:http` requests for integration tests: the request-target goes on the wire byte for
// byte (fetch would normalize it), repeated headers stay visible, and a truncated body is reported.
import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import net from 'node:net';

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Name/value pairs as received, repeated headers (Set-Cookie) kept apart. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

export interface RawRequestOptions {
  readonly method?: string;
  readonly headers?: OutgoingHttpHeaders;
  readonly body?: string | Buffer;
  /** Defaults to false: a new connection per request, so tests don't share sockets. */
  readonly agent?: http.Agent | false;
  /** Rejects when nothing at all happens for this long (never a sleep: a bound). */
  readonly timeoutMs?: number;
}

/** Sends `method path` to `baseUrl` exactly as written and resolves with the complete answer. */
export function rawRequest(baseUrl: string, path: string, opts: RawRequestOptions = {}): Promise<RawResponse> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({
      hostname: base.hostname, port: base.port, method: opts.method ?? 'GET', path,
      headers: opts.headers, agent: opts.agent ?? false,
    });
    req.setTimeout(opts.timeoutMs ?? 5000, () => req.destroy(new Error(`no answer to ${path} within ${opts.timeoutMs ?? 5000} ms`)));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        if (!res.complete) { reject(new Error('response ended before it was complete')); return; }
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        resolve({
          status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body, text,
          json: <T>() => JSON.parse(text) as T,
        });
      });
    });
    req.end(opts.body);
  });
}

export interface Deferred<T = void> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

/** A promise the test settles itself (e.g. an upstream that answers when the test says so). */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

/** Rejects with `what` when `promise` has not settled within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Sends `bytes` on a new connection and resolves with everything written back until the connection closed. */
export function exchange(url: string, bytes: string | Buffer, timeoutMs = 3000): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1');
    let out = '';
    const t = setTimeout(() => { socket.destroy(); reject(new Error(`connection still open after ${timeoutMs} ms; got ${JSON.stringify(out)}`)); }, timeoutMs);
    socket.on('data', (c: Buffer) => { out += c.toString('latin1'); });
    socket.on('error', () => undefined);
    socket.on('close', () => { clearTimeout(t); resolve(out); });
    socket.write(bytes);
  });
}
