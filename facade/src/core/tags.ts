// The request headers the facade marks its own copies with, for the upstreams' logs (and for a
// service that skips side effects on a shadow read). Only the facade may set them: a client's
// copies are dropped at the edge (io/headers.ts), so no client can pass a real write off as one.

import type { Difference } from './compare/types';

export const SHADOW_TAG = 'x-strangler-shadow';
export const SECOND_WRITE_TAG = 'x-strangler-second-write';
export const REASK_TAG = 'x-strangler-reask';
export const REPAIR_TAG = 'x-strangler-repair';
export const REPLAY_TAG = 'x-strangler-replay';

export const FACADE_TAGS: readonly string[] = [SHADOW_TAG, SECOND_WRITE_TAG, REASK_TAG, REPAIR_TAG, REPLAY_TAG];

/** A text line that is a facade tag echoed (`X-Strangler-Shadow: 1`, `"x-strangler-reask": "1",`): the tag's name, any case. */
const TAG_LINE = /^\s*"?(x-strangler-[a-z-]+)"?\s*[:=]/i;
const isTag = (name: string): boolean => FACADE_TAGS.includes(name.toLowerCase());

/**
 * Whether a difference is only the facade's own tag, echoed by an upstream that answers with the
 * request's headers (httpbin's `/headers` and `/anything`, a debugging endpoint): a copy carries a
 * tag the client's request did not, so the answers differ by it and by nothing the service did.
 * `leaf`: the JSON key at the difference (undefined for a text line).
 */
export function isEchoedTag(kind: string, leaf: string | undefined, primary: unknown, shadow: unknown): boolean {
  if (kind !== 'added' && kind !== 'removed') return false;
  if (leaf !== undefined) return isTag(leaf);
  const line = kind === 'added' ? shadow : primary;
  const name = typeof line === 'string' ? TAG_LINE.exec(line)?.[1] : undefined;
  return name !== undefined && isTag(name);
}

/** A line of a page that is markup alone (`<td bgcolor="#CCC">`, `</tr>`), as markup-lines.ts writes it. */
const MARKUP_LINE = /^<[^<>]*>$/;
/** A line that is a tag's name alone (`x-strangler-shadow`, `"X-Strangler-Shadow:"`). */
const TAG_NAME_LINE = /^\s*"?(x-strangler-[a-z-]+)"?\s*:?\s*$/i;
const TEXT_LINE = /^text\[(\d+)\]$/;

/**
 * Which differences are a facade tag echoed in a page's table or list rather than on a line of its
 * own (Tomcat's RequestHeaderExample writes `<tr><td>x-strangler-shadow</td><td>1</td></tr>`, which
 * the page's canonical lines add as eight: probes13, where it outranked a real difference). A run
 * of lines added (or removed) one after another counts when a line of it is a tag's name alone and
 * every other line is markup or the tag's value, `1`; any other text in the run keeps it all.
 */
export function echoedTagRuns(diffs: readonly Difference[]): ReadonlySet<number> {
  const out = new Set<number>();
  let start = 0;
  for (let i = 1; i <= diffs.length; i++) {
    if (i < diffs.length && continues(diffs[i - 1]!, diffs[i]!)) continue;
    if (isEchoRun(diffs, start, i)) for (let j = start; j < i; j++) out.add(j);
    start = i;
  }
  return out;
}

function lineNumber(d: Difference): number | null {
  if (d.kind !== 'added' && d.kind !== 'removed') return null;
  if (d.line !== undefined) return d.line; // a page's line, named by its place (markup-names.ts)
  const m = TEXT_LINE.exec(d.path);
  return m ? Number(m[1]) : null;
}

function continues(before: Difference, d: Difference): boolean {
  const a = lineNumber(before);
  const b = lineNumber(d);
  return a !== null && b === a + 1 && before.kind === d.kind;
}

function isEchoRun(diffs: readonly Difference[], start: number, end: number): boolean {
  let names = 0;
  let values = 0;
  for (let i = start; i < end; i++) {
    const d = diffs[i]!;
    const line = d.kind === 'added' ? d.shadow : d.primary;
    if (lineNumber(d) === null || typeof line !== 'string') return false;
    const name = TAG_NAME_LINE.exec(line)?.[1];
    if (name !== undefined && isTag(name)) names++;
    else if (line.trim() === '1') values++;
    else if (!MARKUP_LINE.test(line.trim())) return false;
  }
  return names > 0 && values <= names;
}
