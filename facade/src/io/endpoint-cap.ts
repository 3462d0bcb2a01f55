// Bounded cardinality: a client that sends unique paths (ids the templating misses, a scanner's
// random paths) must not create unbounded endpoints, store rows or report sections. Past a route's
// cap, new endpoints are counted under one `<METHOD> (other)` endpoint, with one warning logged per
// route and a metric; endpoints already known keep their own counts.
import type { Logger } from 'pino';
import type { Counter } from 'prom-client';

/** The endpoint that overflowing requests of one method count under. */
export const otherEndpoint = (method: string): string => `${method} (other)`;

export class EndpointCap {
  private readonly known = new Map<string, Set<string>>();
  private readonly warned = new Set<string>();

  constructor(private readonly logger: Logger, private readonly overflow?: Counter<'route'>) {}

  /** Registers endpoints already in the store (at start), so a restart keeps the same ones. */
  seed(route: string, endpoints: Iterable<string>): void {
    const set = this.of(route);
    for (const e of endpoints) set.add(e);
  }

  /** The endpoint to count this request under: itself while the route is under `cap`, else `(other)`. */
  resolve(route: string, endpoint: string, method: string, cap: number): string {
    const set = this.of(route);
    if (set.has(endpoint)) return endpoint;
    if (set.size < cap) { set.add(endpoint); return endpoint; }
    this.overflow?.inc({ route });
    if (!this.warned.has(route)) {
      this.warned.add(route);
      this.logger.warn({ route, cap, endpoint }, 'endpoint cap reached: new endpoints of this route are counted under "(other)" (compare.maxEndpoints)');
    }
    const other = otherEndpoint(method);
    set.add(other); // may exceed the cap by the few methods in use, never by paths
    return other;
  }

  private of(route: string): Set<string> {
    let s = this.known.get(route);
    if (!s) { s = new Set(); this.known.set(route, s); }
    return s;
  }
}
