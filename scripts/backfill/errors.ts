// Typed failures of the data backfill: every error the engine raises carries a stable `code`
// (tests and the CLI key on it) and a message that names the database, table or row involved.
// `fromSqlite` turns a raw better-sqlite3 error into one of these, given which database threw it.

export type BackfillErrorCode =
  | 'MONOLITH_DB_MISSING' // the monolith database file does not exist
  | 'DB_LOCKED' // SQLITE_BUSY/LOCKED even after busy_timeout: another process holds a lock
  | 'WRONG_SCHEMA' // a required table or column is missing, or the file is not SQLite
  | 'SERVICE_DB_UNWRITABLE' // the service database cannot be created or written
  | 'BAD_SOURCE_ROW' // a monolith row cannot be mapped (e.g. an unparseable timestamp)
  | 'CHECKPOINT_AHEAD' // the stored change_log position is past the monolith's: the monolith DB was replaced
  | 'ABORTED'; // the run was stopped through its AbortSignal; it resumes from its cursor

export class BackfillError extends Error {
  override readonly name = 'BackfillError';

  constructor(
    readonly code: BackfillErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Which database an operation touched, so a SQLite error can be blamed on the right file. */
export type DbRole = 'monolith' | 'service';

interface SqliteLikeError {
  code?: unknown;
  message?: unknown;
}

/** Maps a better-sqlite3 error to a BackfillError; anything else is returned unchanged. */
export function fromSqlite(err: unknown, role: DbRole, path: string): unknown {
  if (err instanceof BackfillError) return err;
  const code = typeof (err as SqliteLikeError)?.code === 'string' ? String((err as SqliteLikeError).code) : '';
  const detail = err instanceof Error ? err.message : String(err);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new BackfillError('DB_LOCKED', `${role} database ${path} is locked by another process (${detail})`, {
      cause: err,
    });
  }
  if (role === 'monolith' && code.startsWith('SQLITE_NOTADB')) {
    return new BackfillError('WRONG_SCHEMA', `monolith database ${path} is not a SQLite database`, { cause: err });
  }
  if (role === 'service' && isWriteFailure(code)) {
    return new BackfillError('SERVICE_DB_UNWRITABLE', `service database ${path} cannot be written (${detail})`, {
      cause: err,
    });
  }
  return err;
}

function isWriteFailure(code: string): boolean {
  return ['SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_IOERR', 'SQLITE_FULL', 'SQLITE_PERM', 'SQLITE_NOTADB'].some(
    (prefix) => code.startsWith(prefix),
  );
}

/** Runs `fn` and rethrows any SQLite failure as a BackfillError blamed on `role`'s database. */
export function guard<T>(role: DbRole, path: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw fromSqlite(err, role, path);
  }
}
