// Content-Encoding is removed before comparing: gzip, br and deflate bodies compare exactly
// like the plain body; corrupt or oversized bodies raise a typed error the caller counts.
import * as zlib from 'node:zlib';
import { compare } from '../../../src/core/compare/compare';
import { BodyDecodeError, decodeBody, MAX_CODINGS } from '../../../src/io/decode-body';
import { aJsonObservation, anObservation, compiled } from './builders';

const plain = Buffer.from(JSON.stringify({ items: [{ id: 1, price: 10 }, { id: 2, price: 12 }] }));

describe('decodeBody', () => {
  it.each<[string, string | undefined, (b: Buffer) => Buffer]>([
    ['gzip', 'gzip', (b) => zlib.gzipSync(b)],
    ['x-gzip', 'x-gzip', (b) => zlib.gzipSync(b)],
    ['br', 'br', (b) => zlib.brotliCompressSync(b)],
    ['zlib deflate', 'deflate', (b) => zlib.deflateSync(b)],
    ['raw deflate (no zlib wrapper)', 'deflate', (b) => zlib.deflateRawSync(b)],
    ['identity', 'identity', (b) => b],
    ['no encoding', undefined, (b) => b],
    ['chained "gzip, br" (decoded br first)', 'gzip, br', (b) => zlib.brotliCompressSync(zlib.gzipSync(b))],
    ['upper-case "GZIP"', 'GZIP', (b) => zlib.gzipSync(b)],
  ])('a %s body decodes to the plain bytes', (_name, encoding, encode) => {
    expect(decodeBody(encode(plain), encoding).equals(plain)).toBe(true);
  });

  it.each([
    ['gzip', zlib.gzipSync],
    ['br', zlib.brotliCompressSync],
    ['deflate', zlib.deflateSync],
  ] as const)('a %s body gives the same comparison result as the plain body', (encoding, encode) => {
    const rules = compiled({ headers: [] });
    const shadow = aJsonObservation({ items: [{ id: 1, price: 10 }, { id: 2, price: 13 }] });
    const decoded = anObservation({ headers: { 'content-type': 'application/json' }, body: decodeBody(encode(plain), encoding) });
    const direct = anObservation({ headers: { 'content-type': 'application/json' }, body: plain });
    expect(compare(decoded, shadow, rules)).toEqual(compare(direct, shadow, rules));
    expect(compare(decoded, shadow, rules).mismatched.map((d) => d.path)).toEqual(['$.items[1].price']);
  });

  it('an empty body stays empty whatever the encoding says', () => {
    expect(decodeBody(Buffer.alloc(0), 'gzip')).toHaveLength(0);
  });

  it.each([
    ['corrupt gzip', Buffer.from('not gzip at all'), 'gzip', 'BODY_DECODE_FAILED'],
    ['corrupt br', Buffer.from([0xff, 0xff, 0xff, 0xff]), 'br', 'BODY_DECODE_FAILED'],
    ['corrupt deflate', Buffer.from('nope'), 'deflate', 'BODY_DECODE_FAILED'],
    ['an unsupported encoding', Buffer.from('x'), 'compress', 'BODY_DECODE_FAILED'],
  ])('%s throws a BodyDecodeError with code %s', (_name, body, encoding, code) => {
    expect(() => decodeBody(body, encoding)).toThrow(BodyDecodeError);
    expect(() => decodeBody(body, encoding)).toThrow(expect.objectContaining({ code }));
  });

  it('at most MAX_CODINGS stacked codings are decoded: a body labelled gzip many times over is refused, not inflated layer after layer', () => {
    let four = plain;
    for (let i = 0; i < MAX_CODINGS; i++) four = zlib.gzipSync(four, { level: 0 });
    expect(decodeBody(four, Array(MAX_CODINGS).fill('gzip').join(', ')).equals(plain)).toBe(true);
    const five = zlib.gzipSync(four, { level: 0 });
    expect(() => decodeBody(five, Array(MAX_CODINGS + 1).fill('gzip').join(', '))).toThrow(expect.objectContaining({ code: 'BODY_DECODE_FAILED' }));
    expect(decodeBody(Buffer.alloc(0), Array(50).fill('gzip').join(', '))).toHaveLength(0);
  });

  it('a body that decodes past maxBytes throws BODY_TOO_LARGE instead of growing without bound', () => {
    const bomb = zlib.gzipSync(Buffer.alloc(1024 * 1024));
    expect(() => decodeBody(bomb, 'gzip', 64 * 1024)).toThrow(expect.objectContaining({ code: 'BODY_TOO_LARGE' }));
    expect(decodeBody(bomb, 'gzip', 2 * 1024 * 1024)).toHaveLength(1024 * 1024);
  });
});
