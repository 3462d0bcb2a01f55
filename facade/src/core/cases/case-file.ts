// The case file: one JSON document per case, written with a fixed key order (envelope fields in the
// order below, everything inside bodies, headers and values sorted), two-space indented, numbers too
// long for a double written as their literal, so a re-export of the same case is byte-identical and
// a changed answer shows as a small diff in git. Reading validates every field and names the bad one.
import { z } from 'zod';
import { canonicalize } from '../compare/canonical';
import { parseJson } from '../compare/exact-number';
import { FIELD_CLASSES, VERDICTS } from '../comparison/outcome';
import { CASE_FORMAT, type CaseBody, type RecordedCase } from './case';

/** A case file that cannot be read: `problems` lists each as `<field>: <why>`. */
export class CaseFileError extends Error {
  readonly code = 'CASE_FILE_INVALID';
  constructor(readonly source: string, readonly problems: readonly string[]) {
    super(`${source}: not a valid case file (${problems.join('; ')})`);
    this.name = 'CaseFileError';
  }
}

const side = z.enum(['monolith', 'service']);
const headers = z.record(z.string().regex(/^[!#$%&'*+\-.^_`|~0-9a-z]+$/, 'must be a lower-case header name'), z.union([z.string(), z.array(z.string())]));
const present = (v: unknown): boolean => v !== undefined;
const body = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('empty') }),
  z.strictObject({ kind: z.literal('json'), json: z.unknown().refine(present, 'required') }),
  z.strictObject({ kind: z.literal('text'), text: z.string() }),
  z.strictObject({ kind: z.literal('binary'), bytes: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 in hex') }),
  z.strictObject({ kind: z.literal('omitted'), bytes: z.number().int().min(0).nullable(), why: z.string() }),
]);
const field = z.strictObject({
  field: z.string().min(1), class: z.enum(FIELD_CLASSES), why: z.string(), path: z.string().min(1), kind: z.string(),
  monolith: z.unknown().optional(), service: z.unknown().optional(),
});
const schema = z.strictObject({
  format: z.literal(CASE_FORMAT),
  id: z.string().regex(/^[0-9a-f]{12}$/, 'must be 12 hex digits'),
  route: z.string().regex(/^[a-z0-9][a-z0-9-_]*$/, 'must be a route name'),
  endpoint: z.string().regex(/^[A-Z]+ \//, 'must be "METHOD /path"'),
  kind: z.enum(['read', 'write']),
  recordedAt: z.iso.datetime({ offset: true }),
  stage: z.string().min(1),
  source: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('comparison'), requestId: z.string() }),
    z.strictObject({ kind: z.literal('divergence'), divergence: z.number().int().min(1), reason: z.string(), requestId: z.string().nullable() }),
  ]),
  request: z.strictObject({
    method: z.string().regex(/^[A-Z]+$/, 'must be an upper-case HTTP method'),
    target: z.string().regex(/^\//, 'must start with "/"'),
    headers, body,
  }),
  answer: z.strictObject({ side, status: z.number().int().min(100).max(599), headers, body }),
  comparison: z.strictObject({
    verdict: z.enum(VERDICTS), primary: side, reasked: z.boolean(), selfFields: z.array(z.string()), fields: z.array(field),
  }).nullable(),
});

function orderedBody(b: CaseBody): unknown {
  switch (b.kind) {
    case 'empty': return { kind: b.kind };
    case 'json': return { kind: b.kind, json: canonicalize(b.json) };
    case 'text': return { kind: b.kind, text: b.text };
    case 'binary': return { kind: b.kind, bytes: b.bytes, sha256: b.sha256 };
    case 'omitted': return { kind: b.kind, bytes: b.bytes, why: b.why };
  }
}

const sorted = (h: Readonly<Record<string, unknown>>): unknown => canonicalize(h);

/** The envelope in its fixed order (see the module header). */
function ordered(c: RecordedCase): unknown {
  const source = c.source.kind === 'comparison'
    ? { kind: c.source.kind, requestId: c.source.requestId }
    : { kind: c.source.kind, divergence: c.source.divergence, reason: c.source.reason, requestId: c.source.requestId };
  const comparison = c.comparison === null ? null : {
    verdict: c.comparison.verdict, primary: c.comparison.primary, reasked: c.comparison.reasked, selfFields: [...c.comparison.selfFields],
    fields: c.comparison.fields.map((f) => ({
      field: f.field, class: f.class, why: f.why, path: f.path, kind: f.kind,
      ...(f.monolith !== undefined ? { monolith: canonicalize(f.monolith) } : {}),
      ...(f.service !== undefined ? { service: canonicalize(f.service) } : {}),
    })),
  };
  return {
    format: c.format, id: c.id, route: c.route, endpoint: c.endpoint, kind: c.kind, recordedAt: c.recordedAt, stage: c.stage, source,
    request: { method: c.request.method, target: c.request.target, headers: sorted(c.request.headers), body: orderedBody(c.request.body) },
    answer: { side: c.answer.side, status: c.answer.status, headers: sorted(c.answer.headers), body: orderedBody(c.answer.body) },
    comparison,
  };
}

// An exact number (a literal a double cannot hold, kept as marked text) is written as its literal.
const EXACT_IN_JSON = /"\\u0000num:([-+0-9.eE]+)"/g;

/** The case as file text (stable: see the module header), ending with a newline. */
export function serializeCase(c: RecordedCase): string {
  return `${JSON.stringify(ordered(c), null, 2).replace(EXACT_IN_JSON, '$1')}\n`;
}

/** Reads a case file's text; `source` names it in errors. @throws CaseFileError naming each bad field. */
export function parseCase(text: string, source: string): RecordedCase {
  let json: unknown;
  try {
    json = parseJson(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new CaseFileError(source, [`(file): not JSON: ${(err as Error).message}`]);
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    throw new CaseFileError(source, result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`));
  }
  return result.data as RecordedCase;
}
