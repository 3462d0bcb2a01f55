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
import { linesOf } from './text-diff';
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

const rowsOf = (lines: readonly string[]): Row[] => lines.slice(1).map((text, i) => ({ line: i + 2, text, template: templateOf(text) }));

/**
 * Row differences between two CSV/TSV texts (see the header); null when either has no row (the
 * caller compares them by line).
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

  // The shadow's rows by template, each queue in the shadow's order.
  const byTemplate = new Map<string, Row[]>();
  for (const row of rowsOf(b)) {
    const queue = byTemplate.get(row.template);
    if (queue) queue.push(row);
    else byTemplate.set(row.template, [row]);
  }
  const matched: Array<[Row, Row]> = [];
  const alone: Row[] = [];
  for (const row of rowsOf(a)) {
    const queue = byTemplate.get(row.template);
    if (!queue || queue.length === 0) { alone.push(row); continue; }
    const same = queue.findIndex((r) => r.text === row.text);
    const [other] = queue.splice(same < 0 ? 0 : same, 1);
    matched.push([row, other!]);
    if (other!.text !== row.text) push('changed', keyOf(row.text), row.text, other!.text);
  }

  // Rows one side has alone: paired by key, in order; the rest removed or added.
  const byKey = new Map<string, Row[]>();
  for (const queue of byTemplate.values()) {
    for (const row of queue) {
      const key = keyOf(row.text);
      const list = byKey.get(key);
      if (list) list.push(row);
      else byKey.set(key, [row]);
    }
  }
  for (const row of alone) {
    const key = keyOf(row.text);
    const other = byKey.get(key)?.shift();
    if (other) push('changed', key, row.text, other.text);
    else push('removed', key, row.text, undefined);
  }
  const added = [...byKey.values()].flat().sort((x, y) => x.line - y.line);
  for (const row of added) push('added', keyOf(row.text), undefined, row.text);

  // The matched rows' order: the first of the primary's rows that the shadow lists elsewhere.
  const shadowLines = matched.map(([, s]) => s.line).sort((x, y) => x - y);
  const moved = matched.findIndex(([, s], i) => s.line !== shadowLines[i]);
  if (moved >= 0) out.push(Object.freeze({ path: ORDER_PATH, kind: 'changed', primary: matched[moved]![0].line, shadow: matched[moved]![1].line }));
  return out;
}
