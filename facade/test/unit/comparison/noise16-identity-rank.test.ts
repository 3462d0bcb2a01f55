// noise16: a real regression is read before what names each side. Within an endpoint, a difference
// in a value a side answers (an amount, a count, a word, a flag, a field one side lacks) comes before
// one between two versions of the software each side runs, that before two times each side stamped,
// and that before two ids, keys, certificates or host names, however often each differed (a per-side
// id differs on every answer, a regression perhaps on one in ten). A route's endpoints follow the same
// order. Only the order changes: every field is still reported with its class.
import { endpointFindings, EvidenceBook, type ClassifyRules, type FieldFact, type StoredComparison } from '../../../src/core/comparison';

const rules: ClassifyRules = { ignore: [], generated: { toleranceMs: 60_000, kinds: new Set(['timestamp']), exactFields: [] } };
const fact = (field: string, primary: unknown, shadow: unknown, kind: FieldFact['kind'] = 'changed'): FieldFact =>
  ({ path: field, field, kind, primary, shadow, primaryHash: JSON.stringify(primary), generated: null });

/**
 * Ten comparisons of one endpoint where the primary, asked again three times each, repeated every
 * value (all real); `always` differ in all ten, `sometimes` in the first `n`.
 */
function findings(always: FieldFact[], sometimes: FieldFact[] = [], n = 3, endpoint = 'GET /orders/:id', book = new EvidenceBook()): StoredComparison[] {
  const out: StoredComparison[] = [];
  for (let i = 0; i < 10; i++) {
    const facts = [...always, ...(i < n ? sometimes : [])];
    const c: StoredComparison = { id: i, at: `2026-12-07T10:00:0${i}.000Z`, method: 'GET', path: '/orders/1', outcome: 'mismatch', reason: null, diff: null,
      route: 'shop', endpoint, reasked: true, reasks: 3, selfFields: [], facts };
    book.add(c);
    out.push(c);
  }
  return out;
}

function ranked(always: FieldFact[], sometimes: FieldFact[] = [], n = 3): string[] {
  const book = new EvidenceBook();
  const [endpoint] = endpointFindings(findings(always, sometimes, n, 'GET /orders/:id', book), rules, book);
  expect(endpoint!.fields.every((f) => f.class === 'real')).toBe(true);
  return endpoint!.fields.map((f) => f.field);
}

// Per-side identity each side gives on every answer (noise10/11/14: Docker, Kubernetes, Consul, JWKS, Mongo).
const perSide: FieldFact[] = [
  fact('$.node.uid', '86399fc7-3c7d-475a-a248-fe7516bdc4dd', '7607e436-7ec1-41fa-af9d-33ae2543d1eb'),
  fact('$.node.name', 'ip-10-12-0-7.eu-west-1.compute.internal', 'ip-10-0-1-23.eu-west-1.compute.internal'),
  fact('$.keys[0].x5c[0]', 'MIIC+DCCAeCgAwIBAgIJAKVf3nq0Lb2hMA0GCSqGSIb3DQEBCwUAMCMxITAfBgNVBAMTGGFjbWUtbGVnYWN5', 'MIIC+jCCAeKgAwIBAgIJAO1q0Bx7yTPKMA0GCSqGSIb3DQEBCwUAMCQxIjAgBgNVBAMTGW9yZGVycy1zZXJ2aWNl'),
  fact('$.clusterTime.keyId', '7283920399400370177', '7301122938116521985'),
  fact('$.metadata.creationTimestamp', '2026-11-28T11:19:32Z', '2026-12-07T12:00:54Z'),
  fact('$.KernelVersion', '5.15.0-1051-aws', '6.1.58+'),
  fact('$.status.observedGeneration', 1841, 77),
];

describe('an endpoint\'s real differences', () => {
  it('puts an amount that differed in 3 of 10 answers before every per-side id, host, key, time and version that differed in all 10', () => {
    const order = ranked(perSide, [fact('$.total', 45, 54)]);
    expect(order[0]).toBe('$.total');
    expect(order).toHaveLength(perSide.length + 1); // nothing hidden
  });

  it('puts a status word, a flag and a field one side lacks before per-side values too', () => {
    for (const regression of [fact('$.status', 'paid', 'pending'), fact('$.refundable', true, false), fact('$.discount', 5, undefined, 'removed'), fact('$.items', 3, 2)]) {
      expect(ranked(perSide, [regression], 1)[0]).toBe(regression.field);
    }
  });

  it('orders what names a side: a version it runs, then a time it stamped, then its ids and hosts', () => {
    const order = ranked([fact('$.node.uid', '86399fc7-3c7d-475a-a248-fe7516bdc4dd', '7607e436-7ec1-41fa-af9d-33ae2543d1eb'),
      fact('$.metadata.creationTimestamp', '2026-11-28T11:19:32Z', '2026-12-07T12:00:54Z')], [fact('$.server.version', '16.6.1', '16.7.0')]);
    expect(order).toEqual(['$.server.version', '$.metadata.creationTimestamp', '$.node.uid']);
  });

  it('reads a software version in a line that names it (an iCalendar PRODID) and a build number, not a version a title carries', () => {
    const prodid = fact('text[3]', 'PRODID:-//IDN nextcloud.com//Calendar app 4.6.4//EN', 'PRODID:-//IDN nextcloud.com//Calendar app 4.6.5//EN');
    const creator = fact('text["gpx"]', '<gpx creator="AcmeTrack 4.2.0 (build 1187)" version="1.1">', '<gpx creator="AcmeTrack 4.2.0 (build 1203)" version="1.1">');
    const elevation = fact('text["gpx/trk/trkseg/trkpt/ele/text()"]', '12.4', '124');
    expect(ranked([prodid, creator], [elevation])[0]).toBe(elevation.field);
    // a release feed's entry title is the data: `v2.14.110` for `v2.14.0` is a regression, read before a per-side key
    const title = fact('text["feed/entry/title/text()"]', 'v2.14.110', 'v2.14.0');
    expect(ranked(perSide, [title])[0]).toBe(title.field);
  });
});

describe('the same shapes stay values a side answers, ranked as a regression', () => {
  const key = fact('$.jwks.kid', 'Qj4Bzk738pBeptBsGy9wER5BTU6HmHDuTtTbaqzb', 'faXLZUla88q9Uewj7AzYADH2cykkEStgaQ8gH6vO');
  const cases: Array<[string, FieldFact]> = [
    ['a product code with digits (not a random run)', fact('$.sku', 'SKU-1042-XL', 'SKU-1042-L')],
    ['a service revision by name', fact('$.latestReadyRevision', 'shop-00012-ctc', 'shop-00011-ctc')],
    ['a file name (not a host)', fact('$.attachment', 'invoice-2026.pdf', 'invoice-2025.pdf')],
    ['a link to another host', fact('$.sso', 'https://idp.acme.io/saml2/sso', 'https://idp-old.acme.io/saml2/sso')],
    ['a redacted value (its shape unknown)', fact('$.max_input_tokens', '[REDACTED:006db6]', '[REDACTED:214afb]')],
    ['a count', fact('$.sidekiq.processes', 3, 2)],
    ['a big amount under 16 digits', fact('$.disk.total', 107374182400, 53660876800)],
    ['a price with two decimals', fact('$.price', '19.99', '21.99')],
    ['a plain number under a name that is no version', fact('$.updateSequence', 1187, 42)],
    ['an image link\'s width edited beside its signature (base64\'s `/` runs a path into one word)', fact('$.image',
      'https://res.cloudinary.com/acme/image/upload/s--lViwEgNS--/w_400,c_fill/v1796031162/products/110.jpg',
      'https://res.cloudinary.com/acme/image/upload/s--hVE7c_yv--/w_40,c_fill/v1796031166/products/110.jpg')],
  ];
  it.each(cases)('%s', (_what, value) => {
    expect(ranked([key], [value])[0]).toBe(value.field);
  });
});

describe('a route\'s endpoints', () => {
  it('puts an endpoint whose real differences are all per-side ids and hosts after one with a regression, at a lower rate too', () => {
    const book = new EvidenceBook();
    const comparisons = [
      ...findings([fact('$.node.uid', '86399fc7-3c7d-475a-a248-fe7516bdc4dd', '7607e436-7ec1-41fa-af9d-33ae2543d1eb'),
        fact('$.node.name', 'ip-10-12-0-7.eu-west-1.compute.internal', 'ip-10-0-1-23.eu-west-1.compute.internal')], [], 0, 'GET /a-node', book),
      ...findings([], [fact('$.total', 45, 54)], 3, 'GET /z-cart', book),
    ];
    // the cart's other comparisons agreed: a match, not a mismatch
    const order = endpointFindings(comparisons.map((c) => (c.facts.length === 0 ? { ...c, outcome: 'match' as const } : c)), rules, book).map((e) => e.endpoint);
    expect(order).toEqual(['GET /z-cart', 'GET /a-node']);
  });
});
