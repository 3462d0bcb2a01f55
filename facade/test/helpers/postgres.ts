// A throwaway PostgreSQL cluster for one test file: initdb + pg_ctl in a temp dir, on a free
// loopback port, trust auth, socket in the temp dir; no system service, no password prompt.
// Binaries come from Debian's `postgresql` package (.ci/run installs it). Outside CI a machine
// without them skips the PostgreSQL tests with a message; in CI (CI or STRANGLER_REQUIRE_POSTGRES
// set) a missing PostgreSQL fails the run instead of silently testing one engine.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './net';

export interface TestPostgres {
  /** postgres://… URL of the cluster's `postgres` database as superuser `postgres`. */
  readonly url: string;
  readonly port: number;
  /** A fresh empty database on this cluster, for one test's isolation. */
  createDatabase(name?: string): Promise<string>;
  /** Shuts the server down (clients are disconnected), keeping its data: the database "goes away". */
  halt(): Promise<void>;
  /** Starts it again on the same port, after halt(). */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

/** The directory holding initdb/pg_ctl, or null when PostgreSQL is not installed. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs.readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = path.join(root, v, 'bin');
    if (fs.existsSync(path.join(bin, 'initdb')) && fs.existsSync(path.join(bin, 'pg_ctl'))) return bin;
  }
  return null;
}

const required = (): boolean => Boolean(process.env.CI || process.env.STRANGLER_REQUIRE_POSTGRES);

/**
 * `describe` for suites that need PostgreSQL: runs them when the binaries exist; otherwise skips
 * with a message naming what is missing, except in CI where that is an error.
 */
export function describeWithPostgres(name: string, fn: () => void): void {
  if (postgresBinDir()) { describe(name, fn); return; }
  if (required()) throw new Error(`${name}: PostgreSQL binaries not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)`);
  // eslint-disable-next-line no-console
  console.warn(`skipping "${name}": PostgreSQL is not installed (apt-get install postgresql to run it)`);
  describe.skip(name, fn);
}

// initdb refuses to run as root: run the cluster as the `postgres` user the package creates.
function asClusterUser(bin: string, args: readonly string[]): void {
  const cmd = [bin, ...args];
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const res = root
    ? spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', cmd.map(shellQuote).join(' ')], { encoding: 'utf8' })
    : spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${path.basename(bin)} failed (${res.status}): ${res.stderr || res.stdout}`);
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql/*/bin');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-pg-'));
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  const data = path.join(dir, 'data');
  const port = await freePort();
  asClusterUser(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const start = (): void => asClusterUser(path.join(bin, 'pg_ctl'), [
    '-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '30',
    '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
    'start',
  ]);
  start();
  let running = true;
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let n = 0;
  return {
    url, port,
    async createDatabase(name?: string): Promise<string> {
      const db = name ?? `t${process.pid}_${++n}`;
      const { Client } = await import('pg');
      const client = new Client({ connectionString: url });
      await client.connect();
      try { await client.query(`CREATE DATABASE "${db}"`); } finally { await client.end(); }
      return `postgres://postgres@127.0.0.1:${port}/${db}`;
    },
    async halt(): Promise<void> {
      asClusterUser(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
      running = false;
    },
    async resume(): Promise<void> {
      start();
      running = true;
    },
    async stop(): Promise<void> {
      try { if (running) asClusterUser(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']); } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
