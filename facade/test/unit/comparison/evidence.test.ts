// What an endpoint's comparisons add up to per field when nothing could be asked again (a write):
// a field the shadow leaves out of every answer, where the primary's value is new each time (an
// ETag, a Location, an echoed Idempotency-Key), is one the primary repeats: that it has one.
import { EvidenceBook, judgeField, type FieldFact } from '../../../src/core/comparison';

const removed = (path: string, primaryHash: string): FieldFact =>
  ({ path, field: path, kind: 'removed', primary: primaryHash, shadow: undefined, primaryHash, shadowHash: 'missing', generated: null });

it('a header the shadow leaves out of a write\'s answer, with a new value on every answer of the primary, is real after three', () => {
  const book = new EvidenceBook();
  for (const etag of ['"a1"', '"b2"']) book.add({ route: 'r', endpoint: 'PUT /profiles/:id', reasked: false, selfFields: [], facts: [removed('headers.etag', etag)] });
  expect(judgeField(book.evidence('r', 'PUT /profiles/:id', 'headers.etag')).class).toBe('unjudged');
  book.add({ route: 'r', endpoint: 'PUT /profiles/:id', reasked: false, selfFields: [], facts: [removed('headers.etag', '"c3"')] });
  expect(judgeField(book.evidence('r', 'PUT /profiles/:id', 'headers.etag'))).toMatchObject({ class: 'real' });
});

it('a write\'s Location naming each side\'s own new id is a generated value, as the id in its body is; another collection is not', async () => {
  const { markOwnNumbers } = await import('../../../src/pipeline/record-write');
  const loc = (p: string, s: string): FieldFact => ({ path: 'headers.location', field: 'headers.location', kind: 'changed', primary: p, shadow: s, primaryHash: p, shadowHash: s, generated: null });
  expect(markOwnNumbers([loc('/api/orders/17', '/api/orders/9001')])[0]!.generated).toMatchObject({ kind: 'sequence' });
  expect(markOwnNumbers([loc('/api/orders/17', '/api/invoices/9001')])[0]!.generated).toBeNull();
});
