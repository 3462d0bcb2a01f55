// Zstandard bodies (`Content-Encoding: zstd`, RFC 9659: browsers ask for it, Caddy and CDNs answer
// with it). Node 20's zlib has no zstd decoder, so fzstd (pure JavaScript) decodes it, as a stream,
// with the output cut at the comparison's cap. A decoder sizes its window from the frame header, so
// every frame header is read first: a window over the 8 MB RFC 9659 allows, or a declared size
// over the cap, is refused before anything is allocated for it.
import { Decompress } from 'fzstd';

/** RFC 9659 §3: a zstd content coding's window is at most 8 MB. */
export const MAX_WINDOW_BYTES = 8 * 1024 * 1024;

/**
 * The windows of all of a body's frames together, at most. fzstd allocates (and zero-fills) each
 * frame's window afresh, on the event loop: a 14-byte frame declaring a 2 MB window cost 6-15 ms,
 * and a 900 KB answer of 64,000 such frames held the loop for 215 s and took 11 GB. Real encoders
 * write one frame, or a few.
 */
export const MAX_WINDOWS_BYTES = 2 * MAX_WINDOW_BYTES;

/** Frames (skippable ones included) one body may hold. */
export const MAX_FRAMES = 1024;

const FRAME_MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;

/** Why the frames cannot be decoded here: `too_large` (over the cap) or `invalid` (with a reason). */
export type FrameVerdict = { readonly ok: true } | { readonly ok: false; readonly tooLarge: boolean; readonly reason: string };

const invalid = (reason: string): FrameVerdict => ({ ok: false, tooLarge: false, reason });

/** Reads every frame's header and walks its blocks (RFC 8878 §3.1): windows, declared sizes, framing. */
export function checkFrames(buf: Buffer, maxBytes: number): FrameVerdict {
  let at = 0;
  let declared = 0;
  let windows = 0;
  let frames = 0;
  while (at < buf.length) {
    if (++frames > MAX_FRAMES) return invalid(`more than ${MAX_FRAMES} frames`);
    if (at + 4 > buf.length) return invalid('truncated frame magic');
    const magic = buf.readUInt32LE(at);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      if (at + 8 > buf.length) return invalid('truncated skippable frame');
      at += 8 + buf.readUInt32LE(at + 4);
      if (at > buf.length) return invalid('truncated skippable frame');
      continue;
    }
    if (magic !== FRAME_MAGIC) return invalid('not a zstd frame');
    if (at + 5 > buf.length) return invalid('truncated frame header');
    const descriptor = buf[at + 4]!;
    const singleSegment = (descriptor & 0x20) !== 0;
    if ((descriptor & 0x08) !== 0) return invalid('reserved bit set in the frame header');
    const dictBytes = [0, 1, 2, 4][descriptor & 0x03]!;
    const sizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][descriptor >> 6]!;
    let p = at + 5;
    let window = 0;
    if (!singleSegment) {
      const w = buf[p++]!;
      const base = 2 ** (10 + (w >> 3));
      window = base + (base / 8) * (w & 0x07);
    }
    if (p + dictBytes + sizeBytes > buf.length) return invalid('truncated frame header');
    if (dictBytes > 0 && buf.readUIntLE(p, dictBytes) !== 0) return invalid('a dictionary is needed');
    p += dictBytes;
    let size: number | null = null;
    if (sizeBytes === 8) size = Number(buf.readBigUInt64LE(p));
    else if (sizeBytes > 0) size = buf.readUIntLE(p, sizeBytes) + (sizeBytes === 2 ? 256 : 0);
    p += sizeBytes;
    if (singleSegment) window = size ?? 0;
    if (size !== null) {
      declared += size;
      if (declared > maxBytes) return { ok: false, tooLarge: true, reason: `declares ${declared} bytes` };
    }
    if (window > MAX_WINDOW_BYTES) return invalid(`window of ${window} bytes, over the 8 MB RFC 9659 allows`);
    windows += window;
    if (windows > MAX_WINDOWS_BYTES) return invalid(`frames whose windows add up to more than ${MAX_WINDOWS_BYTES} bytes`);
    for (let last = false; !last;) {
      if (p + 3 > buf.length) return invalid('truncated block header');
      const header = buf.readUIntLE(p, 3);
      last = (header & 1) === 1;
      const type = (header >> 1) & 3;
      if (type === 3) return invalid('reserved block type');
      p += 3 + (type === 1 ? 1 : header >>> 3);
      if (p > buf.length) return invalid('truncated block');
    }
    if ((descriptor & 0x04) !== 0) p += 4; // content checksum
    if (p > buf.length) return invalid('truncated checksum');
    at = p;
  }
  return { ok: true };
}

/** Thrown by {@link decodeZstd}: `tooLarge` past `maxBytes`, else the data is not zstd it can decode. */
export class ZstdDecodeError extends Error {
  constructor(readonly tooLarge: boolean, message: string) {
    super(message);
    this.name = 'ZstdDecodeError';
  }
}

/** Decodes zstd frames, refusing (ZstdDecodeError) frames it must not size from and output past `maxBytes`. */
export function decodeZstd(buf: Buffer, maxBytes: number): Buffer {
  const verdict = checkFrames(buf, maxBytes);
  if (!verdict.ok) throw new ZstdDecodeError(verdict.tooLarge, verdict.reason);
  const chunks: Buffer[] = [];
  let total = 0;
  const stream = new Decompress((data) => {
    total += data.length;
    if (total > maxBytes) throw new ZstdDecodeError(true, `decodes to more than ${maxBytes} bytes`);
    chunks.push(Buffer.from(data)); // a view of the decoder's window, which the next block overwrites
  });
  try {
    stream.push(buf, true);
  } catch (err) {
    if (err instanceof ZstdDecodeError) throw err;
    throw new ZstdDecodeError(false, (err as Error).message);
  }
  return Buffer.concat(chunks, total);
}
