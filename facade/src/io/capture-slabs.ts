// Reusable buffers for the two answers a shadowed read captures for its comparison.
//
// Joining a captured answer into a fresh Buffer makes a new ArrayBuffer each time, and V8 runs a
// young-generation collection for every ~32 MB of new ArrayBuffers ("external memory pressure"),
// whatever --max-semi-space-size says. At `shadow` with 100 KB answers the two joins were half of
// the facade's collections (--trace-gc, scripts/bench/README.md), and each pause lands on the
// requests in flight. A slab is taken when a capture completes and given back once its comparison is
// recorded (pipeline/record-comparison.ts); a slab never given back is left to the garbage collector,
// so a path that keeps a body costs an allocation, never a corrupted comparison.

/** Smaller answers come from Node's own 8 KB pool already; larger ones than the top class are rare. */
const SMALLEST = 16 * 1024;
const LARGEST = 1024 * 1024;
/** Bytes kept in free slabs at most (the 100 KB shadow flood's RSS bound is 300 MB). */
const MAX_FREE_BYTES = 8 * 1024 * 1024;

/** The slab size for a body of `size` bytes: the next power of two from SMALLEST. */
function classOf(size: number): number {
  let c = SMALLEST;
  while (c < size) c *= 2;
  return c;
}

export class CaptureSlabs {
  private readonly free = new Map<number, ArrayBuffer[]>();
  /** Slabs handed out and not given back: only these are taken back, and each once. */
  private readonly out = new WeakSet<ArrayBuffer>();
  private freeBytes = 0;

  /** The chunks joined (as Buffer.concat), in a slab when the size has a class. */
  join(chunks: readonly Buffer[], size: number): Buffer {
    if (size < SMALLEST || size > LARGEST) return Buffer.concat(chunks, size);
    const cls = classOf(size);
    const reused = this.free.get(cls)?.pop();
    if (reused) this.freeBytes -= cls;
    // allocUnsafeSlow: a dedicated ArrayBuffer (not Node's shared pool), not zero-filled; every byte
    // handed out is written below.
    const slab = reused ?? Buffer.allocUnsafeSlow(cls).buffer;
    this.out.add(slab);
    const body = Buffer.from(slab, 0, size);
    let at = 0;
    for (const c of chunks) {
      if (at + c.length > size) throw new RangeError(`captured chunks exceed the stated ${size} bytes`);
      body.set(c, at);
      at += c.length;
    }
    if (at !== size) throw new RangeError(`captured chunks hold ${at} bytes, not the stated ${size}`);
    return body;
  }

  /**
   * Gives back the slab behind `body` (nothing when it is not one of ours, or was given back
   * already). The caller must hold no other reference to the body, nor to anything viewing it.
   */
  give(body: Buffer | null | undefined): void {
    if (!body) return;
    const slab = body.buffer;
    if (!(slab instanceof ArrayBuffer) || !this.out.has(slab)) return;
    this.out.delete(slab);
    if (this.freeBytes + slab.byteLength > MAX_FREE_BYTES) return;
    let list = this.free.get(slab.byteLength);
    if (!list) this.free.set(slab.byteLength, (list = []));
    list.push(slab);
    this.freeBytes += slab.byteLength;
  }

  /** Bytes held in free slabs (tests, metrics). */
  get idleBytes(): number {
    return this.freeBytes;
  }
}

/** The process's slabs: the primary's capture (io/dispatch.ts) and the shadow's (io/replay.ts) share them. */
export const captureSlabs = new CaptureSlabs();
