// Binary encodings of JSON's data model, CBOR (RFC 8949, read by `cbor`) and MessagePack (read by
// `@msgpack/msgpack`), taken as the JSON value they carry so that they are compared structurally
// like JSON: a record with a time each side stamped (CBOR's tags 0 and 1, MessagePack's timestamp
// extension) is that one field, and a changed price is its path, where a hash of the bytes could
// tell neither. Byte strings become base64 text, times ISO strings, big integers their decimal
// digits, maps with other keys than strings objects keyed by each key's JSON. Null (the body stays
// hashed) when the bytes are not exactly one value or are nested deeper than 64 levels. Pure.
import { decodeAllSync, Tagged } from 'cbor';
import { decode as decodeMsgpack } from '@msgpack/msgpack';

const MAX_DEPTH = 64;
/** Larger bodies stay hashed: the decoders run on whichever thread compares (the event loop under 64 KB). */
const MAX_BYTES = 1_048_576;

class TooDeep extends Error {}

/** A decoded value as JSON's data model; throws TooDeep past MAX_DEPTH. */
function asJson(value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new TooDeep();
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value !== 'object') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof Tagged) return asJson(value.value, depth + 1);
  if (Array.isArray(value) || value instanceof Set) return [...value].map((v) => asJson(v, depth + 1));
  const entries: Array<[unknown, unknown]> = value instanceof Map ? [...value.entries()] : Object.entries(value);
  // No prototype: a `__proto__` key is a key like any other.
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of entries) out[typeof k === 'string' ? k : JSON.stringify(asJson(k, depth + 1))] = asJson(v, depth + 1);
  return out;
}

/** Media types whose bodies are CBOR or MessagePack (with `+cbor` suffixes, RFC 8949 §9.5). */
export function binaryJsonOf(mediaType: string): 'cbor' | 'msgpack' | null {
  if (mediaType === 'application/cbor' || mediaType.endsWith('+cbor')) return 'cbor';
  if (mediaType === 'application/msgpack' || mediaType === 'application/x-msgpack' || mediaType === 'application/vnd.msgpack') return 'msgpack';
  return null;
}

/** The one value the bytes encode, as JSON's data model, or null (see above). */
export function decodeBinaryJson(buf: Buffer, encoding: 'cbor' | 'msgpack'): { value: unknown } | null {
  if (buf.length === 0 || buf.length > MAX_BYTES) return null;
  try {
    if (encoding === 'msgpack') return { value: asJson(decodeMsgpack(buf), 0) }; // extra bytes after the value throw
    const values = decodeAllSync(buf, { max_depth: MAX_DEPTH });
    return values.length === 1 ? { value: asJson(values[0], 0) } : null;
  } catch {
    return null;
  }
}
