// Where the state database is: a SQLite file path (the default) or a postgres:// URL, with
// STRANGLER_DATABASE_URL overriding the config. Dependency-free, so the CLI can resolve it at start.
import { isPostgresUrl, redactUrl } from './sql';

/** Environment variable naming a PostgreSQL state database; overrides the config's `state.db`. */
export const DATABASE_URL_ENV = 'STRANGLER_DATABASE_URL';

/** A bad STRANGLER_DATABASE_URL. */
export class DatabaseLocationError extends Error {
  readonly code = 'STATE_DB_LOCATION';
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseLocationError';
  }
}

/**
 * Where the state lives: STRANGLER_DATABASE_URL when set (it must be a postgres:// URL), else the
 * configured `state.db` (a file path or a postgres:// URL).
 */
export function stateLocation(configured: string, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[DATABASE_URL_ENV];
  if (fromEnv === undefined || fromEnv === '') return configured;
  if (!isPostgresUrl(fromEnv)) {
    throw new DatabaseLocationError(`${DATABASE_URL_ENV} must be a postgres://… URL (a SQLite file is named by state.db or --db), got "${redactUrl(fromEnv)}"`);
  }
  return fromEnv;
}
