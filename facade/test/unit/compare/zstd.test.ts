// Zstandard bodies decoded for comparison (io/zstd.ts): whole, in several frames, cut at the cap, and
// refused before anything is allocated for a frame that declares a window over RFC 9659's 8 MB.
import zlib from 'node:zlib';
import { decodeBody } from '../../../src/io/decode-body';

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');
// `zstd -19` of a product document; two frames with a skippable frame between them (the second
// without a declared size); 200,000 zero bytes in a frame without a declared size.
const PRODUCT = b64('KLUv/SRerQIAskUTF3BvxqAPwYw5KHmX9yfjHnRAC6mEQBWGlzHokIOSml0rDLJeubcxTjc7joLQ5ZtQalv6uidOszeSEjpAXNma9ZXam00UQsAky/qEqK0BAAD4AhNildA=');
const FRAMES = b64('KLUv/QRYYQAAZmlyc3QgZnJhbWU7co6JclMqTRgDAAAAeHl6KLUv/QRYaQAAIHNlY29uZCBmcmFtZexrvVw=');
const ZEROS = b64('KLUv/QRYVAAAEAAAAQD7/znAAgNqCADE6XRw');

function failure(buf: Buffer, encoding: string, cap?: number): { code: string; message: string } {
  try {
    decodeBody(buf, encoding, cap);
  } catch (err) {
    return { code: (err as { code: string }).code, message: (err as Error).message };
  }
  throw new Error('decoded');
}

describe('zstd bodies', () => {
  it('decode whole, in any frames, and under a chain with gzip', () => {
    expect(JSON.parse(decodeBody(PRODUCT, 'zstd').toString())).toMatchObject({ sku: 'SKU-000042', price: { amount: 2499 } });
    expect(decodeBody(FRAMES, 'ZSTD').toString()).toBe('first frame; second frame');
    expect(decodeBody(ZEROS, 'zstd', 200_000).equals(Buffer.alloc(200_000))).toBe(true);
    expect(decodeBody(zlib.gzipSync(PRODUCT), 'zstd, gzip').toString()).toBe(decodeBody(PRODUCT, 'zstd').toString());
  });

  it('past the cap: too large, whether the frame declares its size or not', () => {
    expect(failure(PRODUCT, 'zstd', 50)).toEqual({ code: 'BODY_TOO_LARGE', message: expect.stringContaining('zstd') });
    expect(failure(ZEROS, 'zstd', 199_999).code).toBe('BODY_TOO_LARGE');
  });

  it('frames that each ask for a large window, or too many frames, are refused before any is decoded (each window is allocated afresh)', () => {
    // magic, no flags, window descriptor 2 MB, one empty last raw block: 9 bytes asking for 2 MB each
    const frame = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 11 << 3, 0x01, 0x00, 0x00]);
    // Minutes and gigabytes when every frame was decoded: refused by its headers instead.
    expect(failure(Buffer.concat(Array(50_000).fill(frame)), 'zstd')).toEqual({ code: 'BODY_DECODE_FAILED', message: expect.stringContaining('windows add up') });
    expect(decodeBody(Buffer.concat(Array(8).fill(frame)), 'zstd')).toHaveLength(0); // 16 MB of windows: decoded
    const tiny = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x01, 0x01, 0x00, 0x00]); // single segment, 1 byte (unused)
    expect(failure(Buffer.concat(Array(2000).fill(tiny)), 'zstd')).toEqual({ code: 'BODY_DECODE_FAILED', message: expect.stringContaining('frames') });
  });

  it('a frame asking for a 1 GB window is refused at its header, as are corrupt and truncated data', () => {
    // magic, no flags, window descriptor 2^30, one empty last raw block
    const hostile = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 20 << 3, 0x01, 0x00, 0x00]);
    expect(failure(hostile, 'zstd')).toEqual({ code: 'BODY_DECODE_FAILED', message: expect.stringContaining('8 MB') });
    expect(failure(Buffer.from('not zstd at all'), 'zstd').code).toBe('BODY_DECODE_FAILED');
    expect(failure(PRODUCT.subarray(0, PRODUCT.length - 6), 'zstd').code).toBe('BODY_DECODE_FAILED');
    expect(failure(Buffer.concat([PRODUCT, Buffer.from([0x50, 0x2a, 0x4d, 0x18, 0xff, 0xff, 0xff, 0x7f])]), 'zstd').code).toBe('BODY_DECODE_FAILED'); // a skippable frame cut short
  });
});
