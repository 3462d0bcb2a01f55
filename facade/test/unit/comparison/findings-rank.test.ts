// An endpoint's fields are ranked so the one a reader must look at comes first: among real
// differences as frequent as each other, a changed word a client reads (a stock line, a price) goes
// before a value only in opaque words (a per-side salt the primary repeats), and a page's lines go
// in their order (`text[8]` before `text[13]`), not in the order of their names' characters.
import { endpointFindings, EvidenceBook, type ClassifyRules, type FieldFact, type StoredComparison } from '../../../src/core/comparison';
import { differsOnlyInOpaqueWords } from '../../../src/core/compare/tokens';

const rules: ClassifyRules = { ignore: [], generated: { toleranceMs: 60_000, kinds: new Set(['timestamp']), exactFields: [] } };
const fact = (field: string, primary: unknown, shadow: unknown, kind: FieldFact['kind'] = 'changed'): FieldFact =>
  ({ path: field, field, kind, primary, shadow, primaryHash: JSON.stringify(primary), generated: null });

/** Five comparisons where the primary, asked again three times each, repeated every value: all real. */
function ranked(facts: FieldFact[]): string[] {
  const book = new EvidenceBook();
  const comparisons: StoredComparison[] = [];
  for (let i = 0; i < 5; i++) {
    const c: StoredComparison = { id: i, at: `2026-12-07T10:00:0${i}.000Z`, method: 'GET', path: '/shop/cup', outcome: 'mismatch', reason: null, diff: null,
      route: 'shop', endpoint: 'GET /shop/cup', reasked: true, reasks: 3, selfFields: [], facts };
    book.add(c);
    comparisons.push(c);
  }
  const [endpoint] = endpointFindings(comparisons, rules, book);
  expect(endpoint!.fields.every((f) => f.class === 'real')).toBe(true);
  return endpoint!.fields.map((f) => f.field);
}

describe('the order of an endpoint\'s fields', () => {
  it('puts a changed stock line before a line that differs only in a salt each side keeps', () => {
    const salted = fact('text[12]', '<script data-csrf="Qj4Bzk738pBeptBsGy9wER5BTU6HmHDuTtTbaqzb" src="/livewire.js?id=9db190ec">',
      '<script data-csrf="faXLZUla88q9Uewj7AzYADH2cykkEStgaQ8gH6vO" src="/livewire.js?id=ce4165a7">');
    const stock = fact('text[24]', 'Nur noch 3 auf Lager', 'Auf Lager');
    expect(ranked([salted, stock])).toEqual(['text[24]', 'text[12]']);
  });

  it('puts a page\'s lines in their order when nothing else tells them apart', () => {
    const lost = fact('text[8]', '<meta content="noindex, nofollow" name="robots">', undefined, 'removed');
    const later = fact('text[13]', '<p>Versand in 2 Tagen</p>', '<p>Versand in 3 Tagen</p>');
    expect(ranked([later, lost])).toEqual(['text[8]', 'text[13]']);
  });
});

describe('a difference only in opaque words', () => {
  it('is one in salts, signatures and short digests of one case', () => {
    expect(differsOnlyInOpaqueWords('value="2901372A"', 'value="8AACFBCB"')).toBe(true);
    expect(differsOnlyInOpaqueWords('/web/assets/1/bb9aa36/web.css', '/web/assets/1/d907f5f/web.css')).toBe(true);
    expect(differsOnlyInOpaqueWords('Qj4Bzk738pBeptBsGy9wER5BTU6HmHDuTtTbaqzb', 'faXLZUla88q9Uewj7AzYADH2cykkEStgaQ8gH6vO')).toBe(true);
  });

  it('is not one in a word, a figure or a record\'s id', () => {
    expect(differsOnlyInOpaqueWords('3 Stück auf Lager', 'Nicht vorrätig')).toBe(false);
    expect(differsOnlyInOpaqueWords('price: 24.99 EUR', 'price: 25.99 EUR')).toBe(false);
    expect(differsOnlyInOpaqueWords('/users/3f2b8c1e-7d4a-4c2b-9e1f-0a1b2c3d4e5f/avatar?sig=Ab3dEf9hIjKlMn0p',
      '/users/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/avatar?sig=Zq9yXw8vUt7sRq6p')).toBe(false);
    expect(differsOnlyInOpaqueWords('9007199254740993', '9007199254740992')).toBe(false); // a big integer, not a digest
    expect(differsOnlyInOpaqueWords('same', 'same')).toBe(false);
  });
});

describe('the order of a route\'s endpoints', () => {
  it('puts an endpoint with a readable real difference before one whose real differences are all salts, at a lower rate too', () => {
    const book = new EvidenceBook();
    const comparisons: StoredComparison[] = [];
    const add = (endpoint: string, i: number, facts: FieldFact[]): void => {
      const c: StoredComparison = { id: comparisons.length, at: `2026-12-07T10:00:0${i}.000Z`, method: 'GET', path: endpoint.slice(4), outcome: facts.length ? 'mismatch' : 'match',
        reason: null, diff: null, route: 'shop', endpoint, reasked: facts.length > 0, reasks: 3, selfFields: [], facts };
      book.add(c);
      comparisons.push(c);
    };
    for (let i = 0; i < 4; i++) {
      add('GET /comments', i, [fact('text[19]', '<input name="akismet_nonce" value="8f3a9c2d1e">', '<input name="akismet_nonce" value="1b7e4f0a6c">')]);
      add('GET /cart', i, i < 2 ? [fact('$.total', 2499, 2599)] : []); // the regression shows in half the answers
    }
    expect(endpointFindings(comparisons, rules, book).map((e) => [e.endpoint, e.realRate])).toEqual([['GET /cart', 0.5], ['GET /comments', 1]]);
  });

  it('puts a changed price before a time each side stamped and an address each side has, whatever their names (noise10: a pod\'s memory limit came 4th)', () => {
    const created = fact('$.a.creationTimestamp', '2026-11-28T11:19:32Z', '2026-12-07T12:00:54Z');
    const epoch = fact('$.a.lastUpdated', 1795865081372, 1796645163372);
    const address = fact('$.a.podIP', '10.12.4.50', '10.244.3.30');
    const price = fact('$.z.price', '10.50', '11.50');
    expect(ranked([created, epoch, address, price])[0]).toBe('$.z.price');
  });

  it('puts a changed date before a line that differs only where each side is installed (probes11: WordPress\' plugin folder outranked a wrong post date)', () => {
    const installed = fact('text[673]', '<p>Plugins live in <code>/srv/wp-mono/wp-content/plugins</code></p>', '<p>Plugins live in <code>/srv/wp-svc/wp-content/plugins</code></p>');
    const date = fact('text[700]', '<time>February 13, 2026</time>', '<time>February 2, 2026</time>');
    expect(ranked([installed, date])).toEqual(['text[700]', 'text[673]']);
  });
});
