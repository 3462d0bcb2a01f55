// The facade's state database (SQLite, WAL): route stages and the audit log of every change.
// Shared by every facade process, the CLI and the admin API; other processes notice changes
// through `PRAGMA data_version`, which moves whenever another connection commits.
import type Database from 'better-sqlite3';
import { openSqliteFile } from './db/sqlite-file';
import {
  planChange, toAudit, toRow, type AuditEntry, type ChangeInput, type IgnoreRuleInput, type IgnoreRuleTarget,
  type RawAudit, type RawState, type RouteStateRow, type RouteStateStore, type StoredIgnoreRule,
} from './state-api';

export { StageChangeError } from './state-api';
export type { AuditEntry, ChangeInput, RouteStateRow, RouteStateStore, StoredIgnoreRule } from './state-api';
export { NotADatabaseError, StateStoreMissingError, STATE_FILE_MODE } from './db/sqlite-file';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS route_states (
  route           TEXT PRIMARY KEY,
  stage           TEXT NOT NULL,
  rollout_stage   TEXT,
  rollout_percent REAL,
  updated_at      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_log (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  at         TEXT    NOT NULL,
  actor      TEXT    NOT NULL,
  route      TEXT    NOT NULL,
  from_stage TEXT    NOT NULL,
  to_stage   TEXT    NOT NULL,
  percent    REAL,
  reason     TEXT,
  forced     INTEGER NOT NULL DEFAULT 0,
  details    TEXT
);
CREATE INDEX IF NOT EXISTS audit_log_route ON audit_log(route, id);
CREATE TABLE IF NOT EXISTS ignore_rules (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  route      TEXT NOT NULL,
  path       TEXT NOT NULL,
  reason     TEXT NOT NULL,
  actor      TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (route, path)
);
`;

/** The SQLite state store: synchronous underneath (its results are plain values, not promises). */
export class StateStore implements RouteStateStore {
  readonly engine = 'sqlite' as const;
  readonly db: Database.Database;
  private readonly owned: boolean;
  private readonly selectAll: Database.Statement<[], RawState>;
  private readonly selectOne: Database.Statement<[string], RawState>;
  private readonly upsert: Database.Statement;
  private readonly insertAudit: Database.Statement;

  /**
   * Opens (with `create`, the default, also creates) the database file, or uses a connection already
   * open (io/db/open.ts; then closing it stays with its opener). A new file is made 0600 before
   * SQLite opens it (its -wal and -shm files take the same mode), an existing one is tightened to
   * 0600: it holds the audit log and the diff store. Without `create` a missing file throws
   * {@link StateStoreMissingError} and nothing is created (a mistyped `--db` must not make a new database).
   */
  constructor(file: string | Database.Database, private readonly now: () => Date = () => new Date(), opts: { readonly create?: boolean } = {}) {
    this.owned = typeof file === 'string';
    this.db = typeof file === 'string' ? openSqliteFile(file, opts.create !== false) : file;
    this.db.exec(SCHEMA);
    this.selectAll = this.db.prepare('SELECT * FROM route_states ORDER BY route');
    this.selectOne = this.db.prepare('SELECT * FROM route_states WHERE route = ?');
    this.upsert = this.db.prepare(`INSERT INTO route_states (route, stage, rollout_stage, rollout_percent, updated_at)
      VALUES (@route, @stage, @rolloutStage, @rolloutPercent, @at)
      ON CONFLICT(route) DO UPDATE SET stage = excluded.stage, rollout_stage = excluded.rollout_stage,
        rollout_percent = excluded.rollout_percent, updated_at = excluded.updated_at`);
    this.insertAudit = this.db.prepare(`INSERT INTO audit_log (at, actor, route, from_stage, to_stage, percent, reason, forced, details)
      VALUES (@at, @actor, @route, @from_stage, @to_stage, @percent, @reason, @forced, @details)`);
  }

  /** Every stored route state, keyed by route name. */
  states(): Map<string, RouteStateRow> {
    return new Map(this.selectAll.all().map((r) => [r.route, toRow(r)]));
  }

  state(route: string): RouteStateRow | null {
    const r = this.selectOne.get(route);
    return r ? toRow(r) : null;
  }

  /** Moves a route (one transaction: state and audit entry together) and returns the audit entry. */
  change(input: ChangeInput): AuditEntry {
    const run = this.db.transaction((): AuditEntry => {
      const planned = planChange(this.state(input.route), input, this.now().toISOString());
      this.upsert.run(planned.state);
      const id = Number(this.insertAudit.run(planned.audit).lastInsertRowid);
      return toAudit({ id, ...planned.audit });
    });
    return run.immediate();
  }

  /** The audit log, newest first, optionally for one route. */
  history(route?: string, limit = 100): AuditEntry[] {
    const rows = route
      ? this.db.prepare('SELECT * FROM audit_log WHERE route = ? ORDER BY id DESC LIMIT ?').all(route, limit)
      : this.db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?').all(limit);
    return (rows as RawAudit[]).map(toAudit);
  }

  /** Adds an ignore rule (added to the route's config rules by every running facade within a second). */
  addIgnoreRule(rule: IgnoreRuleInput): StoredIgnoreRule {
    const createdAt = this.now().toISOString();
    const info = this.db.prepare(`INSERT INTO ignore_rules (route, path, reason, actor, created_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT(route, path) DO UPDATE SET reason = excluded.reason, actor = excluded.actor, created_at = excluded.created_at`)
      .run(rule.route, rule.path, rule.reason, rule.actor, createdAt);
    const row = this.db.prepare('SELECT id FROM ignore_rules WHERE route = ? AND path = ?').get(rule.route, rule.path) as { id: number };
    return { id: row.id ?? Number(info.lastInsertRowid), route: rule.route, path: rule.path, reason: rule.reason, actor: rule.actor, createdAt };
  }

  ignoreRules(route?: string): StoredIgnoreRule[] {
    const sql = `SELECT id, route, path, reason, actor, created_at AS createdAt FROM ignore_rules ${route ? 'WHERE route = ?' : ''} ORDER BY route, id`;
    return (route ? this.db.prepare(sql).all(route) : this.db.prepare(sql).all()) as StoredIgnoreRule[];
  }

  /** Removes a rule by id, or by route and path; true when one was removed. */
  removeIgnoreRule(target: IgnoreRuleTarget): boolean {
    const info = 'id' in target
      ? this.db.prepare('DELETE FROM ignore_rules WHERE id = ?').run(target.id)
      : this.db.prepare('DELETE FROM ignore_rules WHERE route = ? AND path = ?').run(target.route, target.path);
    return info.changes > 0;
  }

  /** Moves whenever another connection commits to this database. */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  /** Closes the file when this store opened it. */
  close(): void {
    if (this.owned && this.db.open) this.db.close();
  }
}
