// The breaker_transitions table in the state database: every circuit breaker state change of every
// facade process, so that the gate, the report, `strangler upstreams` and `route list` can see them
// from any process (cluster workers, replicas, the CLI). Plain portable SQL through the Sql interface
// (io/db/sql.ts): the same statements run on SQLite and PostgreSQL. Reads go through
// core/resilience/breaker-history.ts.
import os from 'node:os';
import type { BreakerState, BreakerTransition } from '../core/resilience/breaker';
import { summarizeBreaker, type BreakerHistory, type TransitionRecord } from '../core/resilience/breaker-history';
import type { Sql } from './db/sql';
import { hasTable } from './db/tables';
import type { BreakerFigures } from '../core/gate';

/** The table on SQLite (created on first write); on PostgreSQL it is a state migration (pg-state-store.ts). */
export const BREAKER_LOG_SCHEMA = `
CREATE TABLE IF NOT EXISTS breaker_transitions (
  at         TEXT    NOT NULL,
  upstream   TEXT    NOT NULL,
  process    TEXT    NOT NULL,
  from_state TEXT    NOT NULL,
  to_state   TEXT    NOT NULL,
  requests   INTEGER NOT NULL,
  failures   INTEGER NOT NULL,
  reason     TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS breaker_transitions_upstream_at ON breaker_transitions (upstream, at);
`;

/** A process's transitions older than this are not read: a crashed process's last state ages out. */
export const STALE_PROCESS_MS = 24 * 3_600_000;

const ready = new WeakSet<Sql>();

/**
 * Before a write: on SQLite creates the table once per connection (idempotent); on PostgreSQL the
 * state migrations made it, under their advisory lock, so replicas starting together never race.
 */
export async function ensureBreakerLog(sql: Sql): Promise<void> {
  if (ready.has(sql)) return;
  if (sql.engine === 'sqlite') await sql.exec(BREAKER_LOG_SCHEMA);
  ready.add(sql);
}

/** Readers never create it: a read-only connection (the console's worker) must not write. */
async function readable(sql: Sql): Promise<boolean> {
  return ready.has(sql) || hasTable(sql, 'breaker_transitions');
}

/** This process's name in the table: host, pid and start time tell restarts and replicas apart. */
export const PROCESS_ID = `${os.hostname()}:${process.pid}:${Date.now().toString(36)}`;

export async function recordTransition(sql: Sql, upstream: string, t: BreakerTransition, processId = PROCESS_ID): Promise<void> {
  await ensureBreakerLog(sql);
  await sql.run(
    'INSERT INTO breaker_transitions (at, upstream, process, from_state, to_state, requests, failures, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [new Date(t.at).toISOString(), upstream, processId, t.from, t.to, t.requests, t.failures, t.reason],
  );
}

/** Deletes transitions older than `before` (retention); returns how many went. */
export async function pruneTransitions(sql: Sql, before: Date): Promise<number> {
  if (!(await readable(sql))) return 0;
  return (await sql.run('DELETE FROM breaker_transitions WHERE at < ?', [before.toISOString()])).changes;
}

interface Row { at: string; upstream: string; process: string; from: BreakerState; to: BreakerState; requests: number; failures: number; reason: string }

/**
 * What each upstream's breaker did in [since, until]: state at `until` (processes that recorded a
 * transition within STALE_PROCESS_MS before `since` count with their last state), times opened,
 * time not closed, and the window's transitions (newest first, at most `keep` per upstream).
 */
export async function breakerHistories(sql: Sql, upstreams: readonly string[], since: Date, until: Date, keep = 20): Promise<BreakerHistory[]> {
  if (upstreams.length === 0) return [];
  if (!(await readable(sql))) return upstreams.map((u) => summarizeBreaker(u, [], since.getTime(), until.getTime(), keep));
  const from = new Date(since.getTime() - STALE_PROCESS_MS).toISOString();
  const marks = upstreams.map(() => '?').join(', ');
  const rows = await sql.all<Row>(
    `SELECT at, upstream, process, from_state AS "from", to_state AS "to", requests, failures, reason FROM breaker_transitions
     WHERE upstream IN (${marks}) AND at >= ? AND at <= ? ORDER BY at`,
    [...upstreams, from, until.toISOString()],
  );
  const byUpstream = new Map<string, TransitionRecord[]>(upstreams.map((u) => [u, []]));
  for (const r of rows) byUpstream.get(r.upstream)?.push({ ...r, requests: Number(r.requests), failures: Number(r.failures) });
  return upstreams.map((u) => summarizeBreaker(u, byUpstream.get(u)!, since.getTime(), until.getTime(), keep));
}

/** The gate's view of one upstream's breaker (core/gate.ts `breaker` check): its state now and when it last opened. */
export async function breakerGateFigures(sql: Sql, upstream: string, now: Date): Promise<BreakerFigures> {
  const [h] = await breakerHistories(sql, [upstream], now, now, 0);
  if (!(await readable(sql))) return { upstream, state: h.state, lastOpenedAt: null, at: now.toISOString() };
  const last = await sql.get<{ at: string | null }>("SELECT MAX(at) AS at FROM breaker_transitions WHERE upstream = ? AND to_state = 'open'", [upstream]);
  return { upstream, state: h.state, lastOpenedAt: last?.at ?? null, at: now.toISOString() };
}
