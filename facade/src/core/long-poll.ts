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
