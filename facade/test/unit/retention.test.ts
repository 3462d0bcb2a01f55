// core/retention and the timeline over rolled-up counts: cutoffs on whole hours and days, a timeline
// that never splits an hour's or a day's count into finer buckets, and one that survives a year of
// minute rows (a spread of that many arguments overflowed the stack).
import { DEFAULT_RETENTION, keptBy, retentionCutoffs } from '../../src/core/retention';
import { timelineOf, type MinuteCount } from '../../src/core/report-stats';

const limits = { rowsPerRoute: 20_000, diffsPerRoute: 500 };

it('cuts minute counts on a whole hour, hour counts on a whole day and comparisons to the millisecond', () => {
  expect(retentionCutoffs(new Date('2030-06-01T12:34:56.789Z'), DEFAULT_RETENTION)).toEqual({
    minutesBefore: '2030-05-25T12:00', hoursBefore: '2030-03-03T00:00', comparisonsBefore: '2030-05-02T12:34:56.789Z',
  });
  expect(retentionCutoffs(new Date('2030-06-01T00:00:00.000Z'), { ...DEFAULT_RETENTION, minuteCountsDays: 1, hourCountsDays: 1, comparisonDays: 2 }))
    .toEqual({ minutesBefore: '2030-05-31T00:00', hoursBefore: '2030-05-31T00:00', comparisonsBefore: '2030-05-30T00:00:00.000Z' });
});

it('says what every table keeps, from the policy and the per-route limits', () => {
  expect(keptBy('comparisons', { ...DEFAULT_RETENTION, comparisonDays: 14 }, limits)).toBe('newest 20,000 per route, 14 days; unified diff on the newest 500');
  expect(keptBy('comparison_minutes', DEFAULT_RETENTION, limits)).toBe('7 days, then per hour');
  expect(keptBy('comparison_hours', DEFAULT_RETENTION, limits)).toBe('until 90 days old, then per day');
  expect(keptBy('audit_log', DEFAULT_RETENTION, limits)).toBe('for ever');
  expect(keptBy('divergences', DEFAULT_RETENTION, limits)).toMatch(/^open: until repaired or resolved/);
  expect(keptBy('comparisons_v1', DEFAULT_RETENTION, limits)).toBe('as left by version 1 (not written)');
});

describe('the timeline over counts of mixed widths', () => {
  const row = (minute: string, outcome: string, count: number, minutes?: number): MinuteCount => ({ minute, outcome, count, ...(minutes ? { minutes } : {}) });

  it('never buckets finer than its coarsest row, and counts each row once, in the bucket of its start', () => {
    // Two hours rolled up, then the last hour still per minute.
    const minutes = [row('2030-06-01T09:00', 'match', 600, 60), row('2030-06-01T10:00', 'match', 540, 60), row('2030-06-01T10:00', 'mismatch', 60, 60)];
    for (let m = 0; m < 60; m++) minutes.push(row(`2030-06-01T11:${String(m).padStart(2, '0')}`, 'match', 10));
    const t = timelineOf(minutes);
    expect(t.bucketMinutes).toBe(60);
    expect(t.points.map((p) => [p.start, p.compared, p.mismatch])).toEqual([
      ['2030-06-01T09:00', 600, 0], ['2030-06-01T10:00', 600, 60], ['2030-06-01T11:00', 600, 0],
    ]);
  });

  it('a day row widens the buckets to days', () => {
    const t = timelineOf([row('2030-05-01T00:00', 'match', 1000, 1440), row('2030-05-02T05:00', 'noise', 7, 60), row('2030-05-02T23:59', 'match', 1)]);
    expect(t.bucketMinutes).toBe(1440);
    expect(t.points).toEqual([
      { start: '2030-05-01T00:00', compared: 1000, mismatch: 0, noise: 0, mismatchRate: 0 },
      { start: '2030-05-02T00:00', compared: 8, mismatch: 0, noise: 7, mismatchRate: 0 },
    ]);
  });

  it('a year of minute rows (525,600) gives weekly points', () => {
    const start = Date.parse('2029-06-01T00:00:00Z');
    const minutes = Array.from({ length: 525_600 }, (_, i) => row(new Date(start + i * 60_000).toISOString().slice(0, 16), i % 100 === 0 ? 'mismatch' : 'match', 1));
    const t = timelineOf(minutes);
    expect(t.bucketMinutes).toBe(10080);
    expect(t.points.length).toBeLessThanOrEqual(54);
    expect(t.points.reduce((n, p) => n + p.compared, 0)).toBe(525_600);
    expect(t.points.reduce((n, p) => n + p.mismatch, 0)).toBe(5256);
  });
});
