// Service kit: platform code every extracted service shares, like an internal library. It holds
// what is the same in every service and owned by none of them; a service's domain model,
// repository and anti-corruption mapping stay in that service's own folder. The kit imports
// nothing from monolith/ and nothing from a service folder (extracted/test/independence.test.ts).
//
// This module: starting a service on a real socket over its own SQLite database, and the handle
// that stops it again. Each service's server.ts says which database and which app; this does
// the rest.
import type Database from 'better-sqlite3';
import type { Express } from 'express';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';

export interface RunningService {
  url: string;
  port: number;
  db: Database.Database;
  /** Drops open connections, stops listening and closes the database; safe to call twice. */
  close(): Promise<void>;
}

export interface ServeOptions {
  /** The service's database file (its directory is created), or ":memory:". */
  dbPath: string;
  /** Opens (and creates) the service's database at a path. */
  openDb(path: string): Database.Database;
  /** Builds the service's app over its open database. */
  createApp(db: Database.Database): Express;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

/** Opens the database, builds the app, listens, and hands back a handle; a failed listen closes the database. */
export async function serve(opts: ServeOptions): Promise<RunningService> {
  if (opts.dbPath !== ':memory:') mkdirSync(dirname(opts.dbPath), { recursive: true });
  const db = opts.openDb(opts.dbPath);
  const app = opts.createApp(db);
  const host = opts.host ?? '127.0.0.1';
  const server = app.listen(opts.port ?? 0, host);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (err) {
    db.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    db,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          db.close();
          resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
