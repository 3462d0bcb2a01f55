// Terminal-safe text, shared by the CLI's tables (cli/output.ts) and the text report (report/text.ts):
// data strings get their control characters made visible (an audit reason or an upstream's answer
// can't drive the operator's terminal), width is counted in terminal columns (East Asian wide = 2,
// combining marks = 0), and one table writer aligns columns by that width. Pure; no dependency.

/**
 * What must never reach a terminal as is: C0 controls (ESC starts every ANSI sequence), DEL, C1
 * controls (U+009B is a one-character CSI), bidi controls (U+202E reverses what follows it), line
 * and paragraph separators, and lone surrogates (printed as U+FFFD, hiding what was there). With the
 * `u` flag a surrogate pair is one code point, so the surrogate range matches lone halves only.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\p{Bidi_Control}\u2028\u2029\ud800-\udfff]/gu;

/**
 * `text` with every unsafe character written out: `\x1b`, `\x9b` for C0/DEL/C1, `\u202e` for the
 * others. Printable text, wide characters and emoji are left alone. Idempotent (the escapes are
 * plain ASCII), so text escaped twice reads the same as text escaped once.
 */
export function visible(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Template tag for a line of our own words around data: every interpolated value goes through {@link visible}. */
export function safe(literals: TemplateStringsArray, ...values: readonly unknown[]): string {
  return literals.reduce((out, literal, i) => out + literal + (i < values.length ? visible(String(values[i])) : ''), '');
}

/** Each line of `text` made visible, the line breaks kept (multi-line messages such as a config error's problem list). */
export function visibleLines(text: string): string {
  return text.split('\n').map(visible).join('\n');
}

// SGR sequences (colour, bold) are ours: once data went through visible(), any ESC left was added by us.
const SGR = /\u001b\[[0-9;]*m/g;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
// Takes no column: combining marks (they sit on the character before), format and ignorable characters.
const ZERO_WIDTH = /^[\p{M}\p{Cf}\p{Default_Ignorable_Code_Point}]/u;
const EMOJI_PRESENTATION = /^(\p{Emoji_Presentation}|\p{Regional_Indicator})/u;
const EMOJI_WITH_SELECTOR = /^\p{Emoji}.*\ufe0f/su;
// Characters that join others into one cell group a code point walk would miscount: ZWJ, the emoji
// selector, keycaps, flags, skin tones, tag sequences, conjoining Hangul vowels and finals.
const CLUSTERING = /[\u200d\ufe0f\u20e3\u1160-\u11ff\ud7b0-\ud7ff\u{1f1e6}-\u{1f1ff}\u{1f3fb}-\u{1f3ff}\u{e0020}-\u{e007f}]/u;

/**
 * Code point ranges of East Asian Width W and F (Unicode's EastAsianWidth.txt) that terminals draw two
 * columns wide: Hangul, CJK, kana, Yi, fullwidth forms and the rest. Emoji are told apart by their
 * presentation property instead.
 */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], [0x2329, 0x232a], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff],
  [0xa000, 0xa4cf], [0xa960, 0xa97f], [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe10, 0xfe19], [0xfe30, 0xfe6f],
  [0xff00, 0xff60], [0xffe0, 0xffe6], [0x16fe0, 0x16fe4], [0x17000, 0x18cff], [0x18d00, 0x18d08],
  [0x1aff0, 0x1b2ff], [0x1f200, 0x1f2ff], [0x20000, 0x2fffd], [0x30000, 0x3fffd],
];

function isWide(cp: number): boolean {
  let lo = 0;
  let hi = WIDE.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [from, to] = WIDE[mid];
    if (cp < from) hi = mid - 1;
    else if (cp > to) lo = mid + 1;
    else return true;
  }
  return false;
}

let segmenter: Intl.Segmenter | null = null;

/**
 * The cells of `text` to measure one by one: user-perceived characters (an emoji ZWJ sequence, a flag)
 * when it holds characters that join, else plain code points, which give the same widths ~100 times
 * faster than Intl.Segmenter (a combining mark counts 0 either way).
 */
function* units(text: string): Generator<string> {
  if (!CLUSTERING.test(text)) {
    yield* text;
    return;
  }
  segmenter ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  for (const s of segmenter.segment(text)) yield s.segment;
}

/** Columns one unit takes; its first code point decides, and an emoji selector widens a text-style emoji. */
function unitWidth(u: string): number {
  const cp = u.codePointAt(0)!;
  if (cp < 0x300) return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp === 0xad ? 0 : 1;
  if (ZERO_WIDTH.test(u)) return 0;
  if (EMOJI_PRESENTATION.test(u) || EMOJI_WITH_SELECTOR.test(u)) return 2;
  return isWide(cp) ? 2 : 1;
}

/** Terminal columns `text` takes, not counting our own colour codes. */
export function displayWidth(text: string): number {
  const plain = text.includes('\u001b') ? text.replace(SGR, '') : text;
  if (PRINTABLE_ASCII.test(plain)) return plain.length;
  let width = 0;
  for (const u of units(plain)) width += unitWidth(u);
  return width;
}

/** `text` cut to at most `columns` terminal columns, ending in `…` when cut; never splits a character. */
export function truncate(text: string, columns: number): string {
  if (displayWidth(text) <= columns) return text;
  let out = '';
  let width = 0;
  for (const u of units(text)) {
    const w = unitWidth(u);
    if (width + w > columns - 1) break;
    out += u;
    width += w;
  }
  return `${out}…`;
}

/** `text` padded with spaces to `width` columns, on the right (left-aligned) or on the left (`right`). */
export function pad(text: string, width: number, right = false): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return right ? fill + text : text + fill;
}

export interface TableColumn {
  readonly title: string;
  /** Right-align (numbers). */
  readonly right?: boolean;
}

export interface TableStyle {
  /** Put before every line. */
  readonly indent?: string;
  /** A line of dashes under the header. */
  readonly rule?: boolean;
  /** Colours the header line (bold on a terminal). */
  readonly header?: (line: string) => string;
  /** Colours one cell's text (its padding stays outside the colour); null leaves it plain. */
  readonly paint?: (row: number, col: number) => ((text: string) => string) | null;
}

/**
 * An aligned table as lines (no newlines): two spaces between columns, each as wide as its widest
 * cell in terminal columns, no trailing spaces. Every cell and title is data: it goes through
 * {@link visible} before it is measured, so only the colour `style` adds reaches the terminal raw.
 */
export function tableLines(columns: readonly TableColumn[], rows: readonly (readonly string[])[], style: TableStyle = {}): string[] {
  const measured = (values: readonly string[]) => values.map((text) => ({ text, width: displayWidth(text) }));
  const head = measured(columns.map((c) => visible(c.title)));
  const body = rows.map((r) => measured(columns.map((_c, i) => visible(r[i] ?? ''))));
  // A loop, not Math.max(...body): a spread of 100,000+ rows overflows the call stack.
  const widths = head.map((h, i) => body.reduce((w, r) => Math.max(w, r[i].width), h.width));
  const line = (cells: readonly { text: string; width: number }[], paintOf: (col: number) => ((text: string) => string) | null): string =>
    cells.map((c, i) => {
      const fill = ' '.repeat(widths[i] - c.width);
      const shown = paintOf(i)?.(c.text) ?? c.text;
      return columns[i].right ? fill + shown : shown + fill;
    }).join('  ').trimEnd();
  const indent = style.indent ?? '';
  const header = line(head, () => null);
  const lines = [indent + (style.header ? style.header(header) : header)];
  if (style.rule) lines.push(indent + line(measured(widths.map((w) => '-'.repeat(w))), () => null));
  body.forEach((r, ri) => lines.push(indent + line(r, (ci) => style.paint?.(ri, ci) ?? null)));
  return lines;
}
