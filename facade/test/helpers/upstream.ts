// A real HTTP server on 127.0.0.1:0 standing in for the monolith or a service in facade tests:
// it records every request it gets and answers with a handler the test chooses.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface TestUpstream {
  readonly url: string;
  readonly port: number;
  readonly received: Received[];
  readonly server: http.Server;
  handler: Handler;
  /** Resolves when the upstream has received `n` requests in total. */
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export const jsonHandler = (name: string): Handler => (req, res, body) => {
  const payload = JSON.stringify({ from: name, method: req.method, url: req.url, body });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
};

export async function startUpstream(name: string, handler: Handler = jsonHandler(name)): Promise<TestUpstream> {
  const received: Received[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const up = { handler } as TestUpstream;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      for (const w of waiters.filter((w) => received.length >= w.n)) w.resolve();
      up.handler(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(up, {
    url: `http://127.0.0.1:${port}`, port, received, server,
    waitFor(n: number, timeoutMs = 5000): Promise<Received[]> {
      if (received.length >= n) return Promise.resolve(received);
      return new Promise<Received[]>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`${name}: expected ${n} requests, got ${received.length}`)), timeoutMs);
        waiters.push({ n, resolve: () => { clearTimeout(t); resolve(received); } });
      });
    },
    close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }),
  });
}
