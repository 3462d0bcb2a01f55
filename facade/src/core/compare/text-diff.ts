// Text bodies compared by line with jsdiff's `diffLines`: one Difference per changed, removed or
// added line, path `text[n]` (1-based). Bounded: past MAX_EDIT_LENGTH edits jsdiff gives up and
// the caller falls back to comparing hashes, so a huge rewrite cannot stall a worker.
import { diffLines, type Change } from 'diff';
import type { Difference, DifferenceKind } from './types';

/** Edit distance (in lines) past which a text diff is abandoned for a hash comparison. */
export const MAX_EDIT_LENGTH = 2000;

function linesOf(change: Change): string[] {
  const lines = change.value.split('\n');
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
  // CRLF against LF line ends (Python's csv module against most others) is not a difference: every
  // reader of text lines takes both; the lines are compared without their `\r`.
  const changes = diffLines(primary, shadow, { maxEditLength: MAX_EDIT_LENGTH, ignoreNewlineAtEof: true, stripTrailingCr: true });
  if (changes === undefined) return null;
  const out: Difference[] = [];
  let p = 1; // next line number in the primary
  let s = 1; // next line number in the shadow
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i] as Change;
    const next = changes[i + 1];
    if (!change.added && !change.removed) {
      p += change.count;
      s += change.count;
    } else if (change.removed && next?.added) {
      // a removed run followed by an added run: pair them line by line as changes
      const gone = linesOf(change);
      const come = linesOf(next);
      const paired = Math.min(gone.length, come.length);
      for (let k = 0; k < paired; k++) out.push(line('changed', p + k, gone[k], come[k]));
      for (let k = paired; k < gone.length; k++) out.push(line('removed', p + k, gone[k], undefined));
      for (let k = paired; k < come.length; k++) out.push(line('added', s + k, undefined, come[k]));
      p += gone.length;
      s += come.length;
      i++;
    } else if (change.removed) {
      linesOf(change).forEach((l, k) => out.push(line('removed', p + k, l, undefined)));
      p += change.count;
    } else {
      linesOf(change).forEach((l, k) => out.push(line('added', s + k, undefined, l)));
      s += change.count;
    }
  }
  return out;
}
