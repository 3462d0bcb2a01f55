// noise16: a page's line labelled for the answering process (`Last build: …`, `Started at: …`) is
// judged by its label before the time in it, as a JSON field is by its name: Jekyll's footer stamps
// the site's build, and each side built at its own time, days apart (noise10 `jekyll`). Before, the
// time was read first, found 9 days off, and the line was a real difference. A line with another
// label keeps its time as a time: days off, a real difference.
import { evaluate } from '../../../src/core/comparison';
import { aTextObservation, compiled } from '../compare/builders';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const rules = compiled();
const kinds = (line: (v: string) => string, a: string, b: string): Array<string | null> =>
  evaluate(aTextObservation(`Orders\n${line(a)}\nend\n`), { ...aTextObservation(`Orders\n${line(b)}\nend\n`), side: 'service' }, rules, false, false, NOW)
    .facts.map((f) => f.generated?.kind ?? null);

describe('a page line labelled for the process, with a time days apart', () => {
  it('is the build\'s or the process\'s own time: instance', () => {
    expect(kinds((t) => `Last build: ${t}`, '2026-11-28 22:16:48 +0000', '2026-12-07 22:58:10 +0000')).toEqual(['instance']);
    expect(kinds((t) => `Started at: ${t}`, '2026-11-28T22:16:48Z', '2026-12-07T09:01:02Z')).toEqual(['instance']);
    expect(kinds((t) => `Build date = ${t}`, '2026-11-20', '2026-11-27')).toEqual(['instance']);
  });

  it('stays a time under any other label: a delivery, an order, a due date days apart', () => {
    expect(kinds((t) => `Delivered: ${t}`, '2026-11-28 22:16:48 +0000', '2026-12-07 22:58:10 +0000')).toEqual(['timestamp']);
    expect(kinds((t) => `Last order: ${t}`, '2026-11-28T22:16:48Z', '2026-12-07T09:01:02Z')).toEqual(['timestamp']);
    expect(kinds((t) => `Due = ${t}`, '2026-11-20', '2026-11-27')).toEqual([null]); // a date alone: a value, as before
  });
});
