// A write the facade holds in memory (it sends it to both sides, so it read the body first) goes
// to the upstream in one write. An upstream that answers it at the head without reading the body
// (a 401 for an expired token, its own 413) and closes resets the connection with the body unread.
// Its answer arrived before the reset, but the failed write was reported before the next read
// (bytesRead 0), and the client got 502 UPSTREAM_RESET at shadow/dualwrite/live/rampdown where
// at `off` (the body streams) and going direct it gets the 401. The upstream runs in its own process:
// the reset must arrive as it does from another process, between two turns of the facade's loop.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { startTestFacade, type TestFacade } from '../helpers/facade';

const UPSTREAM = `
const net = require('node:net');
const s = net.createServer((c) => {
  // Answers at the head and closes with the body unread (the kernel resets), as node:http does
  // after a Connection: close answer to a request it did not read.
  c.once('data', () => { c.pause(); c.write('HTTP/1.1 401 Unauthorized\\r\\nContent-Length: 4\\r\\nConnection: close\\r\\n\\r\\nnope', () => c.destroy()); });
  c.on('error', () => {});
});
s.listen(0, '127.0.0.1', () => console.log(s.address().port));
`;

let child: ChildProcess;
let url: string;
let facade: TestFacade | null = null;

beforeAll(async () => {
  child = spawn(process.execPath, ['-e', UPSTREAM], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  url = `http://127.0.0.1:${port}`;
});

afterEach(async () => {
  await facade?.close();
  facade = null;
});

afterAll(() => {
  child.kill();
});

/** A facade at dualwrite in front of the upstream, read by `parser`. */
async function startFacadeWith(parser: 'auto' | 'lenient'): Promise<TestFacade> {
  return startTestFacade({
    monolith: { url, parser }, services: { svc: { url, parser } },
    routes: [{ name: 'uploads', match: { path: '/**' }, service: 'svc', defaultStage: 'dualwrite' }],
  });
}

/** Sends a POST with `bytes` of body at once and resolves with the status line back. */
function post(facadeUrl: string, bytes: number): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(Number(new URL(facadeUrl).port), '127.0.0.1');
    let got = '';
    sock.on('data', (d: Buffer) => { got += d.toString('latin1'); if (got.includes('\r\n\r\n')) sock.destroy(); });
    sock.on('error', () => undefined);
    sock.on('close', () => resolve(got.split('\r\n')[0] ?? ''));
    sock.write(`POST /files HTTP/1.1\r\nHost: shop.example\r\nContent-Type: application/octet-stream\r\nContent-Length: ${bytes}\r\nConnection: close\r\n\r\n`);
    sock.write(Buffer.alloc(bytes, 97)); // no half-close: the facade takes a FIN for a client gone
  });
}

it('relays the upstream answer to a 5 MB write it held, not a 502', async () => {
  facade = await startFacadeWith('auto');
  const statuses: string[] = [];
  for (let i = 0; i < 5; i++) statuses.push(await post(facade.url, 5_000_000)); // each try is one chance for the race
  expect(statuses).toEqual(Array(5).fill('HTTP/1.1 401 Unauthorized'));
});

it('relays it too from an upstream read by the lenient parser (node:http, over the upstream agent)', async () => {
  facade = await startFacadeWith('lenient');
  const statuses: string[] = [];
  for (let i = 0; i < 5; i++) statuses.push(await post(facade.url, 5_000_000));
  expect(statuses).toEqual(Array(5).fill('HTTP/1.1 401 Unauthorized'));
});
