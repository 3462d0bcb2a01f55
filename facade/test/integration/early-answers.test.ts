// An upstream that answers an upload before it has read it (a 413 over its own limit and a close,
// a 401 that reads and drops the body): a client that writes its whole body before reading (most
// do) must get that answer and then the connection's end or the next answer, never a stall with
// its body half sent. nginx answers and closes; so does the facade.
import { execFile } from 'node:child_process';
import net from 'node:net';
import { setStage } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';

type Mode = 'close' | 'drain' | 'continue';

/** A raw upstream: `/upload` is answered as soon as its head arrives; anything else 200 `ok`. */
function earlyUpstream(mode: Mode): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    let skip = 0; // body bytes still to drop (drain mode)
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        if (skip > 0) {
          const n = Math.min(skip, buf.length);
          skip -= n;
          buf = buf.subarray(n);
          if (skip > 0) return;
        }
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        buf = buf.subarray(end + 4);
        const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (!head.startsWith('POST /upload')) { skip = length; s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'); continue; }
        if (mode === 'close') { s.end('HTTP/1.1 413 Payload Too Large\r\nContent-Length: 9\r\nConnection: close\r\n\r\ntoo large'); return; }
        // A WSGI app that cannot read a chunked body: it says 100, answers an empty form at once, and closes.
        if (mode === 'continue') { s.end('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 9\r\nConnection: close\r\n\r\nempty ok.'); return; }
        skip = length;
        s.write('HTTP/1.1 401 Unauthorized\r\nContent-Length: 4\r\n\r\nnope');
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  })));
}

/**
 * Writes a POST with `bytes` of body at once, as a client that reads only after writing does, then
 * (if the connection is still open after the first answer) a GET; resolves with what came back and
 * whether the connection ended, within `ms`.
 */
function upload(url: string, bytes: number, ms = 5000, expect = false): Promise<{ text: string; ended: boolean; unsent: number }> {
  return new Promise((resolve) => {
    const sock = net.connect(Number(new URL(url).port), '127.0.0.1');
    let text = '';
    let askedAgain = false;
    const done = (ended: boolean): void => { clearTimeout(timer); resolve({ text, ended, unsent: sock.writableLength }); sock.destroy(); };
    const timer = setTimeout(() => done(false), ms);
    sock.on('error', () => undefined);
    sock.on('close', () => done(true));
    sock.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (!askedAgain && /\r\n\r\n(too large|nope|empty ok\.)$/.test(text)) {
        askedAgain = true;
        if (!/connection: close/i.test(text)) sock.write('GET /next HTTP/1.1\r\nHost: shop.example\r\n\r\n');
      }
      if (/\r\n\r\nok$/.test(text)) done(false);
    });
    sock.write(`POST /upload HTTP/1.1\r\nHost: shop.example\r\nContent-Type: application/octet-stream\r\nContent-Length: ${bytes}\r\n${expect ? 'Expect: 100-continue\r\n' : ''}\r\n`);
    sock.write(Buffer.alloc(bytes, 97));
  });
}

let upstream: Awaited<ReturnType<typeof earlyUpstream>> | undefined;
let facade: TestFacade | undefined;

afterEach(async () => {
  await facade?.close();
  await upstream?.close();
  facade = undefined;
  upstream = undefined;
});

async function through(mode: Mode): Promise<TestFacade> {
  upstream = await earlyUpstream(mode);
  facade = await startTestFacade({ monolith: { url: upstream.url }, services: { files: { url: upstream.url } }, routes: [{ name: 'files', match: { path: '/**' }, service: 'files' }] });
  await setStage(facade.adminUrl!, 'files', 'off');
  return facade;
}

describe('an upstream that answers an upload before reading it', () => {
  it.each([1_000_000, 5_000_000])('413 and close at the head, %i bytes written at once: the client gets the 413, its body is taken, and the connection ends', async (bytes) => {
    const f = await through('close');
    const got = await upload(f.url, bytes);
    expect(got.text).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
    expect(got.text).toMatch(/\r\nconnection: close\r\n/i);
    expect(got.text.endsWith('too large')).toBe(true);
    expect(got).toMatchObject({ ended: true, unsent: 0 });
  });

  it('401 while the upstream drops the body: the client gets the 401 and the connection ends, then the facade serves the next client', async () => {
    const f = await through('drain');
    const got = await upload(f.url, 5_000_000);
    expect(got.text).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n[\s\S]*\r\n\r\nnope$/);
    expect(got).toMatchObject({ ended: true, unsent: 0 });
    const small = await upload(f.url, 10);
    expect(small.text).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
    expect(small.text.endsWith('ok')).toBe(true); // a body that had arrived whole: the connection stayed open for the next request
  });

  it('a client waiting for 100 Continue, answered 200 early and the connection closed upstream: it gets the 200 and the connection ends, not a stall', async () => {
    const f = await through('continue');
    const got = await upload(f.url, 5_000_000, 8000, true);
    expect(got.text).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nempty ok\.$/);
    expect(got.text).toMatch(/\r\nconnection: close\r\n/i);
    expect(got).toMatchObject({ ended: true, unsent: 0 });
  });
});

/**
 * Python's http.client, which sends the whole body (sendall) before it reads a byte of the answer:
 * the status it got, or the error it raised.
 */
function pythonUpload(url: string, bytes: number, path = '/upload'): Promise<string> {
  const script = [
    'import http.client, sys',
    'c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=20)',
    'try:',
    `  c.request("POST", "${path}", body=b"a" * int(sys.argv[2]), headers={"Content-Type": "application/octet-stream"})`,
    '  r = c.getresponse(); print(r.status, r.read().decode())',
    'except Exception as e:',
    '  print(type(e).__name__)',
  ].join('\n');
  return new Promise((resolve) => {
    execFile('python3', ['-c', script, new URL(url).port, String(bytes)], { timeout: 30_000 }, (err, out, errOut) => resolve(`${out}${err && !out ? errOut : ''}`.trim()));
  });
}

describe('a client that reads only once its whole body is sent (Python\'s http.client)', () => {
  it('gets the upstream\'s early 413 for a 10 MB upload, not a broken pipe: the facade lingers, reading and dropping the rest', async () => {
    const f = await through('close');
    expect(await pythonUpload(f.url, 10 << 20)).toBe('413 too large');
  });

  it('gets the facade\'s own 413 for a body over the route\'s cap', async () => {
    upstream = await earlyUpstream('drain');
    facade = await startTestFacade({ monolith: { url: upstream.url }, services: { files: { url: upstream.url } }, routes: [{ name: 'files', match: { path: '/**' }, service: 'files', maxRequestBodyBytes: 1_048_576 }] });
    await setStage(facade.adminUrl!, 'files', 'off');
    expect(await pythonUpload(facade.url, 10 << 20, '/other')).toMatch(/^413 .*BODY_TOO_LARGE/);
  });
});

