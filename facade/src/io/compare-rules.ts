// A route's effective compare rules: its config rules plus the ignore rules added at run time
// (`strangler ignore add`, stored in the state database). Recompiled, per route, only when the
// stored rules change; every running facade process notices within a second.
import type { Logger } from 'pino';
import type { FacadeConfig, RouteConfig } from '../config';
import { compileRules, compilePathPattern, CompareRulesError, type CompiledRules } from '../core/compare';
import type { RedactionOptions } from '../core/compare/redact';
import type { CompareRules } from '../core/compare/types';
import type { RouteStateStore, StoredIgnoreRule } from './state-api';

/**
 * Body paths never stored, whatever the config says. Secret field names (password, token, api_key,
 * card_number, ...), headers, query parameters and JWTs are masked by core/compare/secrets.ts.
 */
export const ALWAYS_REDACTED: readonly string[] = ['$..password'];

/**
 * The route's compare rules as plain data (they cross to the compare worker): config rules, stored
 * ignore rules, and the facade's redaction settings with the fingerprint key (io/redaction.ts).
 */
export function rulesFor(route: RouteConfig, stored: readonly StoredIgnoreRule[], redaction: RedactionOptions = {}): CompareRules {
  const c = route.compare;
  return {
    headers: [...c.headers], cookies: [...c.cookies], normalizers: c.normalizers.map((n) => ({ ...n })) as CompareRules['normalizers'],
    ignore: [...c.ignore.map((r) => ({ ...r })), ...stored.map((r) => ({ path: r.path, reason: r.reason }))],
    redact: [...c.redact, ...ALWAYS_REDACTED],
    redaction,
  };
}

/** Throws CompareRulesError naming the field when a pattern is invalid. */
export function validIgnorePattern(pattern: string): string | null {
  try {
    compilePathPattern(pattern);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

export interface RulesTarget {
  setRules(route: string, compiled: CompiledRules, raw: CompareRules): void;
}

export class RulesWatcher {
  private readonly signatures = new Map<string, string>();
  private readonly timer: NodeJS.Timeout;
  private reading = false;
  /** Set while reads fail (a lost database): logged once, not every interval. */
  private failing = false;

  constructor(private readonly config: FacadeConfig, private readonly store: RouteStateStore, private readonly target: RulesTarget,
    private readonly logger: Logger, intervalMs = 1000, private readonly redaction: RedactionOptions = {}) {
    this.timer = setInterval(() => { void this.refresh(); }, intervalMs);
    this.timer.unref();
  }

  /**
   * Reads the stored rules and recompiles the routes whose rules changed. On SQLite it finishes
   * before returning (the read is synchronous); on PostgreSQL one read at a time, skipped while one runs.
   */
  async refresh(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    let stored: StoredIgnoreRule[];
    try {
      const read = this.store.ignoreRules();
      stored = read instanceof Promise ? await read : read;
    } catch (err) {
      if (!this.failing) this.logger.warn({ err: (err as Error).message }, 'could not read ignore rules; keeping the current ones');
      this.failing = true;
      return;
    } finally {
      this.reading = false;
    }
    if (this.failing) this.logger.info('ignore rules readable again');
    this.failing = false;
    this.apply(stored);
  }

  private apply(stored: readonly StoredIgnoreRule[]): void {
    for (const route of this.config.routes) {
      const mine = stored.filter((r) => r.route === route.name && validIgnorePattern(r.path) === null);
      const sig = JSON.stringify(mine.map((r) => [r.path, r.reason]));
      if (this.signatures.get(route.name) === sig) continue;
      const raw = rulesFor(route, mine, this.redaction);
      try {
        this.target.setRules(route.name, compileRules(raw), raw);
        this.signatures.set(route.name, sig);
        if (mine.length > 0) this.logger.info({ route: route.name, storedIgnoreRules: mine.length }, 'compare rules updated');
      } catch (err) {
        if (!(err instanceof CompareRulesError)) throw err;
        this.logger.warn({ route: route.name, err: err.message }, 'stored ignore rules rejected');
      }
    }
  }

  close(): void {
    clearInterval(this.timer);
  }
}
