// HTML compared as a browser reads it, not as a template engine spelled it. An extracted service
// renders the same page with another engine: other indentation and line breaks, attributes in
// another order or quoted otherwise, `<br/>` for `<br>`, `&eacute;` for `é`, an end tag the HTML
// parser would imply anyway, comments. Compared by raw lines, every such page was a mismatch on
// every line. The page is tokenised by htmlparser2 (a tolerant, spec-following tokeniser: script
// bodies, `>` inside quoted attributes and unclosed tags are its job) into one line per tag and
// per run of text, which the line diff then compares: `text[n]` is the n-th of these lines.
import { Parser } from 'htmlparser2';

/** Elements whose text keeps its whitespace (and line breaks) as content. */
const PRESERVE = new Set(['pre', 'textarea', 'listing', 'plaintext']);
/** Elements that never have an end tag: the parser's implied one is not a line. */
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();
const quote = (v: string): string => `"${v.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`;

function openTag(name: string, attributes: Record<string, string>): string {
  const parts = Object.keys(attributes).sort().map((a) => {
    const v = collapse(attributes[a]!);
    return v === '' || v === a ? a : `${a}=${quote(v)}`; // `disabled`, `disabled=""` and `disabled="disabled"` alike
  });
  return `<${[name, ...parts].join(' ')}>`;
}

/** The page as canonical lines: tags with sorted attributes, text with its whitespace collapsed, no comments. */
export function htmlLines(html: string): string[] {
  const lines: string[] = [];
  let text = '';
  let preserved = 0;
  const flushText = (): void => {
    if (text === '') return;
    if (preserved > 0) lines.push(...text.split(/\r?\n/));
    else {
      const t = collapse(text);
      if (t !== '') lines.push(t);
    }
    text = '';
  };
  const parser = new Parser({
    onprocessinginstruction: (_name, data) => { flushText(); lines.push(`<${collapse(data).toLowerCase()}>`); },
    onopentag: (name, attributes) => {
      flushText();
      lines.push(openTag(name, attributes));
      if (PRESERVE.has(name)) preserved++;
    },
    ontext: (t) => { text += t; },
    onclosetag: (name, implied) => {
      flushText();
      if (PRESERVE.has(name)) preserved = Math.max(0, preserved - 1);
      if (!(implied && VOID.has(name))) lines.push(`</${name}>`);
    },
    oncomment: () => undefined,
  }, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
  parser.write(html);
  parser.end();
  flushText();
  return lines;
}

/** True for the media types compared as HTML pages. */
export function isHtml(mediaType: string): boolean {
  return mediaType === 'text/html' || mediaType === 'application/xhtml+xml';
}
