// `--since` durations: the units people type, combined parts, and a clear error naming the bad value.
import { DurationError, formatDuration, parseDuration } from '../../src/core/duration';

it.each([
  ['90s', 90_000],
  ['15m', 900_000],
  ['2h', 7_200_000],
  ['7d', 604_800_000],
  ['1w', 604_800_000],
  ['500ms', 500],
  ['1h30m', 5_400_000],
  ['1.5h', 5_400_000],
  [' 15m ', 900_000],
])('%s is %d ms', (input, ms) => {
  expect(parseDuration(input)).toBe(ms);
});

it.each([
  ['', 'empty'],
  ['15', 'has no unit'],
  ['15x', 'is not <number><unit>'],
  ['m15', 'is not <number><unit>'],
  ['-5m', 'is not <number><unit>'],
  ['15 m', 'is not <number><unit>'],
  ['15M', 'is not <number><unit>'],
  ['0m', 'longer than zero'],
  ['1h30', 'has no unit'],
])('%j is refused with a message naming it (%s)', (input, why) => {
  let err: unknown;
  try { parseDuration(input); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(DurationError);
  expect((err as DurationError).code).toBe('DURATION_INVALID');
  expect((err as Error).message).toContain(JSON.stringify(input.trim()));
  expect((err as Error).message).toContain(why);
  expect((err as Error).message).toContain('15m');
});

it('a very long value is refused without echoing all of it', () => {
  expect(() => parseDuration('1m'.repeat(500))).toThrow(/too long/);
});

it('formats a duration back in its largest units', () => {
  expect(formatDuration(5_400_000)).toBe('1h30m');
  expect(formatDuration(parseDuration('7d'))).toBe('7d');
  expect(formatDuration(90_000)).toBe('1m30s');
  expect(formatDuration(250)).toBe('250ms');
});
