// The primary's answer is read through undici, its copies (shadows) used to be read through
// node:http: header folding must be the same on both, or a comparison would report a header
// difference that is only the facade's own. node:http's parser is the reference here.
import http from 'node:http';
import net from 'node:net';
import { foldHeaders } from '../../src/io/dispatch';

async function nodeFolds(rawLines: readonly string[]): Promise<{ raw: string[]; headers: http.IncomingHttpHeaders }> {
  const server = http.createServer((req, res) => { res.end(); server.emit('seen', req.rawHeaders, req.headers); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as net.AddressInfo;
  try {
    const seen = new Promise<{ raw: string[]; headers: http.IncomingHttpHeaders }>((resolve) =>
      server.once('seen', (raw: string[], headers: http.IncomingHttpHeaders) => resolve({ raw, headers })));
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(`GET / HTTP/1.1\r\nHost: x\r\n${rawLines.map((l) => `${l}\r\n`).join('')}Connection: close\r\n\r\n`);
    const out = await seen;
    socket.destroy();
    return out;
  } finally {
    server.close();
  }
}

describe('undici answers fold their headers as node:http does', () => {
  it.each([
    ['repeated Set-Cookie stay separate values', ['Set-Cookie: a=1; Path=/', 'set-cookie: b=2']],
    ['repeated list headers are joined with a comma', ['Vary: Accept', 'Vary: Origin', 'X-Custom: 1', 'x-custom: 2']],
    ['repeated single-value headers keep the first', ['Content-Type: text/plain', 'Content-Type: application/json', 'ETag: "a"', 'ETag: "b"', 'Location: /a', 'Location: /b']],
    ['cookies are joined with a semicolon', ['Cookie: a=1', 'Cookie: b=2']],
    ['names are lowercased, values kept byte for byte', ['X-MiXeD-Case:  spaced value', 'X-Latin1: caf\u00e9']],
  ])('%s', async (_why, lines) => {
    const { raw, headers } = await nodeFolds(lines);
    expect(foldHeaders(raw)).toEqual({ ...headers });
  });
});
