// The human-readable diff of two bodies for reports: a unified diff (jsdiff's
// createTwoFilesPatch, labels `primary` / `shadow`) of canonical pretty-printed JSON (sorted keys,
// 2-space indent) or of the text. Redacted and normalized like the comparison, capped in size.
import { createTwoFilesPatch } from 'diff';
import { checkBudget, diffTimeout } from './budget';
import { asBuffer, sha256, readBody } from './body';
import { canonicalJson } from './canonical';
import { headerValue } from './headers';
import { normalize, NO_NORMALIZERS } from './normalize';
import { redactBody, redactText } from './redact';
import type { CompiledRules } from './rules';
import type { Observation } from './types';

/** Default cap on the returned diff, in characters. */
export const DEFAULT_MAX_DIFF_CHARS = 64 * 1024;
/** Past this many changed lines jsdiff gives up and a one-line note replaces the hunks. */
const MAX_EDIT_LENGTH = 5000;

/** Options for {@link unifiedBodyDiff}. */
export interface UnifiedDiffOptions {
  /** The route's compiled rules: its `redact` paths and array-order normalizers are applied first. */
  readonly rules?: CompiledRules;
  /** Cap on the output; a longer diff is cut at a line end and says so. Default 64 KiB. */
  readonly maxChars?: number;
  /** Lines of context around each change. Default 3. */
  readonly context?: number;
}

/**
 * Characters a pretty-printed JSON body may take, indentation included, before no line diff is made
 * of it: 8 per byte of the body and 1 MB more. Indentation grows with depth: a 4 KB array nested
 * 2,000 deep printed to 8 million characters a side, 0.17 s and 70 MB on the event loop before any
 * diff began, where a document of ordinary depth prints to two or three times its size.
 */
export function maxPrintedChars(bodyBytes: number): number {
  return 8 * bodyBytes + 1_048_576;
}

class TooWideToPrint extends Error {}

/** Whether canonicalJson(value, 2) would print more than `limit` characters (an estimate, counted without recursion). */
function printsOver(value: unknown, limit: number): boolean {
  let total = 0;
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const v = values.pop();
    const depth = depths.pop()!;
    total += 2 * depth + 2;
    if (typeof v === 'string') total += v.length + 2;
    else if (v !== null && typeof v === 'object') {
      total += 2 * depth + 2; // the closing line
      const entries = Array.isArray(v) ? v.map((x) => ['', x] as const) : Object.entries(v);
      for (const [key, x] of entries) {
        total += key.length + 4;
        values.push(x);
        depths.push(depth + 1);
      }
    } else total += String(v).length;
    if (total > limit) return true;
  }
  return false;
}

function printable(o: Observation, rules: CompiledRules | undefined): string {
  if (!o.ok) return `[${o.code}] ${o.error}\n`;
  const body = readBody(o.body, headerValue(o.headers, 'content-type'));
  if (body.kind === 'binary') return `<binary body: ${o.body.length} bytes, sha256 ${(rules?.hash ?? sha256)(asBuffer(o.body))}>\n`;
  if (body.kind !== 'json') {
    const text = redactText(body.text, rules?.redaction);
    return text.endsWith('\n') || text === '' ? text : `${text}\n`;
  }
  if (printsOver(body.value, maxPrintedChars(o.body.length))) throw new TooWideToPrint();
  const redacted = redactBody(body.value, rules?.redact ?? [], rules?.redaction);
  return `${canonicalJson(normalize(redacted, rules?.normalizers ?? NO_NORMALIZERS), 2)}\n`;
}

function cap(diff: string, maxChars: number): string {
  if (diff.length <= maxChars) return diff;
  const cut = diff.lastIndexOf('\n', maxChars);
  const kept = diff.slice(0, cut < 0 ? maxChars : cut + 1);
  return `${kept}\\ diff truncated: ${kept.length} of ${diff.length} characters shown\n`;
}

/**
 * Unified diff of the two bodies, `--- primary` / `+++ shadow`; `''` when they print the same.
 * JSON bodies are printed canonically (so key order never shows), text as is, binary bodies as
 * a one-line size and hash, a failed side as its error. Secrets (the rules' `redact` paths, secret
 * field names, JWTs, secret query parameters) are masked before printing, text bodies included.
 */
export function unifiedBodyDiff(primary: Observation, shadow: Observation, options: UnifiedDiffOptions = {}): string {
  let a: string;
  let b: string;
  try {
    a = printable(primary, options.rules);
    b = printable(shadow, options.rules);
  } catch (err) {
    // too deeply nested to print (or its indentation alone would run to millions of characters): no example diff, the facts stand
    if (err instanceof TooWideToPrint || err instanceof RangeError) return '';
    throw err;
  }
  if (a === b) return '';
  const patch = createTwoFilesPatch('primary', 'shadow', a, b, undefined, undefined, {
    context: options.context ?? 3,
    maxEditLength: MAX_EDIT_LENGTH,
    ...diffTimeout(),
  });
  if (patch === undefined) checkBudget(); // on the event loop: the budget ran out, not the edit length
  const diff =
    patch ?? `--- primary\n+++ shadow\n@@ bodies differ in more than ${MAX_EDIT_LENGTH} lines; no line diff @@\n`;
  return cap(diff, options.maxChars ?? DEFAULT_MAX_DIFF_CHARS);
}
