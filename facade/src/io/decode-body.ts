// Removes Content-Encoding from a captured response body before it is compared: gzip / x-gzip,
// br, deflate (zlib-wrapped, with a raw-deflate fallback for servers that send it bare), zstd
// (zstd.ts) and identity, in reverse order for chained encodings. Synchronous: called off the
// response path.
import * as zlib from 'node:zlib';
import { decodeZstd, ZstdDecodeError } from './zstd';

/** Why a body could not be decoded: corrupt or unsupported (`BODY_DECODE_FAILED`), or past the cap (`BODY_TOO_LARGE`). */
export type BodyDecodeErrorCode = 'BODY_DECODE_FAILED' | 'BODY_TOO_LARGE';

/** A body that cannot be compared; the comparison is skipped and counted, the request is unaffected. */
export class BodyDecodeError extends Error {
  constructor(
    readonly code: BodyDecodeErrorCode,
    readonly encoding: string,
    message: string,
  ) {
    super(message);
    this.name = 'BodyDecodeError';
  }
}

type Decoder = (buf: Buffer, options: zlib.ZlibOptions & zlib.BrotliOptions) => Buffer;

function inflateEitherWay(buf: Buffer, options: zlib.ZlibOptions): Buffer {
  try {
    return zlib.inflateSync(buf, options);
  } catch (err) {
    if (isTooLarge(err)) throw err;
    return zlib.inflateRawSync(buf, options); // "deflate" sent without the zlib wrapper
  }
}

const DECODERS: Readonly<Record<string, Decoder>> = {
  gzip: (buf, o) => zlib.gunzipSync(buf, o),
  'x-gzip': (buf, o) => zlib.gunzipSync(buf, o),
  br: (buf, o) => zlib.brotliDecompressSync(buf, o),
  deflate: inflateEitherWay,
  zstd: (buf, o) => decodeZstd(buf, o.maxOutputLength ?? Number.POSITIVE_INFINITY),
};

function isTooLarge(err: unknown): boolean {
  // by code, not instanceof: zlib's RangeError may come from another realm (jest, workers)
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
}

/**
 * Content-codings one body may stack. Servers apply one, a proxy may add a second; each stage is a
 * synchronous decode of up to the cap on the event loop, so an answer labelled `gzip` a thousand
 * times (each layer a stored, barely larger copy of the next) held the loop for 1.5 s. Past this
 * many the body is not decoded (`BODY_DECODE_FAILED`: the comparison is an error, not a guess).
 */
export const MAX_CODINGS = 4;

/** The encodings of a Content-Encoding header, in the order they were applied (`identity` dropped). */
export function parseContentEncoding(contentEncoding: string | undefined): string[] {
  return (contentEncoding ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== '' && e !== 'identity');
}

/**
 * Decodes `buf` per `contentEncoding` (`gzip`, `x-gzip`, `br`, `deflate`, `zstd`, `identity`; chains
 * such as `gzip, br` are undone last-applied first). An empty body stays empty. Throws
 * {@link BodyDecodeError}: `BODY_DECODE_FAILED` for corrupt data or an unsupported encoding,
 * `BODY_TOO_LARGE` when a decoded stage would exceed `maxBytes` (guards against zip bombs); more than
 * {@link MAX_CODINGS} stacked codings are `BODY_DECODE_FAILED`.
 */
export function decodeBody(buf: Buffer, contentEncoding: string | undefined, maxBytes = Number.POSITIVE_INFINITY): Buffer {
  const encodings = parseContentEncoding(contentEncoding);
  if (encodings.length > MAX_CODINGS && buf.length > 0) {
    throw new BodyDecodeError('BODY_DECODE_FAILED', encodings[0]!, `${encodings.length} content-codings stacked; at most ${MAX_CODINGS} are decoded`);
  }
  const options = Number.isFinite(maxBytes) ? { maxOutputLength: Math.max(1, Math.floor(maxBytes)) } : {};
  let body = buf;
  for (const encoding of encodings.reverse()) {
    if (body.length === 0) return body;
    const decoder = DECODERS[encoding];
    if (decoder === undefined) {
      throw new BodyDecodeError('BODY_DECODE_FAILED', encoding, `unsupported content-encoding "${encoding}"`);
    }
    try {
      body = decoder(body, options);
    } catch (err) {
      if (isTooLarge(err) || (err instanceof ZstdDecodeError && err.tooLarge)) {
        throw new BodyDecodeError('BODY_TOO_LARGE', encoding, `${encoding} body decodes to more than ${maxBytes} bytes`);
      }
      throw new BodyDecodeError('BODY_DECODE_FAILED', encoding, `corrupt ${encoding} body: ${(err as Error).message}`);
    }
  }
  return body;
}
