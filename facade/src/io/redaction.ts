// The facade's redaction settings at run time: the fingerprint key (STRANGLER_REDACTION_KEY, else a
// random key kept in `redaction.key` beside the state database, mode 0600, made once and shared by
// every process), the config's additions to the built-in lists, and a logger that masks secrets.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import type { FacadeConfig } from '../config';
import { redactLogRecord, type RedactionOptions } from '../core/compare/redact';
import { stateLocation } from './db/location';
import { localStateFile } from './replica';

/** Where the key lives when the config names no `redaction.keyFile`: beside the state database. */
export function defaultKeyFile(stateDb: string): string | null {
  return stateDb === ':memory:' ? null : path.join(path.dirname(path.resolve(stateDb)), 'redaction.key');
}

/**
 * Reads the key file, creating it (32 random bytes, hex, mode 0600) when it does not exist. Creation
 * is a hard link of a complete temp file, so processes starting together all end up with one key.
 */
export function loadKeyFile(file: string): string {
  try {
    return readKey(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // another process won the race
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return readKey(file);
}

function readKey(file: string): string {
  const key = fs.readFileSync(file, 'utf8').trim();
  if (key.length < 16) throw new Error(`redaction key file ${file} holds fewer than 16 characters; delete it to make a new one`);
  return key;
}

/**
 * The redaction options for this facade (config additions plus the key). With
 * `redaction.fingerprint: false` secrets become a plain `[REDACTED]` and no key is read or made.
 */
export function redactionOptions(config: FacadeConfig, env: NodeJS.ProcessEnv = process.env): RedactionOptions {
  const r = config.redaction;
  const base = { headers: [...r.headers], queryParams: [...r.queryParams], fields: [...r.fields], jwt: r.jwt };
  if (!r.fingerprint) return Object.freeze(base);
  const fromEnv = env.STRANGLER_REDACTION_KEY;
  // Beside the state file; with PostgreSQL in the replica's local dir (give every replica the same key: STRANGLER_REDACTION_KEY).
  const file = r.keyFile ?? defaultKeyFile(localStateFile(config, stateLocation(config.state.db, env)));
  const key = fromEnv !== undefined && fromEnv !== '' ? fromEnv : file === null ? randomBytes(32).toString('hex') : loadKeyFile(file);
  return Object.freeze({ ...base, key });
}

/**
 * A child of `logger` whose every line is written with secrets masked (the same rules as the diff
 * store): the merge object through pino's `formatters.log`, and the message too, by re-parsing the
 * finished line in a `streamWrite` hook (log lines are rare; requests are never logged one by one).
 */
export function redactingLogger(logger: Logger, options: RedactionOptions): Logger {
  const child = logger.child({}, { formatters: { log: (obj: object) => redactLogRecord(obj, options) as object } });
  const hooks = pino.symbols.hooksSym as unknown as keyof Logger;
  const inherited = (child[hooks] ?? {}) as { streamWrite?: (s: string) => string };
  const write = (line: string): string => redactLine(inherited.streamWrite ? inherited.streamWrite(line) : line, options);
  Object.defineProperty(child, hooks, { value: { ...inherited, streamWrite: write }, writable: true, configurable: true });
  return child;
}

/** One finished NDJSON line with its strings (the message included) masked; a line that is not JSON passes as is. */
export function redactLine(line: string, options: RedactionOptions): string {
  const end = line.endsWith('\n') ? '\n' : '';
  try {
    return JSON.stringify(redactLogRecord(JSON.parse(line), options)) + end;
  } catch {
    return line;
  }
}
