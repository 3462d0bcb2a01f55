// Which recorded requests a replay sends, and as what: safe reads always; writes only when the
// operator asked (`--writes`, against a throwaway target); never a request whose recorded body was
// not kept or whose query or body held a secret that was masked when it was recorded (sending the
// mask would not be the same request). Masked headers are left out unless replaced (`--header`). Pure.
import { canonicalJson } from '../compare/canonical';
import type { RecordedCase } from './case';
import { maskedParts } from './capture';
import { isSafeMethod } from '../stages';

export interface PlanOptions {
  /** Writes may be sent (the caller checked that the target is not live). */
  readonly writes: boolean;
  /** Headers set on every request, replacing recorded ones (lower-case names). */
  readonly headers: Readonly<Record<string, string>>;
}

export interface PlannedRequest {
  readonly method: string;
  readonly target: string;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

export type Plan =
  | { readonly send: true; readonly request: PlannedRequest; readonly write: boolean; readonly dropped: readonly string[] }
  | { readonly send: false; readonly write: boolean; readonly why: string };

/** True when replaying the case changes state on the target. */
export function isWrite(c: RecordedCase): boolean {
  return c.kind === 'write' || !isSafeMethod(c.request.method); // the methods a replay may send without --writes
}

function bodyOf(c: RecordedCase): Buffer | string {
  const b = c.request.body;
  switch (b.kind) {
    case 'empty': return Buffer.alloc(0);
    case 'json': return Buffer.from(canonicalJson(b.json));
    case 'text': return Buffer.from(b.text, 'utf8');
    case 'binary': return `its ${b.bytes}-byte binary body is kept as a hash only`;
    case 'omitted': return `its body was not kept (${b.why})`;
  }
}

/** What to send for one case, or why it is listed and not sent. */
export function planCase(c: RecordedCase, opts: PlanOptions): Plan {
  const write = isWrite(c);
  if (write && !opts.writes) return { send: false, write, why: 'a write: sent only with --writes, to a throwaway target' };
  const masked = maskedParts(c.request);
  if (masked.length > 0) {
    return { send: false, write, why: `its ${masked.join(' and ')} held secrets masked when it was recorded: it cannot be sent as it was` };
  }
  const body = bodyOf(c);
  if (typeof body === 'string') return { send: false, write, why: body };
  const headers: Record<string, string | string[]> = {};
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(c.request.headers)) {
    if (opts.headers[name] !== undefined) continue;
    const text = typeof value === 'string' ? value : value.join(', ');
    if (text.includes('[REDACTED')) dropped.push(name);
    else headers[name] = typeof value === 'string' ? value : [...value];
  }
  Object.assign(headers, opts.headers);
  return { send: true, write, dropped, request: { method: c.request.method, target: c.request.target, headers, body } };
}
