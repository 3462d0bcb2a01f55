// HTML compared as a browser reads it, not as a template engine spelled it. An extracted service
// renders the same page with another engine: other indentation and line breaks, attributes in
// another order or quoted otherwise, `<br/>` for `<br>`, `&eacute;` for `é`, an end tag the HTML
// parser would imply anyway, comments. Compared by raw lines, every such page was a mismatch on
// every line. The page is tokenised by htmlparser2 (a tolerant, spec-following tokeniser: script
// bodies, `>` inside quoted attributes and unclosed tags are its job) into one line per tag and
// per run of text, which the line diff then compares; a differing line is named by its place in
// the document (markup-names.ts), not by its number among these lines.
// XML (SOAP, feeds) the same way in XML mode: another serializer's indentation, attribute order,
// `<a/>` for `<a></a>`, CDATA for escaped text, its own XML declaration or its own namespace
// prefixes (.NET's `soap:` and a default namespace, JAX-WS's `S:` and `ns2:`: names are compared as
// `{namespace}local`) are not differences; its text is trimmed, not collapsed (whitespace inside a
// value is data).
// Data a page carries as JSON in a script element (`application/json`, `application/ld+json`, an
// import map; Next.js's `__NEXT_DATA__`, Nuxt's state) is a document of its own: one line per leaf,
// `$.path = value` with keys sorted, so a build id or a token in it is one line, not the whole blob.
// So is a script that only assigns a JSON literal (`window.__INITIAL_STATE__ = {…};`, MediaWiki's
// `RLCONF={…};`, Magento's `window.checkoutConfig = {…}`), its leaves named under the assigned
// name (`$.window.__INITIAL_STATE__.cart.total`): as one line, a per-render token in the state made
// the whole state noise, and a changed total beside it went unseen.
import { Parser } from 'htmlparser2';
import { exactText, isExactNumber, parseJson } from './exact-number';
import { formatPath, type PathSegment } from './path-pattern';

export type Markup = 'html' | 'xml';

/** Elements whose text keeps its whitespace (and line breaks) as content. */
const PRESERVE = new Set(['pre', 'textarea', 'listing', 'plaintext']);
/** Elements that never have an end tag: the parser's implied one is not a line. */
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);

/** Script types whose content is JSON data, not code. */
const JSON_SCRIPT = /^(application\/(json|ld\+json|[\w.+-]+\+json)|importmap|speculationrules)$/;

/** Between a leaf's path and its value in a JSON data line. */
export const LEAF_SEPARATOR = ' = ';

function leafLines(value: unknown, path: PathSegment[], out: string[]): void {
  if (value !== null && typeof value === 'object') {
    const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value).sort();
    if (keys.length === 0) out.push(`${formatPath(path)}${LEAF_SEPARATOR}${Array.isArray(value) ? '[]' : '{}'}`);
    for (const k of keys) leafLines((value as Record<string | number, unknown>)[k], [...path, k], out);
    return;
  }
  out.push(`${formatPath(path)}${LEAF_SEPARATOR}${isExactNumber(value) ? exactText(value) : JSON.stringify(value)}`);
}

/** A JSON data script's text as leaf lines under `path`; null when it does not parse (it is then compared as text). */
function jsonDataLines(text: string, path: PathSegment[] = ['$']): string[] | null {
  let value: unknown;
  try {
    value = parseJson(text); // a 64-bit id keeps its digits
  } catch {
    return null;
  }
  const out: string[] = [];
  leafLines(value, path, out);
  return out;
}

/** The start of a statement that assigns a value to a name: `var RLCONF = `, `window.__STATE__=`. */
const ASSIGNMENT = /^\s*(?:(?:var|let|const)\s+)?([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*=(?!=)\s*/;

/**
 * A script that only assigns JSON literals to names, one statement or several (MediaWiki's
 * `document.documentElement.className="client-js";RLCONF={…};RLSTATE={…};RLPAGEMODULES=[…];`,
 * Gatsby's `window.pagePath="/p/109/";window.___webpackCompilationHash="3c21…";`), as leaf lines
 * under those names; null for any other script (code is compared as the text it is).
 */
function assignedDataLines(text: string): string[] | null {
  // Block comments around the code (`/*<![CDATA[*/ … /*]]>*/` in an XHTML page) are not statements.
  const statements = statementsOf(text.includes('/*') ? text.replace(/\/\*[\s\S]*?\*\//g, '') : text);
  if (statements === null || statements.length === 0 || statements.length > 32) return null;
  const out: string[] = [];
  for (const statement of statements) {
    const m = ASSIGNMENT.exec(statement);
    if (!m) return null;
    const lines = jsonDataLines(statement.slice(m[0].length).trim(), ['$', ...m[1]!.split('.')]);
    if (lines === null) return null;
    out.push(...lines);
  }
  return out;
}

/** A script's top-level statements (split at `;` and line ends outside strings and brackets); null when its brackets or strings do not close. */
function statementsOf(text: string): string[] | null {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== '') {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') { if (--depth < 0) return null; }
    else if (depth === 0 && (c === ';' || c === '\n')) {
      const t = text.slice(from, i).trim();
      if (t !== '') out.push(t);
      from = i + 1;
    }
  }
  if (depth !== 0 || quote !== '') return null;
  const last = text.slice(from).trim();
  if (last !== '') out.push(last);
  return out;
}

/** A JSON data line's path and value (`$.a.b = "x"` → ['$.a.b', 'x']); null for any other line. */
export function leafOf(line: string): [string, unknown] | null {
  if (!line.startsWith('$')) return null;
  const at = line.indexOf(LEAF_SEPARATOR);
  if (at < 0) return null;
  try {
    return [line.slice(0, at), JSON.parse(line.slice(at + LEAF_SEPARATOR.length)) as unknown];
  } catch {
    return null;
  }
}

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();
const quote = (v: string): string => `"${v.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`;

function openTag(name: string, attributes: Record<string, string>, xml: boolean): string {
  const parts = Object.keys(attributes).sort().map((a) => {
    const v = collapse(attributes[a]!);
    return !xml && (v === '' || v === a) ? a : `${a}=${quote(v)}`; // HTML: `disabled`, `disabled=""` and `disabled="disabled"` alike
  });
  return `<${[name, ...parts].join(' ')}>`;
}

type Scope = ReadonlyMap<string, string>;
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** An XML element's scope: its parent's prefixes with the ones it declares (`xmlns`, `xmlns:p`). */
function scopeOf(parent: Scope, attributes: Record<string, string>): Scope {
  let scope: Map<string, string> | null = null;
  for (const a of Object.keys(attributes)) {
    if (a !== 'xmlns' && !a.startsWith('xmlns:')) continue;
    (scope ??= new Map(parent)).set(a === 'xmlns' ? '' : a.slice(6), attributes[a]!);
  }
  return scope ?? parent;
}

/** `p:local` as `{uri}local` in `scope` (unprefixed attributes have no namespace); as written when the prefix is unknown. */
function expanded(qname: string, scope: Scope, attribute: boolean): string {
  const i = qname.indexOf(':');
  if (i < 0 && attribute) return qname;
  const prefix = i < 0 ? '' : qname.slice(0, i);
  const uri = prefix === 'xml' ? XML_NS : scope.get(prefix);
  return uri ? `{${uri}}${qname.slice(i + 1)}` : qname;
}

/** An XML element's name and attributes with their namespaces expanded and the declarations dropped. */
function expandedTag(name: string, attributes: Record<string, string>, scope: Scope): [string, Record<string, string>] {
  const out: Record<string, string> = {};
  for (const a of Object.keys(attributes)) if (a !== 'xmlns' && !a.startsWith('xmlns:')) out[expanded(a, scope, true)] = attributes[a]!;
  return [expanded(name, scope, false), out];
}

/** The page as canonical lines: tags with sorted attributes, text with its whitespace collapsed (trimmed in XML), no comments. */
export function markupLines(source: string, markup: Markup = 'html'): string[] {
  const xml = markup === 'xml';
  const lines: string[] = [];
  let text = '';
  let preserved = 0;
  let jsonData = false; // inside a script element holding JSON data
  const scopes: Scope[] = [new Map()];
  let root = ''; // the document element's expanded name (XML)
  let responseStart = -1; // the line a multistatus's response opened at
  const responses: Array<[number, number]> = [];
  const frames: Frame[] = []; // the open XML elements, each with the spans of its closed children
  const flushText = (): void => {
    if (text === '') return;
    if (preserved > 0) lines.push(...text.split(/\r?\n/));
    else {
      const t = xml ? text.trim() : collapse(text);
      if (t !== '') lines.push(t);
    }
    text = '';
  };
  const parser = new Parser({
    onprocessinginstruction: (name, data) => {
      flushText();
      if (!(xml && name.toLowerCase() === '?xml')) lines.push(`<${xml ? collapse(data) : collapse(data).toLowerCase()}>`); // an XML declaration is the serializer's
    },
    onopentag: (name, attributes) => {
      flushText();
      if (xml) {
        const scope = scopeOf(scopes[scopes.length - 1]!, attributes);
        scopes.push(scope);
        const [n, a] = expandedTag(name, attributes, scope);
        if (scopes.length === 2) root = n;
        if (scopes.length === 3 && root === MULTISTATUS && n === RESPONSE) responseStart = lines.length;
        frames.push({ start: lines.length, name: n, key: a.name, children: [] });
        lines.push(openTag(n, a, true));
        return;
      }
      lines.push(openTag(name, attributes, false));
      if (PRESERVE.has(name)) preserved++;
      if (name === 'script' && JSON_SCRIPT.test(collapse(attributes.type ?? '').toLowerCase())) jsonData = true;
    },
    ontext: (t) => { text += t; },
    onclosetag: (name, implied) => {
      if (!xml && name === 'script' && text !== '') {
        const data = jsonData ? jsonDataLines(text) : assignedDataLines(text);
        if (data !== null) { lines.push(...data); text = ''; }
      }
      if (name === 'script') jsonData = false;
      flushText();
      if (xml) {
        lines.push(`</${expanded(name, scopes[scopes.length - 1]!, false)}>`);
        const frame = frames.pop();
        if (frame) {
          byName(lines, frame.children);
          if (frame.name === LOCKDISCOVERY) lines.splice(frame.start, lines.length - frame.start, lockLine(lines.slice(frame.start + 1, -1)));
          frames[frames.length - 1]?.children.push({ start: frame.start, end: lines.length, name: frame.name, key: frame.key });
        }
        if (scopes.length === 3 && responseStart >= 0) { responses.push([responseStart, lines.length]); responseStart = -1; }
        if (scopes.length > 1) scopes.pop();
        return;
      }
      if (PRESERVE.has(name)) preserved = Math.max(0, preserved - 1);
      if (!(implied && VOID.has(name))) lines.push(`</${name}>`);
    },
    oncomment: () => undefined,
  }, xml ? { xmlMode: true, decodeEntities: true, recognizeCDATA: true } : { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
  parser.write(source);
  parser.end();
  flushText();
  return responses.length > 1 ? byHref(lines, responses) : lines;
}

interface Span { readonly start: number; readonly end: number; readonly name: string; readonly key: string | undefined }
interface Frame { readonly start: number; readonly name: string; readonly key: string | undefined; readonly children: Span[] }

/**
 * Sibling elements of one name, side by side, each named by its own `name` attribute (a property
 * map: Subversion's `<S:rev-prop name="svn:log">`, `<set-prop name=…>`, Android's `<string name=…>`)
 * in the order of their names: servers write such maps as their hash table iterates (Subversion's
 * APR hash: `svn:date` before `svn:log` in one request, after it in the next), so by position the
 * primary disagreed with itself and a changed value beside them was taken for that noise
 * (probes12: a log message edited on the service, reported as noise in `svn blame`'s report).
 * Each element keeps its own lines, so an added, missing or changed one still differs; a run with
 * text between its elements, or two of one name, keeps its order.
 */
function byName(lines: string[], children: readonly Span[]): void {
  let i = 0;
  while (i < children.length) {
    let j = i + 1;
    const first = children[i]!;
    if (first.key !== undefined) {
      while (j < children.length && children[j]!.name === first.name && children[j]!.key !== undefined && children[j]!.start === children[j - 1]!.end) j++;
    }
    const run = children.slice(i, j);
    if (run.length > 1 && new Set(run.map((c) => c.key)).size === run.length) {
      const blocks = run.map((c) => ({ key: c.key!, lines: lines.slice(c.start, c.end) }));
      blocks.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      lines.splice(first.start, run[run.length - 1]!.end - first.start, ...blocks.flatMap((b) => b.lines));
    }
    i = j;
  }
}

const MULTISTATUS = '{DAV:}multistatus';

// WebDAV's lockdiscovery (RFC 4918 §15.8): the locks held on a resource, each with its token. The
// facade sends LOCK and UNLOCK to the answering side alone (a lock and its token are that side's),
// so a locked resource's PROPFIND always differed there, a real difference the facade made (probes14,
// litmus at shadow). Its lines are one leaf line, `$.lockdiscovery = "<…>"`, judged as a token each
// side holds (comparison/evaluate.ts); a side with no lockdiscovery at all still differs.
const LOCKDISCOVERY = '{DAV:}lockdiscovery';
export const LOCKDISCOVERY_PATH = '$.lockdiscovery';
const lockLine = (inner: readonly string[]): string => `${LOCKDISCOVERY_PATH}${LEAF_SEPARATOR}${JSON.stringify(inner.join(' '))}`;
const RESPONSE = '{DAV:}response';

/**
 * A WebDAV multistatus's responses in the order of their hrefs: RFC 4918 gives their order no
 * meaning and clients match them by href, while a server may list them as its process hashes them
 * (Radicale's calendar-multiget: `ev2.ics` before `ev1.ics` in one process, after it in another).
 * Each response keeps its own lines, so a missing, added or changed response still differs.
 */
function byHref(lines: string[], responses: ReadonlyArray<readonly [number, number]>): string[] {
  const href = (r: readonly [number, number]): string => {
    const i = lines.indexOf('<{DAV:}href>', r[0]);
    return i >= 0 && i < r[1] ? lines[i + 1] ?? '' : '';
  };
  const first = responses[0]![0];
  const last = responses[responses.length - 1]![1];
  for (let k = 1; k < responses.length; k++) if (responses[k]![0] !== responses[k - 1]![1]) return lines; // text between: keep as is
  const blocks = responses.map((r) => ({ key: href(r), lines: lines.slice(r[0], r[1]) }));
  blocks.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return [...lines.slice(0, first), ...blocks.flatMap((b) => b.lines), ...lines.slice(last)];
}

/** How a media type's body is tokenised, or null when it is not markup. */
export function markupOf(mediaType: string): Markup | null {
  if (mediaType === 'text/html' || mediaType === 'application/xhtml+xml') return 'html';
  if (mediaType === 'text/xml' || mediaType === 'application/xml' || mediaType.endsWith('+xml')) return 'xml';
  return null;
}
