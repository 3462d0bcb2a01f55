// A page's canonical lines (markup-lines.ts) named by where they stand in the document, not by their
// number. By number, a line that some renders have and others lack (a flash "Saved.", a cookie
// banner, a "3 new notifications" badge, a CSRF meta element once a session exists, an A/B block,
// an ad slot) moved every later line by one: one changed price was `text[82]` in one answer and
// `text[85]` in the next, its evidence split over fields, and a field learnt as noise at one line
// number (a render time) held a real difference in the answers where the page was a line longer
// (noise15). Here a line is named by its element path, each step the element's tag with its id or
// first class and its index among its parent's children of that step (`body/main/table/tbody/tr[4]/td.price/text()`),
// restarted at an element with an id (`div#content/…`): a line before it in another branch (the
// flash, the banner) changes no name after it. A page's JSON data lines are named by their leaf
// path under their script (`script#__NEXT_DATA__/$.props.pageProps.price`). Names only name:
// which lines differ is still the line diff's (text-diff.ts), so no difference is hidden. Pure.
import { leafOf } from './markup-lines';
import type { Markup } from './markup-lines';
import { templateOf } from './tokens';

/** Elements that never have an end tag (markup-lines.ts writes no end line for them). */
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
const OPEN = /^<([A-Za-z{][^\s>]*)((?:\s[^>]*)?)>$/;
const CLOSE = /^<\/([^\s>]+)>$/;
const ATTRIBUTE = /\s([^\s=>]+)(?:="([^"]*)")?/g;
/** A longer name keeps its end (the steps nearest the line), marked as cut. */
const MAX_NAME = 160;

interface Frame { readonly tag: string; readonly path: string; readonly counts: Map<string, number> }

/** An id or class that names a place in the layout: not a record's (`product_1011`, `postid-7`) nor a render's (a nonce). */
function isPlaceName(t: string): boolean {
  return t.length > 0 && t.length <= 40 && !/\d/.test(t) && !/[/[\]"#]/.test(t) && templateOf(t) === t;
}

function attributesOf(rest: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of rest.matchAll(ATTRIBUTE)) out[m[1]!] = (m[2] ?? '').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  return out;
}

/**
 * The names of a page's canonical lines, unique within the page: of every line, or only of the
 * lines in `wanted` (0-based; the others are left undefined), as a diff names the few that differ.
 * An element whose path an earlier one had (an id used twice) is its `#2`, and so is all within it.
 */
export function markupLineNames(lines: readonly string[], markup?: Markup): string[];
export function markupLineNames(lines: readonly string[], markup: Markup, wanted: ReadonlySet<number>): Array<string | undefined>;
export function markupLineNames(lines: readonly string[], markup: Markup = 'html', wanted?: ReadonlySet<number>): Array<string | undefined> {
  const xml = markup === 'xml';
  const places = new Map<string, boolean>(); // a page repeats its classes: each is judged once
  const place = (v: string | undefined): string | null => {
    const t = v?.trim();
    if (!t) return null;
    let ok = places.get(t);
    if (ok === undefined) places.set(t, (ok = isPlaceName(t)));
    return ok ? t : null;
  };
  const paths = new Map<string, number>(); // element paths so far
  const stack: Frame[] = [{ tag: '', path: '', counts: new Map() }];
  const top = (): Frame => stack[stack.length - 1]!;
  const step = (key: string): string => {
    const counts = top().counts;
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    return n > 1 ? `${key}[${n}]` : key;
  };
  const under = (path: string, s: string): string => (path === '' ? s : `${path}/${s}`);
  // Only the wanted lines' names are written out; every line still counts as its parent's child.
  const out: Array<string | undefined> = new Array<string | undefined>(lines.length);
  const name = (i: number, make: () => string): void => {
    if (wanted !== undefined && !wanted.has(i)) return;
    const raw = make();
    out[i] = raw.length > MAX_NAME ? `…${raw.slice(raw.length - MAX_NAME + 1)}` : raw;
  };
  // A name depends on the lines before it alone: the walk ends at the last wanted line.
  const last = wanted === undefined ? lines.length - 1 : Math.max(-1, ...wanted);
  for (let i = 0; i <= last; i++) {
    const line = lines[i]!;
    const open = line.startsWith('<') && !line.startsWith('</') ? OPEN.exec(line) : null;
    if (open) {
      const tag = xml ? open[1]! : open[1]!.toLowerCase();
      const local = tag.slice(tag.lastIndexOf('}') + 1); // `{uri}local`: the namespace is the document's
      const a = open[2]!.includes('id=') || open[2]!.includes('class=') ? attributesOf(open[2]!) : {};
      const id = place(a.id);
      const cls = a.class === undefined ? undefined : a.class.split(/\s+/).map(place).find((c) => c !== null);
      const key = id ? `${local}#${id}` : cls ? `${local}.${cls}` : local;
      let path: string;
      if (stack.length === 1 && !xml && local === 'html') path = ''; // the document element is every line's ancestor: it names nothing
      else {
        const s = step(key);
        path = id !== null ? s : under(top().path, s);
        const seen = (paths.get(path) ?? 0) + 1;
        paths.set(path, seen);
        if (seen > 1) path = `${path} #${seen}`;
      }
      if (xml || !VOID.has(local)) stack.push({ tag, path, counts: new Map() });
      name(i, () => (path === '' ? local : path));
      continue;
    }
    const close = line.startsWith('</') ? CLOSE.exec(line) : null;
    if (close) {
      const tag = xml ? close[1]! : close[1]!.toLowerCase();
      let at = stack.length - 1;
      while (at > 0 && stack[at]!.tag !== tag) at--;
      if (at > 0) {
        const path = stack[at]!.path;
        stack.length = at;
        name(i, () => `${path === '' ? tag : path}/end()`);
      } else {
        const s = step('end()');
        name(i, () => under(top().path, s));
      }
      continue;
    }
    const leaf = line.startsWith('$') && (top().tag === 'script' || stack.length === 1 || line.startsWith('$.lockdiscovery')) ? leafOf(line) : null;
    if (leaf !== null) {
      const s = step(`${leaf[0]} `).trimEnd(); // a leaf path twice (`a=1;a=2`) is its `$.a [2]`: not an array's index
      name(i, () => under(top().path, s));
      continue;
    }
    const s = step(line.startsWith('<') ? 'node()' : 'text()');
    const path = top().path;
    name(i, () => under(path, s));
  }
  return out;
}

/** A line's field: its name as a quoted text key, `text["main/table/tr[4]/td.price/text()"]`. */
export const markupField = (name: string): string => `text[${JSON.stringify(name)}]`;

const TEXT_FIELD = /^text\["(?:[^"\\]*\/)?([^"\\/]+)\/text\(\)"\]$/;

/**
 * The name of the element whose text a markup field is (`text["InitiateMultipartUploadResult/UploadId/text()"]`:
 * `UploadId`), without its index, id or class and namespace prefix (`s3:Key[2]`: `Key`); undefined for
 * any other field. An XML answer's element names what its text is, as a JSON key names its value.
 */
export function elementOfTextField(path: string): string | undefined {
  const step = TEXT_FIELD.exec(path)?.[1];
  if (step === undefined) return undefined;
  const tag = step.replace(/\[\d+\]$/, '').split(/[#.]/)[0]!;
  const local = tag.slice(tag.lastIndexOf(':') + 1);
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(local) ? local : undefined;
}
