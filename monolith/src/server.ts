// Starts the monolith on a real socket over a database file: open (WAL), seed if asked and
// empty, listen. Used by main.ts, the demo launcher and integration tests (port 0).
import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { createMonolithApp, type MonolithAppOptions } from './app';
import { openMonolithDb } from './schema';
import { seedMonolith } from './seed';

const CLOSE_GRACE_MS = 2000;

export interface StartMonolithOptions {
  dbPath: string;
  /** 0 (or omitted) picks a free port. */
  port?: number;
  host?: string;
  /** Seed this many products when the database has none. */
  seedProducts?: number;
  logger?: Logger;
  clock?: () => Date;
  orderHooks?: MonolithAppOptions['orderHooks'];
}

export interface RunningMonolith {
  url: string;
  port: number;
  db: Database.Database;
  /** Stops listening, drops idle keep-alive sockets, then closes the database. */
  close(): Promise<void>;
}

export async function startMonolith(opts: StartMonolithOptions): Promise<RunningMonolith> {
  const host = opts.host ?? '127.0.0.1';
  if (opts.dbPath !== ':memory:') mkdirSync(dirname(opts.dbPath), { recursive: true });
  const db = openMonolithDb(opts.dbPath);
  try {
    if (opts.seedProducts !== undefined && opts.seedProducts > 0) {
      seedMonolith(db, { products: opts.seedProducts });
    }
    const app = createMonolithApp(db, { logger: opts.logger, clock: opts.clock, orderHooks: opts.orderHooks });
    const server = app.listen(opts.port ?? 0, host);
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    // Shorter than typical proxy pools' idle timeouts would invite resets; 5 s is Node's default.
    server.keepAliveTimeout = 5000;
    const port = (server.address() as AddressInfo).port;
    const urlHost = host.includes(':') ? `[${host}]` : host;

    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => {
      closing ??= new Promise<void>((resolve, reject) => {
        // In-flight requests get a short grace period, then their sockets are cut too.
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
        server.close((err) => {
          clearTimeout(force);
          if (err) reject(err);
          else resolve();
        });
        server.closeIdleConnections();
      }).finally(() => db.close());
      return closing;
    };
    return { url: `http://${urlHost}:${port}`, port, db, close };
  } catch (err) {
    db.close();
    throw err;
  }
}
