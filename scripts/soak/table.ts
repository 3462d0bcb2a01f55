// Prints the soak's figures: one line each with its target and whether it is met (a figure without
// a target is shown for reference), then rows and bytes per table of the store it measured.
import type { TableStats } from '../../facade/src/io/db-stats';

export interface Row {
  readonly figure: string;
  readonly value: number;
  readonly unit: 'ms' | 'MB' | 'KB';
  /** Upper bound; null: no target. */
  readonly target: number | null;
  readonly note?: string;
}

const fmt = (v: number, unit: Row['unit']): string => (unit === 'MB' ? `${v.toFixed(1)} MB` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${unit}`);

const pad = (cells: readonly string[], widths: readonly number[], right: readonly boolean[]): string =>
  cells.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();

function print(header: readonly string[], body: readonly (readonly string[])[], right: readonly boolean[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const lines = [pad(header, widths, right), pad(widths.map((w) => '-'.repeat(w)), widths, right), ...body.map((r) => pad(r, widths, right))];
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function printTable(title: string, rows: readonly Row[], tables: readonly TableStats[]): void {
  process.stdout.write(`\n${title}\n\n`);
  print(['figure', 'measured', 'target', 'met', 'note'], rows.map((r) => [
    r.figure, fmt(r.value, r.unit), r.target === null ? '-' : `≤ ${fmt(r.target, r.unit)}`,
    r.target === null ? '-' : r.value <= r.target ? 'met' : 'NOT MET', r.note ?? '',
  ]), [false, true, true, false, false]);
  process.stdout.write('\nthe store at the end:\n\n');
  print(['table', 'rows', 'bytes'], tables.map((t) => [t.table, t.rows.toLocaleString('en-US'), t.bytes === null ? '?' : `${(t.bytes / 1_048_576).toFixed(2)} MB`]), [false, true, true]);
  process.stdout.write('\n');
}
