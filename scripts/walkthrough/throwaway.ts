// A throwaway build of a demo service, for replaying cases before a deploy: its own process on a free
// port, over a copy of the service's database taken with SQLite's online backup (consistent while the
// live service keeps it open). The live stack is not touched; stop() ends the process by its PID and
// deletes the copy.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ServiceName } from '../stack';
import { Children } from '../stack/children';
import { resolvePorts } from '../stack/ports';

const ROOT = path.resolve(__dirname, '..', '..');
const HOST = '127.0.0.1';

export interface ThrowawayOptions {
  readonly service: ServiceName;
  /** The live service's database: copied, never opened for writing. */
  readonly fromDb: string;
  /** Where the copy goes (deleted by stop()). */
  readonly copyDb: string;
  /** The build's switches, e.g. `{ INVENTORY_OUT_OF_STOCK_WAREHOUSE: 'keep' }`. */
  readonly env: Readonly<Record<string, string>>;
  readonly log: (line: string) => void;
  readonly signal: AbortSignal;
}

export interface Throwaway {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** The environment it was started with, as a person would type it before `npm run service:<name>`. */
  readonly env: Readonly<Record<string, string>>;
  /** Stops the process (by its PID) and deletes the database copy; safe to call twice. */
  stop(): Promise<void>;
}

/** A consistent copy of a SQLite database that another process has open. */
export async function copyDatabase(from: string, to: string): Promise<void> {
  const db = new Database(from, { readonly: true, fileMustExist: true });
  try {
    await db.backup(to);
  } finally {
    db.close();
  }
}

export async function startThrowaway(opts: ThrowawayOptions): Promise<Throwaway> {
  const prefix = opts.service.toUpperCase();
  await copyDatabase(opts.fromDb, opts.copyDb);
  const port = (await resolvePorts(HOST, { [opts.service]: 0 }))[opts.service];
  const env = { [`${prefix}_DB`]: opts.copyDb, [`${prefix}_PORT`]: String(port), ...opts.env };
  const children = new Children({
    root: ROOT, log: opts.log, signal: opts.signal,
    // A replay against a build that died reports every case as an error: that is the message.
    onUnexpectedExit: (name, code, signal) => opts.log(`${name} exited unexpectedly (code ${code}, signal ${signal})`),
  });
  const remove = (): void => {
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(opts.copyDb + suffix, { force: true });
  };
  const name = `throwaway ${opts.service}`;
  const stop = async (): Promise<void> => {
    await children.stop(name);
    remove();
  };
  try {
    await children.start({ name, script: `extracted/${opts.service}/src/main.ts`, env: { HOST, ...env }, readyUrl: `http://${HOST}:${port}/healthz` });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url: `http://${HOST}:${port}`, port, pid: children.pids()[0]!, env, stop,
  };
}
