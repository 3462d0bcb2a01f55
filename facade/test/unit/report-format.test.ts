// How a report sums up an endpoint whose comparisons were of streams: a match there compared the
// status and headers only, and the summary says so rather than passing it off as a compared body.
import { endpointFindings, EvidenceBook, HEADERS_ONLY, type ClassifyRules } from '../../src/core/comparison';
import { endpointSummary } from '../../../scripts/report/format';

const rules: ClassifyRules = { ignore: [], generated: { toleranceMs: 60_000, kinds: new Set(['timestamp']), exactFields: [] } };
const at = '2026-12-07T08:00:00.000Z';

it('counts a stream\'s matches apart and says its bodies were not compared', () => {
  const [events, items] = endpointFindings([], rules, new EvidenceBook(), undefined, [
    { endpoint: 'GET /api/events', outcome: 'match', reason: HEADERS_ONLY, count: 6, first: at, last: at },
    { endpoint: 'GET /api/items/:id', outcome: 'match', reason: null, count: 5, first: at, last: at },
  ]).sort((a, b) => a.endpoint.localeCompare(b.endpoint));
  expect(events).toMatchObject({ endpoint: 'GET /api/events', compared: 6, headersOnly: 6 });
  expect(items).toMatchObject({ endpoint: 'GET /api/items/:id', compared: 5, headersOnly: 0 });
  expect(endpointSummary(events!)).toContain('6 match · 6 of them streams (status and headers compared, bodies not)');
  expect(endpointSummary(items!)).not.toContain('streams');
});
