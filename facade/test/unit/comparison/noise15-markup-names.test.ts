// noise15: a page line that some renders have and others lack (a flash "Saved.", a cookie banner, a
// notifications badge) moved every later line's number, so one difference took another field in
// each answer, and a real one could take the number of a line learnt as noise in other answers.
import { evaluate, selfDifferingFields, type ClassifyRules } from '../../../src/core/comparison';
import { compiled as compiledRules } from '../compare/builders';
import type { Observation } from '../../../src/core/compare/types';

const rules: ClassifyRules = { ignore: [], generated: { toleranceMs: 60_000, kinds: new Set(['timestamp', 'jwt', 'uuid', 'ulid', 'objectid', 'encoded', 'sequence', 'instance']), exactFields: [] } };
const compiled = compiledRules({ headers: ['content-type'] });
const html = (text: string): Observation => ({ ok: true, side: 'monolith', status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: Buffer.from(text), ms: 1 });

/** An order page: a flash on some renders, then the total, then a count that moves on every render. */
const order = (flash: boolean, total: string, online: number, rows = ['Trail shoe', 'Wool socks']): Observation => html(`<!DOCTYPE html><html><body>
${flash ? '<div class="flash">Saved.</div>' : ''}
<main><table>${rows.map((r) => `<tr><td>${r}</td></tr>`).join('')}</table>
<p class="total">Total: $${total}</p>
<p>${online} visitors online</p></main></body></html>`);

const facts = (primary: Observation, shadow: Observation) => evaluate(primary, shadow, compiled, false).facts;
function selfDiffering(first: Observation, shadow: Observation, again: Observation): string[] {
  const against = facts(first, shadow);
  return selfDifferingFields(facts(first, again), against, rules, new Set(against.map((f) => f.field)));
}

describe('a page line on some renders only (noise15)', () => {
  it('a changed total has one field whether or not the primary showed its flash, and it is a difference with both values', () => {
    const fieldsOf = (flash: boolean) => facts(order(flash, '84.00', 12), order(false, '48.00', 12)).filter((f) => f.kind === 'changed');
    const plain = fieldsOf(false);
    const flashed = fieldsOf(true);
    expect(plain).toHaveLength(1);
    expect(flashed).toHaveLength(1);
    expect(flashed[0]!.field).toBe(plain[0]!.field);
    expect([flashed[0]!.primary, flashed[0]!.shadow]).toEqual(['Total: $84.00', 'Total: $48.00']);
  });

  it('the total never takes the field of the count that the primary moves on its own in other answers', () => {
    // An answer without the flash: the count is the primary's own variation (noise evidence for its field).
    const noise = selfDiffering(order(false, '84.00', 12), order(false, '84.00', 40), order(false, '84.00', 31));
    expect(noise).toHaveLength(1);
    // An answer with the flash, the service's total wrong: its field is not the count's, so it stays real.
    const total = facts(order(true, '84.00', 12), order(false, '48.00', 12)).find((f) => f.kind === 'changed');
    expect(total?.primary).toBe('Total: $84.00');
    expect(noise).not.toContain(total!.field);
    // and the flash the primary itself shows now and then is its own field, the same in every answer
    const flashFields = (p: Observation, s: Observation) => facts(p, s).filter((f) => f.kind !== 'changed').map((f) => f.field);
    expect(flashFields(order(true, '84.00', 12), order(false, '84.00', 12))).toEqual(flashFields(order(false, '84.00', 12), order(true, '84.00', 12)));
  });

  it('a row the service lacks is still a difference, named by its own row', () => {
    const missing = facts(order(true, '84.00', 12), order(false, '84.00', 12, ['Trail shoe'])).filter((f) => f.kind === 'removed' && f.primary === 'Wool socks');
    expect(missing).toHaveLength(1);
    expect(missing[0]!.field).toContain('tr[2]');
  });
});
