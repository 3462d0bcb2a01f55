import { markupLines } from '../../../src/core/compare/markup-lines';
import { diffBodies } from '../../../src/core/compare/body';
import { compileNormalizers } from '../../../src/core/compare';

const report = (props: string[]): string =>
  `<?xml version="1.0" encoding="utf-8"?>\n<S:file-revs-report xmlns:S="svn:" xmlns:D="DAV:">\n<S:file-rev path="/trunk/f" rev="3">\n${props.join('\n')}\n<S:txdelta>U1ZO</S:txdelta></S:file-rev>\n</S:file-revs-report>`;
const date = '<S:rev-prop name="svn:date">2026-12-07T15:09:18.392169Z</S:rev-prop>';
const log = (m: string): string => `<S:rev-prop name="svn:log">${m}</S:rev-prop>`;

describe('XML siblings named by their name attribute (a property map in hash order)', () => {
  it('are compared in the order of their names: the same map in another order is no difference', () => {
    expect(markupLines(report([date, log('second')]), 'xml')).toEqual(markupLines(report([log('second'), date]), 'xml'));
  });
  it('a changed value among them is still a difference, at the same line in either order', () => {
    const a = markupLines(report([date, log('second')]), 'xml');
    const b = markupLines(report([log('edited'), date]), 'xml');
    expect(a).not.toEqual(b);
    expect(a.indexOf('second')).toBe(b.indexOf('edited'));
  });
  it('an added or missing property differs; unnamed siblings, or two of one name, keep their order', () => {
    expect(markupLines(report([date]), 'xml')).not.toEqual(markupLines(report([date, log('x')]), 'xml'));
    expect(markupLines('<l><i>b</i><i>a</i></l>', 'xml')).toEqual(['<l>', '<i>', 'b', '</i>', '<i>', 'a', '</i>', '</l>']);
    expect(markupLines('<l><p name="x">2</p><p name="x">1</p></l>', 'xml')).toEqual(['<l>', '<p name="x">', '2', '</p>', '<p name="x">', '1', '</p>', '</l>']);
  });
  it('diffBodies of two XML answers that differ only in that order finds nothing', () => {
    const pair = { primary: Buffer.from(report([date, log('m')])), shadow: Buffer.from(report([log('m'), date])), primaryType: 'text/xml; charset="utf-8"', shadowType: 'text/xml; charset="utf-8"' };
    expect(diffBodies(pair, compileNormalizers([]))).toEqual([]);
  });
});
