// The order second writes go out in. A client that writes a parent and then its child, or COPYs a
// file and then MOVEs the copy, sends the second write only after it has the first one's answer:
// the other side must get them in that order too, or the child lands before its parent (a 409, a
// 404) and the two databases drift apart. So a dual write's copy waits for every copy to the same
// upstream whose authoritative answer was complete before this write arrived (`causal`, the
// default), and, of writes that overlapped there, for those of the same resource answered before
// it (two concurrent reserves of one item land in the primary's order). Copies of writes that
// overlapped at the primary and touch different resources go in parallel: their order was not
// fixed for the client either. `resource` orders copies by resource only (more in parallel, for
// routes whose writes never depend on each other). Waits follow the order of the authoritative
// answers, so two copies never wait for each other.
import { isIdSegment } from '../core/comparison/endpoint';

/** The resource a write path belongs to: the path up to its last identifier segment (`/api/items/7/reserve` -> `/api/items/7`). */
export function resourceOf(path: string): string {
  const segments = path.toLowerCase().split('/');
  for (let i = segments.length - 1; i > 0; i--) if (isIdSegment(segments[i]!)) return segments.slice(0, i + 1).join('/');
  return path.toLowerCase();
}

/**
 * A POST to a path with no id-like segment (`POST /api/orders`): a create in a collection, each one
 * making its own record, so two at once are not two writes of one resource whose answers depend on
 * the order applied (a reserve of `/api/items/7`). A real difference in their answers (the service's
 * `currency` wrong in every create) stayed hidden as writes_overlapped under any concurrent load.
 */
export function createsInCollection(method: string | undefined, path: string): boolean {
  return method === 'POST' && !path.toLowerCase().split('/').some((s, i) => i > 0 && isIdSegment(s));
}

export type WriteOrdering = 'causal' | 'resource';

/** `child` is a path under `parent` (both `route\0path`, lower case): `/dav/a/b/f.txt` under `/dav/a/`. */
export function isUnder(child: string | undefined, parent: string | undefined): boolean {
  if (child === undefined || parent === undefined) return false;
  const prefix = parent.endsWith('/') ? parent : `${parent}/`;
  return child.length > prefix.length && child.startsWith(prefix);
}

/** A dual write's place in its upstream's order, from its arrival until its copy settles or is given up. */
export interface WriteTicket {
  readonly upstream: string;
  /** `route\0resource`: copies of one resource go in the order of their authoritative answers. */
  readonly resource: string;
  readonly ordering: WriteOrdering;
  /** `route\0path` (lower case): a write to a path under it that arrives later waits for its copy. */
  readonly path?: string;
  readonly arrivedAt: number;
  /** When the authoritative answer was complete (Infinity until then). */
  answeredAt: number;
  /**
   * Another write of the same resource was in flight at the authoritative side at the same time
   * (each arrived before the other was answered): the two sides may have applied them in different
   * orders, so each one's answer may differ between the sides with no fault (io/write-order.ts).
   */
  overlapped: boolean;
  /** A create in a collection (createsInCollection): ordered as any write, never marked overlapped. */
  readonly apart?: boolean;
  readonly settled: Promise<void>;
}

interface Held extends WriteTicket { release(): void }

export class WriteOrder {
  private readonly open = new Map<string, Set<Held>>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** A dual write arrived: copies of later writes may wait for it until {@link release}. */
  admit(upstream: string, resource: string, ordering: WriteOrdering, path?: string, apart = false): WriteTicket {
    let release!: () => void;
    const settled = new Promise<void>((resolve) => { release = resolve; });
    const ticket: Held = { upstream, resource, ordering, path, arrivedAt: this.now(), answeredAt: Infinity, overlapped: false, apart, settled, release };
    let set = this.open.get(upstream);
    if (!set) this.open.set(upstream, (set = new Set()));
    set.add(ticket);
    return ticket;
  }

  /** Its authoritative answer is complete: a write that arrives from now on comes after it. */
  answered(ticket: WriteTicket): void {
    if (ticket.answeredAt !== Infinity) return;
    ticket.answeredAt = this.now();
    if (ticket.apart) return; // a create in a collection overlaps nothing
    // Every write of the resource still open arrived before this answer; it overlapped this one if this one arrived before its answer.
    for (const t of this.open.get(ticket.upstream) ?? []) {
      if (t !== ticket && !t.apart && t.resource === ticket.resource && t.arrivedAt <= ticket.answeredAt && ticket.arrivedAt <= t.answeredAt) {
        t.overlapped = true;
        ticket.overlapped = true;
      }
    }
  }

  /** Its copy settled, or will not be sent: nothing waits for it any more. Idempotent. */
  release(ticket: WriteTicket): void {
    const held = ticket as Held;
    held.release();
    const set = this.open.get(ticket.upstream);
    if (set?.delete(held) && set.size === 0) this.open.delete(ticket.upstream);
  }

  /** The copies `ticket`'s copy waits for (see the header): its resource's, and the others it may depend on. */
  private before(ticket: WriteTicket): { readonly resource: Promise<void>[]; readonly causal: Promise<void>[] } {
    const resource: Promise<void>[] = [];
    const causal: Promise<void>[] = [];
    for (const t of this.open.get(ticket.upstream) ?? []) {
      if (t === ticket) continue;
      // A write to a parent still in flight when its child's write arrived: the client may know the
      // parent exists from another answer (a second MKCOL's 405, a listing) before the parent's own,
      // so the child's copy waits for the parent's (probes15: rclone's concurrent uploads made one
      // folder twice, and the file under it reached the other side before the folder, a 409).
      if (ticket.ordering === 'causal' && t.arrivedAt < ticket.arrivedAt && t.resource !== ticket.resource && isUnder(ticket.path, t.path)) {
        causal.push(t.settled);
        continue;
      }
      if (!(t.answeredAt < ticket.answeredAt)) continue;
      if (t.resource === ticket.resource) resource.push(t.settled);
      else if (ticket.ordering === 'causal' && t.answeredAt <= ticket.arrivedAt) causal.push(t.settled);
    }
    return { resource, causal };
  }

  /**
   * Sends `ticket`'s copy when the copies before it have settled; releases the ticket when it has.
   * Its resource's copies are waited for however long they take (as they always were); the others
   * for `maxWaitMs` at most, then `onLate` is told: a hung copy of another resource holds no queue for ever.
   */
  async run<T>(ticket: WriteTicket, send: () => Promise<T>, maxWaitMs: number, onLate: () => void = () => undefined): Promise<T> {
    this.answered(ticket);
    const { resource, causal } = this.before(ticket);
    try {
      await Promise.all([Promise.all(resource), causal.length > 0 ? this.bounded(causal, maxWaitMs, onLate) : undefined]);
      return await send();
    } finally {
      this.release(ticket);
    }
  }

  private async bounded(waits: Promise<void>[], maxWaitMs: number, onLate: () => void): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), maxWaitMs); });
    const first = await Promise.race([Promise.all(waits), late]);
    clearTimeout(timer);
    if (first === 'late') onLate();
  }

  /** Dual writes whose copies are pending (arrived, not yet settled or given up). */
  get size(): number {
    let n = 0;
    for (const set of this.open.values()) n += set.size;
    return n;
  }
}
