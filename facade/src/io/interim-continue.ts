// An upstream may send `100 Continue` to a request that did not ask for it (IIS sends one to every
// request with a body, some Java servers too). RFC 9110 §15.2: a client must read any 1xx before the
// final answer. node:http's client does, and so does nginx, but undici destroys the socket on a 100
// it did not ask for, and the client got a 502 (for a write the upstream then applied). Here each
// pooled socket drops an interim 100 at the start of an answer before undici's parser sees it;
// other 1xx (102, 103) reach undici, which reads them itself.
import type { Socket } from 'node:net';

/** What an interim Continue's status line is, byte for byte up to its version's last digit (0 or 1). */
const TEMPLATE = 'HTTP/1.1 100';
/** An interim answer's head larger than this is not a Continue we drop: undici gets it as it is. */
const MAX_INTERIM_BYTES = 8192;
/** A request head as undici writes it: a method token, a space (its body chunks are buffers, its chunk framing starts with CRLF). */
const REQUEST_HEAD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+ /;

type WriteGeneric = (writev: boolean, data: unknown, encoding: string, cb: (err?: Error | null) => void) => unknown;

interface Watch {
  /** A request head was written and the start of its answer has not been read yet. */
  awaiting: boolean;
  /** Bytes read while that was undecided (a status line split across reads). */
  held: Buffer | null;
}

/** The first chunk of what net.Socket's write path is given (one write, or a corked writev). */
function firstChunk(writev: boolean, data: unknown): unknown {
  return writev ? (data as Array<{ chunk: unknown }>)[0]?.chunk : data;
}

/** Whether `data` starts as an interim 100's status line does, as far as it goes (12 bytes at most are looked at). */
function continuePrefix(data: Buffer): boolean {
  const n = Math.min(data.length, TEMPLATE.length);
  for (let i = 0; i < n; i++) {
    const b = data[i]!;
    if (b !== TEMPLATE.charCodeAt(i) && !(i === 7 && b === 0x30 /* HTTP/1.0 */)) return false;
  }
  return true;
}

/**
 * Strips leading interim 100 answers from `data`. Returns what undici should read and whether the
 * start of the answer is still undecided (then `rest` is held until more arrives).
 */
export function withoutContinue(data: Buffer): { rest: Buffer; undecided: boolean } {
  let rest = data;
  for (;;) {
    if (!continuePrefix(rest)) return { rest, undecided: false };
    if (rest.length <= TEMPLATE.length) return { rest, undecided: true };
    const after = rest[TEMPLATE.length];
    if (after !== 0x20 && after !== 0x0d) return { rest, undecided: false }; // 1000, 1001...: not a 100
    const end = rest.indexOf('\r\n\r\n', TEMPLATE.length, 'latin1');
    if (end === -1) return { rest, undecided: rest.length < MAX_INTERIM_BYTES };
    if (end + 4 > MAX_INTERIM_BYTES) return { rest, undecided: false };
    rest = rest.subarray(end + 4);
    if (rest.length === 0) return { rest, undecided: true }; // the final answer is still to come
  }
}

/** Makes `socket` (a pooled upstream socket undici reads with `read()`) drop unsolicited interim 100 answers. */
export function dropUnsolicitedContinue(socket: Socket): void {
  const watch: Watch = { awaiting: false, held: null };
  const target = socket as unknown as { _writeGeneric: WriteGeneric; read: (n?: number) => Buffer | null };
  const write = target._writeGeneric;
  const read = target.read;
  if (typeof write !== 'function' || typeof read !== 'function') return;
  target._writeGeneric = function (this: Socket, writev, data, encoding, cb) {
    const first = firstChunk(writev, data);
    if (typeof first === 'string' && REQUEST_HEAD.test(first)) watch.awaiting = true;
    return write.call(this, writev, data, encoding, cb);
  };
  target.read = function (this: Socket, n?: number) {
    const chunk = read.call(this, n);
    if (!watch.awaiting || n !== undefined) return chunk;
    let data = chunk;
    if (watch.held) {
      data = chunk ? Buffer.concat([watch.held, chunk]) : watch.held;
      watch.held = null;
    }
    if (data === null) return null;
    const { rest, undecided } = withoutContinue(data);
    if (undecided) {
      // Held (a status line split across reads, or only a 100 so far); 'readable' fires again when
      // more arrives. If the upstream closes first, undici finds the answer cut short, as it was.
      watch.held = rest.length > 0 ? rest : null;
      return null;
    }
    watch.awaiting = false;
    return rest;
  };
}
