// CSV and TSV answers compared as a header line and a set of rows. An export from a query without
// ORDER BY lists its rows in any order: by line every row differed, the primary asked again
// disagreed with itself at every line, and a changed row passed as noise. Here rows are matched by
// content (their templates, tokens.ts: times and tokens set aside) wherever they stand; a row on one
// side only is paired with the other side's row of the same first cell (the record's key) and named
// by it, `text["row 1043"]`, the same field wherever the row lands. That the matched rows stand in
// another order is one difference of its own, `text#order` (the primary's line number of the first
// row out of place, and that row's line in the shadow), learnt like any field: noise where the
// primary reorders its own rows, real where it repeats its order. Pure.
import { mediaTypeOf } from '../media-type';
import { linesOf, MAX_EDIT_LENGTH } from './text-diff';
import { templateOf } from './tokens';
import type { Difference, DifferenceKind } from './types';

const ROW_MEDIA = new Set(['text/csv', 'application/csv', 'text/x-csv', 'text/comma-separated-values', 'text/tab-separated-values', 'text/tsv']);

/** Whether both answers are CSV or TSV (compared by rows here). */
export function areRowMedia(primaryType: string | undefined, shadowType: string | undefined): boolean {
  return ROW_MEDIA.has(mediaTypeOf(primaryType)) && ROW_MEDIA.has(mediaTypeOf(shadowType));
}

/** The path of a difference about the rows' order. */
export const ORDER_PATH = 'text#order';

/** A row's first cell, unquoted: its key, as far as a CSV has one. */
function keyOf(row: string): string {
  let key: string;
  if (row.startsWith('"')) {
    const end = /^"((?:[^"]|"")*)"/.exec(row);
    key = end ? end[1]!.replace(/""/g, '"') : row.slice(1);
  } else {
    const cut = row.search(/[,;\t]/);
    key = cut < 0 ? row : row.slice(0, cut);
  }
  key = key.trim();
  // A generated key (a UUID per export) names nothing the other side or the next answer shares.
  if (templateOf(key) !== key) return '…';
  return key.length > 40 ? `${key.slice(0, 40)}…` : key;
}

interface Row { readonly line: number; readonly text: string; readonly template: string }

/** Row indexes by a string, each list in order, with a cursor past the rows already taken. */
class Lists {
  private readonly lists = new Map<string, { readonly rows: number[]; next: number }>();

  add(key: string, i: number): void {
    const list = this.lists.get(key);
    if (list) list.rows.push(i);
    else this.lists.set(key, { rows: [i], next: 0 });
  }

  /** The first row under `key` not taken yet, now taken. */
  take(key: string, taken: Uint8Array): number | undefined {
    const list = this.lists.get(key);
    if (!list) return undefined;
    while (list.next < list.rows.length && taken[list.rows[list.next]!]) list.next++;
    const i = list.rows[list.next];
    if (i === undefined) return undefined;
    list.next++;
    taken[i] = 1;
    return i;
  }
}

const rowsOf = (lines: readonly string[]): Row[] => lines.slice(1).map((text, i) => ({ line: i + 2, text, template: templateOf(text) }));

/**
 * Row differences between two CSV/TSV texts (see the header); null when either has no row (the
 * caller compares them by line) or when they differ at more than MAX_EDIT_LENGTH rows.
 */
export function diffRows(primary: string, shadow: string): Difference[] | null {
  if (primary === shadow) return [];
  const a = linesOf(primary);
  const b = linesOf(shadow);
  if (a.length < 2 || b.length < 2) return null;
  const out: Difference[] = [];
  const seen = new Map<string, number>();
  const push = (kind: DifferenceKind, key: string, p: string | undefined, s: string | undefined): void => {
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    out.push(Object.freeze({ path: `text[${JSON.stringify(`row ${key}${n > 1 ? ` #${n}` : ''}`)}]`, kind, primary: p, shadow: s }));
  };
  if (a[0] !== b[0]) out.push(Object.freeze({ path: 'text[1]', kind: 'changed', primary: a[0], shadow: b[0] }));

  // The shadow's rows by text and by template, each list in the shadow's order; a row is taken once.
  // Lists are walked with a cursor, never searched: many rows can share one template (ids set aside).
  const theirs = rowsOf(b);
  const taken = new Uint8Array(theirs.length);
  const exact = new Lists();
  const similar = new Lists();
  theirs.forEach((row, i) => { exact.add(row.text, i); similar.add(row.template, i); });
  const matched: Array<[Row, Row]> = [];
  const alone: Row[] = [];
  for (const row of rowsOf(a)) {
    const i = exact.take(row.text, taken) ?? similar.take(row.template, taken);
    if (i === undefined) { alone.push(row); continue; }
    const other = theirs[i]!;
    matched.push([row, other]);
    if (other.text !== row.text) push('changed', keyOf(row.text), row.text, other.text);
  }

  // Rows one side has alone: paired by key, in order; the rest removed or added.
  const byKey = new Lists();
  theirs.forEach((row, i) => { if (!taken[i]) byKey.add(keyOf(row.text), i); });
  for (const row of alone) {
    const key = keyOf(row.text);
    const i = byKey.take(key, taken);
    if (i !== undefined) push('changed', key, row.text, theirs[i]!.text);
    else push('removed', key, row.text, undefined);
  }
  theirs.forEach((row, i) => { if (!taken[i]) push('added', keyOf(row.text), undefined, row.text); });
  if (out.length > MAX_EDIT_LENGTH) return null; // as far apart as a line diff gives up at: compared by hash

  // The matched rows' order: the first of the primary's rows that the shadow lists elsewhere.
  const shadowLines = matched.map(([, s]) => s.line).sort((x, y) => x - y);
  const moved = matched.findIndex(([, s], i) => s.line !== shadowLines[i]);
  if (moved >= 0) out.push(Object.freeze({ path: ORDER_PATH, kind: 'changed', primary: matched[moved]![0].line, shadow: matched[moved]![1].line }));
  return out;
}
