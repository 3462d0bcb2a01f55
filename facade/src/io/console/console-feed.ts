// The console's live updates: one server-sent-event stream per open page. Something changed
// (a comparison batch recorded here, a flag reload, a change through the admin API, or another
// process committing to the state database) marks the feed dirty; at most once per `minIntervalMs`
// one snapshot is built and the same bytes are written to every stream. Nothing runs with no page open.
import type { Response } from 'express';
import type { Sql } from '../db/sql';
import { SqliteSql } from '../db/sqlite-sql';

/**
 * What moves when another process commits: SQLite's data_version (exact and cheap); on PostgreSQL
 * the newest comparison and audit ids and the ignore rules (every replica's writes; stage changes
 * also arrive by notification through the flag provider).
 */
export function databaseVersion(sql: Sql): () => Promise<string | number> {
  if (sql instanceof SqliteSql) return async () => sql.db.pragma('data_version', { simple: true }) as number;
  return async () => JSON.stringify(await sql.get(`SELECT (SELECT MAX(id) FROM comparisons) AS c, (SELECT MAX(id) FROM audit_log) AS a,
    (SELECT MAX(id) FROM ignore_rules) AS i, (SELECT COUNT(*) FROM ignore_rules) AS n`));
}

export interface FeedOptions {
  /**
   * A value that moves when another process committed to the state database (SQLite's
   * data_version; on PostgreSQL the newest ids of what the replicas write), read every `watchMs`.
   */
  readonly version: () => Promise<string | number> | string | number;
  /** Builds the payload pushed to every stream, as JSON text (once per push, shared by every stream), and its build time. */
  readonly build: () => Promise<{ readonly json: string; readonly ms: number }>;
  /** Called when the last stream closed (the builder stops its worker). */
  readonly onIdle?: () => void;
  /** Least time between two pushes (default 1000 ms; ten times the last build time when that is longer). */
  readonly minIntervalMs?: number;
  /** How often the database is checked for other processes' commits while a page is open (default 1000 ms). */
  readonly watchMs?: number;
  /** Comment lines that keep idle proxies and browsers from dropping the stream (default 15 s). */
  readonly heartbeatMs?: number;
  /** Most streams at once; more are refused with 503 (default 16). */
  readonly maxStreams?: number;
}

export class ConsoleFeed {
  private readonly streams = new Set<Response>();
  private readonly minIntervalMs: number;
  private dirty = false;
  private lastPush = 0;
  private pushTimer: NodeJS.Timeout | null = null;
  private watchTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private dataVersion: string | number = -1;
  private watching = false;
  private building = false;
  /** Current least time between pushes: minIntervalMs, or longer when snapshots are slow to build. */
  private interval: number;

  constructor(private readonly opts: FeedOptions) {
    this.minIntervalMs = opts.minIntervalMs ?? 1000;
    this.interval = this.minIntervalMs;
  }

  /**
   * Turns `res` into an event stream: a `hello` event with `hello`, then a snapshot (at once, to
   * every open stream), then one snapshot per change (throttled). False (and a 503 sent) when too many streams are open.
   */
  attach(res: Response, hello: unknown): boolean {
    if (this.streams.size >= (this.opts.maxStreams ?? 16)) {
      res.status(503).json({ error: 'TOO_MANY_STREAMS', message: `at most ${this.opts.maxStreams ?? 16} console pages may be open at once` });
      return false;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    res.write(`retry: 2000\nevent: hello\ndata: ${JSON.stringify(hello)}\n\n`);
    this.streams.add(res);
    res.on('close', () => { this.streams.delete(res); if (this.streams.size === 0) this.idle(); });
    if (this.streams.size === 1) this.wake();
    // The new page gets the current snapshot with the next push, which comes at once.
    this.dirty = true;
    this.lastPush = 0;
    this.schedule();
    return true;
  }

  /** Something changed: a push follows within `minIntervalMs` if a page is open. */
  changed(): void {
    if (this.streams.size === 0) return;
    this.dirty = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.building) return; // push() schedules again when the build in progress is done
    if (this.pushTimer) clearTimeout(this.pushTimer);
    const wait = Math.max(0, this.lastPush + this.interval - Date.now());
    this.pushTimer = setTimeout(() => { this.pushTimer = null; void this.push(); }, wait);
    this.pushTimer.unref();
  }

  /** Ends every stream and stops the timers. */
  close(): void {
    for (const res of this.streams) res.end();
    this.streams.clear();
    this.idle();
  }

  private async push(): Promise<void> {
    if (!this.dirty || this.streams.size === 0 || this.building) return;
    this.dirty = false;
    this.building = true;
    let frame: string | null = null;
    let buildMs = 0;
    try {
      const built = await this.opts.build();
      buildMs = built.ms;
      frame = `event: snapshot\ndata: ${built.json}\n\n`;
    } catch (err) {
      // The pages keep their last snapshot and say why it is not fresh.
      if (this.streams.size > 0) frame = `event: problem\ndata: ${JSON.stringify({ message: `snapshot failed: ${(err as Error).message}` })}\n\n`;
    } finally {
      this.building = false;
      this.lastPush = Date.now();
      // A snapshot that takes long to build (a large diff store) is pushed less often: at most
      // about a tenth of one core goes to the console, whatever the traffic.
      this.interval = Math.max(this.minIntervalMs, buildMs * 10);
    }
    if (frame) for (const res of this.streams) res.write(frame);
    if (this.dirty && this.streams.size > 0) this.schedule();
  }

  /** First page opened: watch other processes' commits (cluster workers record there) and send heartbeats. */
  private wake(): void {
    void this.readDataVersion().then((v) => { this.dataVersion = v; });
    this.watchTimer = setInterval(() => {
      if (this.watching) return; // the previous read is still out (a slow database)
      this.watching = true;
      void this.readDataVersion().then((v) => {
        this.watching = false;
        if (v !== this.dataVersion) { this.dataVersion = v; this.changed(); }
      });
    }, this.opts.watchMs ?? 1000).unref();
    this.heartbeatTimer = setInterval(() => { for (const res of this.streams) res.write(': keep-alive\n\n'); }, this.opts.heartbeatMs ?? 15_000).unref();
  }

  private idle(): void {
    for (const t of [this.pushTimer, this.watchTimer, this.heartbeatTimer]) if (t) clearTimeout(t);
    this.pushTimer = this.watchTimer = this.heartbeatTimer = null;
    this.dirty = false;
    this.opts.onIdle?.();
  }

  private async readDataVersion(): Promise<string | number> {
    try {
      return await this.opts.version();
    } catch {
      return this.dataVersion; // a closed or unreachable database: keep the last one
    }
  }
}
