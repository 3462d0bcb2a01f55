// Text bodies compared by line with jsdiff's `diffArrays`: one Difference per changed, removed or
// added line, path `text[n]` (1-based). Lines are aligned by their templates (tokens.ts: a page's
// nonces, CSRF tokens and times set aside), so a missing `<meta name="csrf-token">` between lines
// that each carry their own nonce is a removed line, not every line after it paired with the next.
// Bounded: past MAX_EDIT_LENGTH edits jsdiff gives up and the caller falls back to comparing
// hashes, so a huge rewrite cannot stall a worker. On the event loop a time budget bounds it too
// (budget.ts): past it the comparison moves to a worker thread.
import { diffArrays } from 'diff';
import { checkBudget, diffTimeout } from './budget';
import { templateOf } from './tokens';
import type { Difference, DifferenceKind } from './types';

/** Edit distance (in lines) past which a text diff is abandoned for a hash comparison. */
export const MAX_EDIT_LENGTH = 2000;

/** A text's lines without their `\r` (CRLF against LF is not a difference) and without a last empty line. */
export function linesOf(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

function line(kind: DifferenceKind, n: number, primary: string | undefined, shadow: string | undefined): Difference {
  return Object.freeze({ path: `text[${n}]`, kind, primary, shadow });
}

/**
 * Line differences between two texts. `text[n]` is the primary's line number for changed and
 * removed lines and the shadow's line number for added lines. Returns null when the texts
 * differ by more than {@link MAX_EDIT_LENGTH} lines (compare them by hash instead).
 */
export function diffText(primary: string, shadow: string): Difference[] | null {
  if (primary === shadow) return [];
  const a = linesOf(primary);
  const b = linesOf(shadow);
  const changes = diffArrays(a.map(templateOf), b.map(templateOf), { maxEditLength: MAX_EDIT_LENGTH, ...diffTimeout() });
  if (changes === undefined) {
    checkBudget(); // gave up for the budget, not for the edit length: no verdict here
    return null;
  }
  const out: Difference[] = [];
  let p = 0; // next line index in the primary
  let s = 0; // next line index in the shadow
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]!;
    const next = changes[i + 1];
    if (!change.added && !change.removed) {
      // the same template: a line differs only inside its generated tokens (or not at all)
      for (let k = 0; k < change.count; k++) if (a[p + k] !== b[s + k]) out.push(line('changed', p + k + 1, a[p + k], b[s + k]));
      p += change.count;
      s += change.count;
    } else if (change.removed && next?.added) {
      // a removed run followed by an added run: pair them line by line as changes
      const paired = Math.min(change.count, next.count);
      for (let k = 0; k < paired; k++) out.push(line('changed', p + k + 1, a[p + k], b[s + k]));
      for (let k = paired; k < change.count; k++) out.push(line('removed', p + k + 1, a[p + k], undefined));
      for (let k = paired; k < next.count; k++) out.push(line('added', s + k + 1, undefined, b[s + k]));
      p += change.count;
      s += next.count;
      i++;
    } else if (change.removed) {
      for (let k = 0; k < change.count; k++) out.push(line('removed', p + k + 1, a[p + k], undefined));
      p += change.count;
    } else {
      for (let k = 0; k < change.count; k++) out.push(line('added', s + k + 1, undefined, b[s + k]));
      s += change.count;
    }
  }
  return out;
}
