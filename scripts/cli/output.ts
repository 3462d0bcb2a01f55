// Terminal output for the `strangler` CLI: plain-text tables (tables by default, `--json` as the
// stable contract), ✓/✗ marks, number and time formatting, and ANSI colour only on a TTY.
// Escaping and column width come from cli/terminal.ts, the one place the text report uses too.
import type { Writable } from 'node:stream';
import { tableLines } from './terminal';

/** A writable the CLI prints to; `isTTY` decides whether colour is used. */
export type Out = Writable & { readonly isTTY?: boolean };

/** One column of a table: its header and how to read a cell from a row. */
export interface Column<T> {
  readonly header: string;
  /** The cell's text: data, shown with its control characters made visible. */
  readonly cell: (row: T) => string;
  /** Right-align (numbers). */
  readonly right?: boolean;
}

/**
 * Renders rows as an aligned table (two spaces between columns, header underlined with dashes),
 * columns as wide as their widest cell on a terminal (East Asian wide characters take two).
 * An empty row list prints `empty` instead, so a listing never looks broken.
 */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[], empty = '(none)'): string {
  if (rows.length === 0) return `${empty}\n`;
  const lines = tableLines(columns.map((c) => ({ title: c.header, right: c.right })), rows.map((r) => columns.map((c) => c.cell(r))), { rule: true });
  return `${lines.join('\n')}\n`;
}

/** `--json` output: two-space indented, one trailing newline. */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** A rate (0..1) as a percentage with two decimals, or `-` when there is nothing to divide. */
export function percent(rate: number | null): string {
  return rate === null ? '-' : `${(rate * 100).toFixed(2)} %`;
}

/** An ISO timestamp as `YYYY-MM-DD HH:MM:SS` (UTC), or `-`. */
export function time(iso: string | null | undefined): string {
  if (!iso) return '-';
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** A rollout as `10 % live`, or `-` when the whole route is at its base stage. */
export function rollout(r: { readonly stage: string; readonly percent: number } | null): string {
  return r ? `${r.percent} % ${r.stage}` : '-';
}

export interface Paint {
  readonly green: (s: string) => string;
  readonly red: (s: string) => string;
  readonly bold: (s: string) => string;
}

const plain: Paint = { green: (s) => s, red: (s) => s, bold: (s) => s };
const ansi: Paint = {
  green: (s) => `\u001b[32m${s}\u001b[39m`,
  red: (s) => `\u001b[31m${s}\u001b[39m`,
  bold: (s) => `\u001b[1m${s}\u001b[22m`,
};

/** Colour only when writing to a terminal (and NO_COLOR is unset), never into pipes or files. */
export function useColor(out: Out, env: NodeJS.ProcessEnv): boolean {
  return out.isTTY === true && env.NO_COLOR === undefined;
}

export function paintFor(out: Out, env: NodeJS.ProcessEnv): Paint {
  return useColor(out, env) ? ansi : plain;
}

/** ✓ or ✗, coloured when `paint` colours. */
export function mark(pass: boolean, paint: Paint = plain): string {
  return pass ? paint.green('✓') : paint.red('✗');
}
