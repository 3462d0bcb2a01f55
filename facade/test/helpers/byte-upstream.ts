// An upstream that keeps every request byte for byte (body as a Buffer, headers as received), can
// listen on a port chosen beforehand (a service that is down, then started), and a raw HTTP client
// that sends any body (declared length or chunked) and still reads an early answer such as a 413.
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Got {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface ByteUpstream {
  readonly url: string;
  readonly port: number;
  readonly got: Got[];
  /** The answer to each request (status, JSON body); 201 `{ ok: true }` by default. `reset`: the request is taken, the connection cut instead of an answer. */
  answer: (got: Got) => { status: number; body?: unknown; reset?: boolean };
  waitFor(n: number, timeoutMs?: number): Promise<Got[]>;
  close(): Promise<void>;
}

export async function startByteUpstream(port = 0): Promise<ByteUpstream> {
  const got: Got[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const up = { got, answer: () => ({ status: 201, body: { ok: true } }) } as unknown as ByteUpstream;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const g: Got = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      got.push(g);
      for (const w of waiters.filter((w) => got.length >= w.n)) w.resolve();
      const a = up.answer(g);
      if (a.reset) { req.socket.destroy(); return; }
      const payload = JSON.stringify(a.body ?? {});
      res.writeHead(a.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return Object.assign(up, {
    url: `http://127.0.0.1:${actual}`, port: actual,
    waitFor(n: number, timeoutMs = 10_000): Promise<Got[]> {
      if (got.length >= n) return Promise.resolve(got);
      return new Promise<Got[]>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`expected ${n} requests, got ${got.length}`)), timeoutMs);
        waiters.push({ n, resolve: () => { clearTimeout(t); resolve(got); } });
      });
    },
    close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }),
  });
}

export interface Answer { readonly status: number; readonly headers: IncomingHttpHeaders; readonly body: string }

/**
 * Sends `body` with a declared length, or as chunks of `chunk` bytes without one; stops sending once
 * an answer arrives (the facade may refuse before reading everything) and resolves with that answer.
 */
export function send(url: string, method: string, body: Buffer, headers: Record<string, string> = {}, chunk?: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const h: Record<string, string> = { ...headers };
    if (chunk === undefined) h['content-length'] = String(body.length);
    const req = http.request(url, { method, headers: h, agent: false });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        if (offset < body.length) req.destroy(); // answered before the body was all sent: stop sending
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') });
      });
    });
    req.on('error', (err) => { if (!answered) reject(err); });
    const step = chunk ?? body.length;
    let offset = 0;
    const pump = (): void => {
      while (offset < body.length && !answered) {
        const piece = body.subarray(offset, offset + step);
        offset += piece.length;
        if (!req.write(piece)) { req.once('drain', pump); return; }
      }
      if (!answered) req.end();
    };
    pump();
  });
}
