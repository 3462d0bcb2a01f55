// Second writes of one resource go out in the order their authoritative writes were answered.
// Two concurrent writes to the same item (a reserve and a release) are applied by the primary in
// one order; sent to the other side concurrently they could land in the other order and fail
// there (a 409 on stock), leaving the databases apart. Different resources still go in parallel.
import { isIdSegment } from '../core/comparison/endpoint';

/** The resource a write path belongs to: the path up to its last identifier segment (`/api/items/7/reserve` -> `/api/items/7`). */
export function resourceOf(path: string): string {
  const segments = path.toLowerCase().split('/');
  for (let i = segments.length - 1; i > 0; i--) if (isIdSegment(segments[i]!)) return segments.slice(0, i + 1).join('/');
  return path.toLowerCase();
}

export class WriteOrder {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `send` after every earlier send of the same key has settled; keys are per route and resource. */
  run<T>(key: string, send: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const mine = previous.then(send, send);
    const tail = mine.then(() => undefined, () => undefined);
    this.tails.set(key, tail);
    void tail.then(() => { if (this.tails.get(key) === tail) this.tails.delete(key); });
    return mine;
  }

  /** Resources with second writes queued or in flight. */
  get size(): number {
    return this.tails.size;
  }
}
