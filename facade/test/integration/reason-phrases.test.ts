// A status line's reason phrase is free text (RFC 9112 §4: obs-text allowed): localized servers send
// it in their own language. Behind the facade the client gets the upstream's status and phrase, as
// going direct, never a 502 because the phrase was not ASCII.
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startRawServer, type RawServer } from '../helpers/net';
import { exchange } from '../helpers/raw-http';

let upstream: RawServer;
let facade: TestFacade;

/** Answers every request with `status` and the phrase's bytes. */
async function start(status: number, phrase: Buffer, parser?: 'lenient'): Promise<void> {
  upstream = await startRawServer((socket) => socket.on('data', () => {
    socket.write(Buffer.concat([Buffer.from(`HTTP/1.1 ${status} `), phrase, Buffer.from('\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok')]));
  }));
  facade = await startTestFacade({ monolith: { url: upstream.url, ...(parser ? { parser } : {}) }, services: {}, routes: [] });
}

afterEach(async () => {
  await facade?.close();
  await upstream?.close();
});

const ask = (): Promise<string> => exchange(facade.url, 'GET /status HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n');

it('a phrase in UTF-8 (a localized server) reaches the client as the upstream\'s bytes', async () => {
  await start(200, Buffer.from('Ça va très bien', 'utf8'));
  const out = await ask();
  expect(out.split('\r\n')[0]).toBe(`HTTP/1.1 200 ${Buffer.from('Ça va très bien', 'utf8').toString('latin1')}`);
  expect(out.endsWith('\r\n\r\nok')).toBe(true);
});

it('a phrase in Cyrillic on an error status keeps its status and bytes', async () => {
  await start(404, Buffer.from('Не найдено', 'utf8'));
  const out = await ask();
  expect(out.split('\r\n')[0]).toBe(`HTTP/1.1 404 ${Buffer.from('Не найдено', 'utf8').toString('latin1')}`);
});

it('a phrase in Latin-1 bytes (not UTF-8) gets the status\'s standard phrase, and the answer itself', async () => {
  await start(201, Buffer.from('Cr\xe9\xe9', 'latin1'));
  const out = await ask();
  expect(out.split('\r\n')[0]).toBe('HTTP/1.1 201 Created');
  expect(out.endsWith('\r\n\r\nok')).toBe(true);
});

// An upstream read by the lenient parser (io/lenient-dispatcher.ts: one that sent a bare-LF or
// folded answer once, or `parser: lenient`) gets node:http's reading of the phrase, not undici's:
// its bytes must reach the client the same, not encoded twice (`200 Ã\u0087a va`).
describe('from an upstream read leniently', () => {
  it('a phrase in UTF-8 reaches the client as the upstream\'s bytes', async () => {
    await start(200, Buffer.from('Ça va très bien', 'utf8'), 'lenient');
    const out = await ask();
    expect(out.split('\r\n')[0]).toBe(`HTTP/1.1 200 ${Buffer.from('Ça va très bien', 'utf8').toString('latin1')}`);
    expect(out.endsWith('\r\n\r\nok')).toBe(true);
  });

  it('a phrase in Latin-1 bytes gets the status\'s standard phrase, as from a strict one', async () => {
    await start(201, Buffer.from('Cr\xe9\xe9', 'latin1'), 'lenient');
    const out = await ask();
    expect(out.split('\r\n')[0]).toBe('HTTP/1.1 201 Created');
  });

  it('an ASCII phrase is kept as sent', async () => {
    await start(299, Buffer.from('Custom Thing'), 'lenient');
    expect((await ask()).split('\r\n')[0]).toBe('HTTP/1.1 299 Custom Thing');
  });
});
