// core/report with hand-built diff-store rows and findings: outcome rates (v2 outcomes included),
// nearest-rank percentiles per side, status pairs and error rates, the ranked endpoints and noise
// evidence passed through (fields capped), divergences, the since-window, and the timeline.
import { buildReport, routesToReport, tallyRows, type ComparisonRow, type EndpointFindings, type FieldFinding, type ReportInput } from '../../src/core/report';

const NOW = new Date('2024-05-01T12:00:00.000Z');

function aRow(over: Partial<ComparisonRow> = {}): ComparisonRow {
  return {
    at: '2024-05-01T11:30:00.000Z', route: 'inventory', primarySide: 'monolith', primaryStatus: 200, shadowStatus: 200,
    primaryMs: 10, shadowMs: 20, outcome: 'match', reason: null, ...over,
  };
}

/** The input a reader would give for these rows (tallied as io/report-query.ts tallies them in SQL). */
function anInput(over: Partial<ReportInput> & { rows?: readonly ComparisonRow[] } = {}): ReportInput {
  const { rows = [], ...rest } = over;
  const since = rest.since ?? null;
  return {
    now: NOW, since, routes: ['inventory'], tallies: tallyRows(rows, since), findings: new Map(), minutes: [], states: [], audit: [], ...rest,
  };
}

const times = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));
const only = (input: ReportInput) => buildReport(input).routes[0];

function hasNaN(value: unknown): boolean {
  if (typeof value === 'number') return Number.isNaN(value);
  if (value && typeof value === 'object') return Object.values(value).some(hasNaN);
  return false;
}

it('counts each outcome and its share of the comparisons, leaving noise samples out', () => {
  const rows = [
    ...times(6, () => aRow()), ...times(3, () => aRow({ outcome: 'mismatch' })), aRow({ outcome: 'error', reason: 'service_UPSTREAM_TIMEOUT', shadowStatus: null, shadowMs: null }),
    ...times(4, () => aRow({ outcome: 'skipped', reason: 'noise_sample', shadowStatus: null, shadowMs: null })),
  ];
  const r = only(anInput({ rows }));
  expect(r.total).toBe(10);
  expect(r.outcomes.match).toEqual({ count: 6, rate: 0.6 });
  expect(r.outcomes.mismatch).toEqual({ count: 3, rate: 0.3 });
  expect(r.outcomes.error).toEqual({ count: 1, rate: 0.1 });
  expect(r.outcomes.skipped).toEqual({ count: 0, rate: 0 });
  expect(r.outcomes.divergence).toEqual({ count: 0, rate: 0 });
});

it('a route with no comparisons has zero counts and null rates and percentiles, never NaN', () => {
  const report = buildReport(anInput({ routes: ['catalog'] }));
  const r = report.routes[0];
  expect(r).toMatchObject({ route: 'catalog', stage: 'off', total: 0, rollout: null, lastChange: null, statusPairs: [] });
  expect(r.outcomes.mismatch).toEqual({ count: 0, rate: null });
  expect(r.sides.map((s) => [s.side, s.latency.p50, s.errorRate])).toEqual([['monolith', null, null], ['service', null, null]]);
  expect(r.timeline.points).toEqual([]);
  expect(hasNaN(report)).toBe(false);
});

it('latency percentiles are nearest-rank per side, whichever side was primary', () => {
  // shadow stage: primary_ms is the monolith's; live stage: primary_ms is the service's.
  const rows = [
    ...times(80, (i) => aRow({ primaryMs: i + 1, shadowMs: 1000 + i })),
    ...times(20, (i) => aRow({ primarySide: 'service', primaryMs: 1080 + i, shadowMs: 81 + i })),
  ];
  const [monolith, service] = only(anInput({ rows })).sides;
  expect(monolith.latency).toMatchObject({ samples: 100, p50: 50, p95: 95, p99: 99, max: 100 });
  expect(service.latency).toMatchObject({ samples: 100, p50: 1049, p95: 1094, p99: 1098, max: 1099 });
  expect(monolith.latency.histogram.reduce((n, b) => n + b.count, 0)).toBe(100);
  expect(monolith.latency.histogram.find((b) => b.le === 10)?.count).toBe(5); // 6..10 ms
});

it('nearest-rank on a small sample takes the value at rank ceil(p * n)', () => {
  const rows = times(10, (i) => aRow({ primaryMs: (i + 1) * 10 }));
  expect(only(anInput({ rows })).sides[0].latency).toMatchObject({ samples: 10, p50: 50, p95: 100, p99: 100 });
});

it('status pairs are counted per primary side, and errors per side are 5xx or no answer', () => {
  const rows = [
    ...times(5, () => aRow()),
    ...times(2, () => aRow({ shadowStatus: 500, outcome: 'mismatch' })),
    aRow({ outcome: 'error', reason: 'service_UPSTREAM_TIMEOUT', shadowStatus: null, shadowMs: null }),
    aRow({ outcome: 'error', reason: 'monolith_UPSTREAM_RESET', primaryStatus: null, primaryMs: null, shadowStatus: null, shadowMs: null }),
    aRow({ outcome: 'divergence', reason: 'second_write_UPSTREAM_UNREACHABLE', shadowStatus: null, shadowMs: null }),
    aRow({ outcome: 'divergence', reason: 'second_write_status_503', shadowStatus: 503 }),
  ];
  const r = only(anInput({ rows }));
  expect(r.statusPairs).toEqual([
    { primarySide: 'monolith', primary: 200, shadow: 200, count: 5 },
    { primarySide: 'monolith', primary: 200, shadow: 500, count: 2 },
    { primarySide: 'monolith', primary: 200, shadow: null, count: 2 },
    { primarySide: 'monolith', primary: 200, shadow: 503, count: 1 },
    { primarySide: 'monolith', primary: null, shadow: null, count: 1 },
  ]);
  const [monolith, service] = r.sides;
  expect(monolith).toMatchObject({ requests: 11, errors: 1 });
  expect(service).toMatchObject({ requests: 10, errors: 5 }); // 2 × 500, a timeout, an unreachable second write, a 503
  expect(service.errorRate).toBeCloseTo(0.5);
});

it('outcome counts include unjudged and generated comparisons, every outcome key present', () => {
  const rows = [aRow(), aRow({ outcome: 'generated' }), aRow({ outcome: 'generated' }), aRow({ outcome: 'unjudged' }), aRow({ outcome: 'skipped', reason: 'write_in_flight' })];
  const r = only(anInput({ rows }));
  expect(Object.keys(r.outcomes)).toEqual(['match', 'mismatch', 'unjudged', 'noise', 'generated', 'skipped', 'error', 'divergence']);
  expect(r.outcomes.generated).toEqual({ count: 2, rate: 0.4 });
  expect(r.outcomes.unjudged).toEqual({ count: 1, rate: 0.2 });
  expect(r.outcomes.skipped).toEqual({ count: 1, rate: 0.2 });
});

function aField(field: string, over: Partial<FieldFinding> = {}): FieldFinding {
  return {
    field, class: 'real', count: 1, rate: 0.1, why: 'the primary answered the same when asked again', firstSeen: '2024-05-01T11:00:00.000Z', lastSeen: '2024-05-01T11:30:00.000Z',
    example: { at: '2024-05-01T11:30:00.000Z', request: { method: 'GET', path: '/api/inventory/A' }, path: field, kind: 'changed', primary: 1, shadow: 2, diff: '' },
    ...over,
  };
}

function anEndpoint(endpoint: string, fields: FieldFinding[], mismatch: number): EndpointFindings {
  return {
    endpoint, compared: 10, verdicts: { match: 10 - mismatch, mismatch, unjudged: 0, noise: 0, generated: 0 }, notCompared: {}, headersOnly: 0,
    realRate: mismatch / 10, reasks: 3, fields, firstSeen: '2024-05-01T11:00:00.000Z', lastSeen: '2024-05-01T11:30:00.000Z',
  };
}

it('endpoints and noise evidence come from the findings in their ranked order; each endpoint lists at most maxFields fields', () => {
  const item = anEndpoint('GET /api/inventory/:sku', times(6, (i) => aField(`$.f${i}`)), 4);
  const list = anEndpoint('GET /api/inventory', [aField('$.items[*].at', { class: 'noise' })], 0);
  const noise = [{ endpoint: 'GET /api/inventory', field: '$.items[*].at', why: 'the primary disagreed with itself 5 of 5 times' }];
  const r = only(anInput({ findings: new Map([['inventory', { endpoints: [item, list], noise }], ['other', { endpoints: [list], noise: [] }]]), maxFields: 4 }));
  expect(r.endpoints.map((e) => e.endpoint)).toEqual(['GET /api/inventory/:sku', 'GET /api/inventory']);
  expect(r.endpoints[0].fields.map((f) => f.field)).toEqual(['$.f0', '$.f1', '$.f2', '$.f3']);
  expect(r.endpoints[0]).toMatchObject({ compared: 10, realRate: 0.4, reasks: 3 });
  expect(r.noise).toEqual(noise);
  const none = buildReport(anInput({ routes: ['catalog'] })).routes[0];
  expect(none).toMatchObject({ endpoints: [], noise: [], divergences: [] });
});

it('divergences get their own list, newest first, with the request, both statuses and the reason', () => {
  const rows = [
    aRow({ at: '2024-05-01T11:10:00.000Z', outcome: 'divergence', method: 'POST', path: '/api/inventory/A/reserve', reason: 'second_write_status_503', shadowStatus: 503 }),
    aRow({ at: '2024-05-01T11:20:00.000Z', outcome: 'divergence', method: 'POST', path: '/api/inventory/B/reserve', reason: 'second_write_UPSTREAM_UNREACHABLE', shadowStatus: null }),
    aRow({ outcome: 'mismatch', method: 'GET', path: '/api/inventory/A' }),
  ];
  expect(only(anInput({ rows })).divergences).toEqual([
    { at: '2024-05-01T11:20:00.000Z', method: 'POST', path: '/api/inventory/B/reserve', reason: 'second_write_UPSTREAM_UNREACHABLE', primaryStatus: 200, shadowStatus: null },
    { at: '2024-05-01T11:10:00.000Z', method: 'POST', path: '/api/inventory/A/reserve', reason: 'second_write_status_503', primaryStatus: 200, shadowStatus: 503 },
  ]);
  expect(only(anInput({ rows, since: new Date('2024-05-01T11:15:00.000Z') })).divergences.map((d) => d.path)).toEqual(['/api/inventory/B/reserve']);
});

it('since keeps comparisons at or after it and minutes from its minute on', () => {
  const rows = [aRow({ at: '2024-05-01T10:00:00.000Z', outcome: 'mismatch' }), aRow({ at: '2024-05-01T11:50:10.000Z' }), aRow({ at: '2024-05-01T11:55:00.000Z' })];
  const minutes = [
    { route: 'inventory', minute: '2024-05-01T10:00', outcome: 'mismatch', count: 1 },
    { route: 'inventory', minute: '2024-05-01T11:50', outcome: 'match', count: 1 },
    { route: 'inventory', minute: '2024-05-01T11:55', outcome: 'match', count: 1 },
  ];
  const report = buildReport(anInput({ rows, minutes, since: new Date('2024-05-01T11:50:00.000Z') }));
  const r = report.routes[0];
  expect(report.window).toEqual({ since: '2024-05-01T11:50:00.000Z', until: '2024-05-01T12:00:00.000Z' });
  expect(r.total).toBe(2);
  expect(r.outcomes.mismatch.count).toBe(0);
  expect(r.coverage).toEqual({ rows: 2, complete: true, oldestAt: '2024-05-01T11:50:10.000Z' });
  expect(r.timeline.points.map((p) => p.start)).toEqual(['2024-05-01T11:50', '2024-05-01T11:55']);
});

it('coverage is incomplete when the store pruned rows the per-minute counts still remember', () => {
  const minutes = [{ route: 'inventory', minute: '2024-05-01T11:30', outcome: 'match', count: 50 }];
  expect(only(anInput({ rows: times(10, () => aRow()), minutes })).coverage).toMatchObject({ rows: 10, complete: false });
});

it('the timeline gives the mismatch rate per bucket, widening buckets to keep at most 120 points of about 20 verdicts', () => {
  const minutes = times(600, (i) => {
    const minute = new Date(Date.parse('2024-05-01T02:00:00Z') + i * 60_000).toISOString().slice(0, 16);
    return [{ route: 'inventory', minute, outcome: 'match', count: 3 }, { route: 'inventory', minute, outcome: 'mismatch', count: 1 }];
  }).flat();
  const t = only(anInput({ minutes: [...minutes, { route: 'inventory', minute: '2024-05-01T02:00', outcome: 'skipped', count: 7 }] })).timeline;
  expect(t.bucketMinutes).toBe(15);
  expect(t.points).toHaveLength(40);
  expect(t.points[0]).toEqual({ start: '2024-05-01T02:00', compared: 60, mismatch: 15, noise: 0, mismatchRate: 0.25 });
  const sparse = only(anInput({ minutes: minutes.slice(0, 180).map((m) => ({ ...m, count: 2 })) })).timeline; // 90 min, 4 verdicts a minute
  expect(sparse.bucketMinutes).toBe(5);
  expect(sparse.points[0]).toMatchObject({ compared: 20, mismatch: 10 });
  const short = only(anInput({ minutes: minutes.slice(0, 20) })).timeline;
  expect(short.bucketMinutes).toBe(1);
  expect(short.points).toHaveLength(10);
});

it('a two-minute run gets a point per minute, the finest grain of the per-minute counts', () => {
  const minutes = [
    { route: 'inventory', minute: '2024-05-01T11:58', outcome: 'match', count: 40 }, { route: 'inventory', minute: '2024-05-01T11:58', outcome: 'mismatch', count: 10 },
    { route: 'inventory', minute: '2024-05-01T11:59', outcome: 'match', count: 3 },
  ];
  const t = only(anInput({ minutes })).timeline;
  expect(t.bucketMinutes).toBe(1);
  expect(t.points.map((p) => [p.start, p.compared, p.mismatchRate])).toEqual([['2024-05-01T11:58', 50, 0.2], ['2024-05-01T11:59', 3, 0]]);
});

it('stage, rollout and the last stage change come from the state database', () => {
  const r = only(anInput({
    states: [{ route: 'inventory', stage: 'shadow', rolloutStage: 'live', rolloutPercent: 10 }],
    audit: [
      { route: 'inventory', at: '2024-05-01T11:00:00.000Z', actor: 'ana', from: 'dualwrite', to: 'shadow', percent: 10, reason: 'go', forced: false },
      { route: 'inventory', at: '2024-05-01T10:00:00.000Z', actor: 'ana', from: 'off', to: 'dualwrite', percent: null, reason: null, forced: true },
    ],
  }));
  expect(r).toMatchObject({ stage: 'shadow', rollout: { stage: 'live', percent: 10 }, lastChange: { from: 'dualwrite', to: 'shadow', actor: 'ana', forced: false } });
});

it('reports the configured routes in order, then routes only the store knows, or just the one asked for', () => {
  expect(routesToReport(['inventory', 'catalog'], ['old', 'catalog', '(unrouted)', 'aaa'])).toEqual(['inventory', 'catalog', 'aaa', 'old']);
  expect(routesToReport(['inventory', 'catalog'], ['old'], 'catalog')).toEqual(['catalog']);
});
