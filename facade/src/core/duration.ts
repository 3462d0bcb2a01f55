// Durations as people type them on a command line or in a query string (`90s`, `15m`, `2h`,
// `7d`, `1h30m`), turned into milliseconds. Used by `strangler report --since` and the admin
// API's `GET /report?since=`. Pure: no clocks; the caller subtracts the result from its `now`.

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** One `<number><unit>` part; the whole input is one or more of these, largest unit first or not. */
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y;

/** Longest accepted input: enough for `1w2d3h4m5s6ms`, short enough that nobody pastes a file. */
const MAX_LENGTH = 40;

/** A duration that could not be read; `code` is stable, the message names the bad value. */
export class DurationError extends Error {
  readonly code = 'DURATION_INVALID';
  constructor(readonly value: string, why: string) {
    super(`invalid duration ${JSON.stringify(value)}: ${why} (use a number and a unit: 90s, 15m, 2h, 7d, or combined: 1h30m)`);
    this.name = 'DurationError';
  }
}

/**
 * Parses `90s`, `15m`, `2h`, `7d`, `1w`, `500ms` or a combination such as `1h30m` into
 * milliseconds. Surrounding whitespace is ignored; units are lower case. Throws
 * {@link DurationError} naming the value when it is empty, malformed, zero, or too large.
 */
export function parseDuration(input: string): number {
  const value = String(input).trim();
  if (value === '') throw new DurationError(String(input), 'it is empty');
  if (value.length > MAX_LENGTH) throw new DurationError(value.slice(0, MAX_LENGTH) + '…', 'it is too long');
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < value.length) {
    const at = PART.lastIndex;
    const m = PART.exec(value);
    if (!m) {
      const rest = value.slice(at);
      const why = /^\d+(\.\d+)?$/.test(rest) ? `"${rest}" has no unit` : `"${rest}" is not <number><unit>`;
      throw new DurationError(value, why);
    }
    total += Number(m[1]) * UNIT_MS[m[2]];
  }
  if (!(total > 0)) throw new DurationError(value, 'it must be longer than zero');
  if (!Number.isSafeInteger(Math.round(total))) throw new DurationError(value, 'it is too large');
  return Math.round(total);
}

/** A short human form of a duration in ms, largest units first (`5400000` -> `1h30m`). */
export function formatDuration(ms: number): string {
  if (!(ms > 0)) return '0s';
  let rest = Math.round(ms);
  const parts: string[] = [];
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const n = Math.floor(rest / UNIT_MS[unit]);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * UNIT_MS[unit];
  }
  if (rest > 0 || parts.length === 0) parts.push(`${rest}ms`);
  return parts.join('');
}
