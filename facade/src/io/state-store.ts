// The facade's state database (SQLite, WAL): route stages and the audit log of every change.
// Shared by every facade process, the CLI and the admin API; other processes notice changes
// through `PRAGMA data_version`, which moves whenever another connection commits.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Stage } from '../core/stages';
import { planStageChange, type StageChangeRequest, type StoredState } from '../core/transitions';

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

export interface StoredIgnoreRule {
  readonly id: number;
  readonly route: string;
  readonly path: string;
  readonly reason: string;
  readonly actor: string;
  readonly createdAt: string;
}

export interface RouteStateRow extends StoredState {
  readonly route: string;
  readonly updatedAt: string;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: string;
  readonly actor: string;
  readonly route: string;
  readonly from: Stage;
  readonly to: Stage;
  readonly percent: number | null;
  readonly reason: string | null;
  readonly forced: boolean;
  readonly details: unknown;
}

export interface ChangeInput extends StageChangeRequest {
  readonly route: string;
  readonly actor: string;
  readonly reason?: string;
  readonly details?: unknown;
  /** Stage to assume when the route has no stored state yet. */
  readonly defaultStage: Stage;
}

/** The state database file does not exist and the caller did not ask to create it. */
export class StateStoreMissingError extends Error {
  readonly code = 'STATE_DB_MISSING';
  constructor(readonly file: string) {
    super(`state database ${file} does not exist`);
    this.name = 'StateStoreMissingError';
  }
}

/** Owner-only file modes: the database, its directory when we make it, and SQLite's side files. */
export const STATE_FILE_MODE = 0o600;

function prepareFile(file: string, create: boolean): void {
  if (!fs.existsSync(file)) {
    if (!create) throw new StateStoreMissingError(file);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.closeSync(fs.openSync(file, 'a', STATE_FILE_MODE));
  }
  // Tighten what an older version (or the umask) left readable; -wal/-shm follow the main file's mode.
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if ((fs.statSync(f).mode & 0o077) !== 0) fs.chmodSync(f, STATE_FILE_MODE);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EPERM') throw err; // another user's file: theirs to tighten
    }
  }
}

export class StageChangeError extends Error {
  constructor(readonly code: 'STAGE_SKIP' | 'PERCENT_INVALID', message: string) {
    super(message);
    this.name = 'StageChangeError';
  }
}

interface RawState { route: string; stage: Stage; rollout_stage: Stage | null; rollout_percent: number | null; updated_at: string }
interface RawAudit { id: number; at: string; actor: string; route: string; from_stage: Stage; to_stage: Stage; percent: number | null; reason: string | null; forced: number; details: string | null }

function toRow(r: RawState): RouteStateRow {
  const rollout = r.rollout_stage !== null && r.rollout_percent !== null ? { stage: r.rollout_stage, percent: r.rollout_percent } : null;
  return { route: r.route, stage: r.stage, rollout, updatedAt: r.updated_at };
}

function toAudit(r: RawAudit): AuditEntry {
  return {
    id: r.id, at: r.at, actor: r.actor, route: r.route, from: r.from_stage, to: r.to_stage,
    percent: r.percent, reason: r.reason, forced: r.forced === 1, details: r.details ? JSON.parse(r.details) : null,
  };
}

export class StateStore {
  readonly db: Database.Database;
  private readonly selectAll: Database.Statement<[], RawState>;
  private readonly selectOne: Database.Statement<[string], RawState>;
  private readonly upsert: Database.Statement;
  private readonly insertAudit: Database.Statement;

  /**
   * Opens (with `create`, the default, also creates) the database. A new file is made 0600 before
   * SQLite opens it (its -wal and -shm files take the same mode), an existing one is tightened to
   * 0600: it holds the audit log and the diff store. Without `create` a missing file throws
   * {@link StateStoreMissingError} and nothing is created (a mistyped `--db` must not make a new database).
   */
  constructor(file: string, private readonly now: () => Date = () => new Date(), opts: { readonly create?: boolean } = {}) {
    if (file !== ':memory:') prepareFile(path.resolve(file), opts.create !== false);
    this.db = new Database(file, { fileMustExist: opts.create === false && file !== ':memory:' });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.selectAll = this.db.prepare('SELECT * FROM route_states ORDER BY route');
    this.selectOne = this.db.prepare('SELECT * FROM route_states WHERE route = ?');
    this.upsert = this.db.prepare(`INSERT INTO route_states (route, stage, rollout_stage, rollout_percent, updated_at)
      VALUES (@route, @stage, @rolloutStage, @rolloutPercent, @at)
      ON CONFLICT(route) DO UPDATE SET stage = excluded.stage, rollout_stage = excluded.rollout_stage,
        rollout_percent = excluded.rollout_percent, updated_at = excluded.updated_at`);
    this.insertAudit = this.db.prepare(`INSERT INTO audit_log (at, actor, route, from_stage, to_stage, percent, reason, forced, details)
      VALUES (@at, @actor, @route, @from, @to, @percent, @reason, @forced, @details)`);
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
      const current: StoredState = this.state(input.route) ?? { stage: input.defaultStage, rollout: null };
      const plan = planStageChange(current, input);
      if (!plan.ok) throw new StageChangeError(plan.code, plan.message);
      const at = this.now().toISOString();
      this.upsert.run({
        route: input.route, stage: plan.next.stage, at,
        rolloutStage: plan.next.rollout?.stage ?? null, rolloutPercent: plan.next.rollout?.percent ?? null,
      });
      const entry = {
        at, actor: input.actor, route: input.route, from: plan.from, to: plan.to,
        percent: plan.next.rollout?.percent ?? null, reason: input.reason ?? null,
        forced: input.force ? 1 : 0,
        details: input.details === undefined ? null : JSON.stringify(input.details),
      };
      const id = Number(this.insertAudit.run(entry).lastInsertRowid);
      return toAudit({ id, ...entry, from_stage: entry.from, to_stage: entry.to } as RawAudit);
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
  addIgnoreRule(rule: { route: string; path: string; reason: string; actor: string }): StoredIgnoreRule {
    const createdAt = this.now().toISOString();
    const info = this.db.prepare(`INSERT INTO ignore_rules (route, path, reason, actor, created_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT(route, path) DO UPDATE SET reason = excluded.reason, actor = excluded.actor, created_at = excluded.created_at`)
      .run(rule.route, rule.path, rule.reason, rule.actor, createdAt);
    const row = this.db.prepare('SELECT id FROM ignore_rules WHERE route = ? AND path = ?').get(rule.route, rule.path) as { id: number };
    return { id: row.id ?? Number(info.lastInsertRowid), ...rule, createdAt };
  }

  ignoreRules(route?: string): StoredIgnoreRule[] {
    const sql = `SELECT id, route, path, reason, actor, created_at AS createdAt FROM ignore_rules ${route ? 'WHERE route = ?' : ''} ORDER BY route, id`;
    return (route ? this.db.prepare(sql).all(route) : this.db.prepare(sql).all()) as StoredIgnoreRule[];
  }

  /** Removes a rule by id, or by route and path; true when one was removed. */
  removeIgnoreRule(target: { id: number } | { route: string; path: string }): boolean {
    const info = 'id' in target
      ? this.db.prepare('DELETE FROM ignore_rules WHERE id = ?').run(target.id)
      : this.db.prepare('DELETE FROM ignore_rules WHERE route = ? AND path = ?').run(target.route, target.path);
    return info.changes > 0;
  }

  /** Moves whenever another connection commits to this database. */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
