// Reads a server holds open until its store changes: a CouchDB-protocol changes feed that waits
// (`GET /<db>/_changes?feed=longpoll|continuous|eventsource`, and `/_db_updates`: CouchDB, PouchDB
// Server, Cloudant, Couchbase Sync Gateway), which every PouchDB client with live sync keeps open.
// Its shadow copy waits on the other side for that side's own next change, in that side's own
// sequence (the client's `since=` is the answering side's), and holds one of the route's shadow slots
// as long as the wait: with as many live clients as `compare.maxInFlight`, every other read's shadow
// was dropped (probes18: 70 long polls open at shadow, 30 document reads after them, 36 drops and no
// comparison). A re-ask would wait as long again, for the next change. So the stage's primary answers
// them alone; the same feed without `feed=` (a one-off list of changes) is still compared. Pure.

/** The changes feeds of the CouchDB replication protocol: the last path segment. */
const FEED_PATH = /\/_(?:changes|db_updates)\/?$/;
/** The feed kinds that wait for news (`normal`, the default, answers at once). */
const WAITING_FEED = /(?:^|&)feed=(?:longpoll|continuous|eventsource)(?:&|$)/;

/** Whether a read (normalized path, raw query without `?`) is a changes feed held open for news. */
export function isWaitingFeed(path: string, query: string): boolean {
  return query !== '' && FEED_PATH.test(path) && WAITING_FEED.test(query);
}

/** Two copies in a row of one endpoint that outwaited the shadow's deadline with the primary: a long poll. */
const SLOW_IN_A_ROW = 2;
/** How long a learned long poll goes to the primary alone before one copy is sent again to learn whether it still waits. */
export const HELD_MS = 10 * 60_000;
const MAX_ENDPOINTS = 1000;

/**
 * Reads the primary holds open for news that no rule above names (a Consul blocking query, Matrix's
 * `/sync?timeout=`, a Kubernetes watch, Syncthing's `/rest/events`), learned per endpoint: a copy
 * that ran into the shadow's deadline while the primary had not answered either (`primary_as_slow`)
 * held one of the route's shadow slots all the while, and with as many clients waiting as the route
 * has slots no other read was compared. After two such in a row the endpoint's reads go to the
 * primary alone (skipped as `long_poll`) for HELD_MS, then one copy asks again. Pure: the caller
 * passes the time.
 */
export class HeldReads {
  private readonly routes = new Map<string, Map<string, { slow: number; until: number }>>();

  /** Whether `route` has any endpoint learned or being learned (checked before an endpoint is computed). */
  has(route: string): boolean {
    return this.routes.has(route);
  }

  /** A copy of `endpoint` settled: `slow` when the primary outlasted the shadow's deadline too. */
  note(route: string, endpoint: string, slow: boolean, now: number): void {
    let endpoints = this.routes.get(route);
    if (!slow) {
      const e = endpoints?.get(endpoint);
      if (e !== undefined && e.until <= now) endpoints!.delete(endpoint);
      if (endpoints?.size === 0) this.routes.delete(route);
      return;
    }
    if (endpoints === undefined) this.routes.set(route, (endpoints = new Map()));
    const e = endpoints.get(endpoint) ?? { slow: 0, until: 0 };
    e.slow++;
    if (e.slow >= SLOW_IN_A_ROW) e.until = now + HELD_MS;
    endpoints.delete(endpoint);
    endpoints.set(endpoint, e);
    if (endpoints.size > MAX_ENDPOINTS) endpoints.delete(endpoints.keys().next().value!);
  }

  /**
   * A read held as a long poll that the primary answered within the shadow's deadline: the endpoint
   * does not wait for news (two slow answers were a passing slowness of an ordinary endpoint, both
   * sides' database busy), so its reads are compared again from the next one, not after HELD_MS.
   */
  release(route: string, endpoint: string): void {
    const endpoints = this.routes.get(route);
    if (endpoints?.delete(endpoint) && endpoints.size === 0) this.routes.delete(route);
  }

  /** True while `endpoint`'s reads go to the primary alone. */
  held(route: string, endpoint: string, now: number): boolean {
    const e = this.routes.get(route)?.get(endpoint);
    if (e === undefined || e.until === 0) return false;
    if (e.until > now) return true;
    e.slow = SLOW_IN_A_ROW - 1; // one more slow copy holds it again
    e.until = 0;
    return false;
  }
}
