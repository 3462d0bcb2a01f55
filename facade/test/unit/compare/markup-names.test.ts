import { diffBodies } from '../../../src/core/compare/body';
import { markupLines } from '../../../src/core/compare/markup-lines';
import { markupLineNames } from '../../../src/core/compare/markup-names';
import { NO_NORMALIZERS } from '../../../src/core/compare/normalize';

const names = (source: string, markup: 'html' | 'xml' = 'html'): Record<string, string> => {
  const lines = markupLines(source, markup);
  const n = markupLineNames(lines, markup);
  return Object.fromEntries(lines.map((l, i) => [n[i]!, l]));
};
const html = (body: string) => `<!DOCTYPE html><html><head><title>T</title></head><body>${body}</body></html>`;
const none = NO_NORMALIZERS;

describe('a page line named by its place in the document (markup-names.ts)', () => {
  it('steps are tags with an id or first class and an index among siblings of that step; an id restarts the path', () => {
    const n = names(html('<div class="alert">Saved.</div><div class="row"><p>a</p><p>b <b>c</b> d</p></div><div id="content"><ul><li>x</li><li>y</li></ul></div>'));
    expect(n['body/div.alert/text()']).toBe('Saved.');
    expect(n['body/div.row/p[2]/text()']).toBe('b');
    expect(n['body/div.row/p[2]/text()[2]']).toBe('d');
    expect(n['div#content/ul/li[2]/text()']).toBe('y');
    expect(n['body/div.row/end()']).toBe('</div>');
  });

  it('a line before it in another branch changes no name after it', () => {
    const page = (flash: string) => html(`<header><ul class="nav"><li>Orders</li>${flash}</ul></header><main><p class="total">9.99</p></main>`);
    const without = markupLineNames(markupLines(page('')));
    const withBadge = markupLineNames(markupLines(page('<li class="badge">3 new</li>')));
    expect(withBadge).toEqual(expect.arrayContaining(without.filter((x) => x.startsWith('body/main'))));
  });

  it('a record\'s or a render\'s id or class names no step (it would make each record\'s page its own fields)', () => {
    expect(Object.keys(names(html('<article id="post-101" class="post postid-101"><p>x</p></article>')))).toContain('body/article.post/p/text()');
    expect(Object.keys(names(html('<div id="a3f9c2e1-7b4d-4e8a-9c1f-2d3e4f5a6b7c"><p>x</p></div>')))).toContain('body/div/p/text()');
  });

  it('names are unique within a page; JSON data lines are named by their leaf under their script', () => {
    const n = markupLineNames(markupLines(html('<div><p id="x">a</p></div><div><p id="x">b</p></div><script id="__NEXT_DATA__" type="application/json">{"props":{"price":12.5}}</script>')));
    expect(new Set(n).size).toBe(n.length);
    expect(n).toContain('p#x #2/text()'); // the second element of that path, and all within it
    expect(n).toContain('script#__NEXT_DATA__/$.props.price');
  });

  it('every differing line is still reported, named by its side: the primary\'s for a changed or removed one, the shadow\'s for an added one', () => {
    const a = Buffer.from(html('<div class="flash">Saved.</div><main><p>Total 84.00</p><p>Tax 4.00</p></main>'));
    const b = Buffer.from(html('<main><p>Total 48.00</p></main><aside>new</aside>'));
    const d = diffBodies({ primary: a, shadow: b, primaryType: 'text/html', shadowType: 'text/html' }, none);
    expect(d.map((x) => [x.path, x.kind, x.primary ?? x.shadow])).toEqual(expect.arrayContaining([
      ['text["body/div.flash/text()"]', 'removed', 'Saved.'],
      ['text["body/main/p/text()"]', 'changed', 'Total 84.00'],
      ['text["body/main/p[2]/text()"]', 'removed', 'Tax 4.00'],
      ['text["body/aside/text()"]', 'added', 'new'],
    ]));
    // an added or removed line keeps its number too: which lines run on one after another (tags.ts)
    expect(d.find((x) => x.path === 'text["body/aside/text()"]')?.line).toBeGreaterThan(0);
  });
});
