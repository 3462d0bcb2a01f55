// Opening the state database when it is a SQLite file: owner-only file modes (it holds the audit log
// and the diff store), WAL and a busy timeout, and a clear error for a missing file that must exist.
// io/db/open.ts opens every location through here; io/state-store.ts re-exports the error.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/** The state database file does not exist and the caller did not ask to create it. */
export class StateStoreMissingError extends Error {
  readonly code = 'STATE_DB_MISSING';
  constructor(readonly file: string) {
    super(`state database ${file} does not exist`);
    this.name = 'StateStoreMissingError';
  }
}

/** The file given as the state database is some other file (`--db /etc/passwd`): left as it is. */
export class NotADatabaseError extends Error {
  readonly code = 'STATE_DB_NOT_SQLITE';
  constructor(readonly file: string) {
    super(`${file} is not a SQLite database (it does not start with "SQLite format 3"); left untouched`);
    this.name = 'NotADatabaseError';
  }
}

/** Owner-only file modes: the database, its directory when we make it, and SQLite's side files. */
export const STATE_FILE_MODE = 0o600;

/** An empty file (one we just made, or SQLite will make a database of) or one with SQLite's header. */
function isSqliteFile(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    return n === 0 || (n === head.length && head.equals(SQLITE_HEADER));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Makes (with `create`) a missing file 0600 before SQLite opens it, and tightens an existing one.
 * A file that is not a SQLite database is refused before anything touches it: tightening whatever
 * path was given once made `--db /etc/passwd` (a typo away) 0600, and the machine lost its users.
 */
export function prepareStateFile(file: string, create: boolean): void {
  if (!fs.existsSync(file)) {
    if (!create) throw new StateStoreMissingError(file);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.closeSync(fs.openSync(file, 'a', STATE_FILE_MODE));
  } else if (fs.statSync(file).isFile() && !isSqliteFile(file)) {
    throw new NotADatabaseError(file);
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

/**
 * Opens a SQLite state database (`:memory:` too) in WAL mode with a 5 s busy timeout. With `create`
 * false a missing file throws {@link StateStoreMissingError} and nothing is created.
 */
export function openSqliteFile(file: string, create = true): Database.Database {
  if (file !== ':memory:') prepareStateFile(path.resolve(file), create);
  const db = new Database(file, { fileMustExist: !create && file !== ':memory:' });
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  tuneForReads(db);
  return db;
}

/**
 * Reads of months of history (the report, the gate) touch megabytes of pages once per process:
 * through a memory map they come from the OS cache without a copy per page, and a larger page cache
 * keeps a route's rows between the reader's passes. Measured on the 90-day soak store: a cold
 * gate's grouped pass 80 → 49 ms, a cold COUNT over a route 64 → 21 ms.
 */
export function tuneForReads(db: Database.Database): void {
  if (db.memory) return;
  db.pragma(`mmap_size = ${256 * 1024 * 1024}`);
  db.pragma('cache_size = -16384'); // KiB: 16 MiB, used only as pages are read
}

/**
 * Whether the state database file is still the one the process opened: a file deleted or replaced
 * while the facade runs (a clean-up script, a restore copied over it) keeps being written through
 * the open handle, and all of it is gone when the process exits (hostile14: `/readyz` said 200
 * throughout). Returns the problem, or null while the path holds the opened file.
 */
export function stateFileCheck(file: string): () => string | null {
  const opened = fs.statSync(file);
  return () => {
    let now: fs.Stats;
    try {
      now = fs.statSync(file);
    } catch (err) {
      return `the state database ${file} was removed while the facade runs (${(err as NodeJS.ErrnoException).code}): what it records now is lost when it stops`;
    }
    if (now.ino !== opened.ino || now.dev !== opened.dev) return `the state database ${file} was replaced while the facade runs: it still writes to the file it opened, which is gone from the path`;
    return sqliteHeader(file) ? null
      : `the state database ${file} was truncated or overwritten while the facade runs: it no longer starts with SQLite's header; stop the facade and restore it from a backup`;
  };
}

/** Whether the file starts with SQLite's header: a database in use has it (a truncated or overwritten one does not). */
function sqliteHeader(file: string): boolean {
  const head = Buffer.alloc(SQLITE_HEADER.length);
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    return fs.readSync(fd, head, 0, head.length, 0) === head.length && head.equals(SQLITE_HEADER);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
