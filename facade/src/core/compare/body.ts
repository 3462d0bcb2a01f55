// Body comparison by content type: JSON structurally (after normalizers), HTML and XML by their
// tags and text as a parser reads them (markup-lines.ts), CSV and TSV by rows in any order
// (row-diff.ts), other text/* by lines,
// multipart answers whose parts are all text by lines (the boundary set aside), anything else by
// sha256. Bodies arrive decoded; identical bytes short-cut everything, so the
// common "same answer" case costs one Buffer.equals.
import { binaryJsonOf, decodeBinaryJson } from './binary-json';
import { pktLines } from './pkt-lines';
import { mediaTypeOf } from '../media-type';
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { parseJson } from './exact-number';
import { diffJson } from './json-diff';
import { normalize, type CompiledNormalizers } from './normalize';
import { markupLines, markupOf, type Markup } from './markup-lines';
import { markupField, markupLineNames } from './markup-names';
import { areRowMedia, diffRows } from './row-diff';
import { diffText } from './text-diff';
import type { Difference } from './types';

/** Hash of a body, as hex; injectable so callers can reuse a hash computed while capturing. */
export type BodyHash = (body: Buffer) => string;

/** sha256 of the body in hex (node:crypto is pure computation, no I/O). */
export const sha256: BodyHash = (body) => createHash('sha256').update(body).digest('hex');

/**
 * The body as a Buffer without copying: a Buffer sent to a worker thread arrives as a plain
 * Uint8Array (structured clone), which lacks `equals` and `toString('utf8')`.
 */
export function asBuffer(body: Uint8Array): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** How a body is compared, from its media type. */
export type MediaKind = 'json' | 'text' | 'binary';

/** Types a JSONP answer is served as. */
const SCRIPT_TYPES = new Set(['application/javascript', 'application/x-javascript', 'text/javascript', 'application/ecmascript', 'text/ecmascript']);

/** Application types that are text though not under `text/`: line-compared, not hashed. */
const TEXT_APPLICATION = new Set([
  ...[...SCRIPT_TYPES].filter((t) => t.startsWith('application/')), 'application/x-www-form-urlencoded',
  'application/yaml', 'application/x-yaml', 'application/toml', 'application/graphql', 'application/sql', 'application/csv',
  'application/x-sh', 'application/x-httpd-php', 'application/rtf',
]);

/**
 * `application/json` and `*\/*+json` are JSON; `text/*`, XML, YAML, JavaScript, form-encoded and
 * the like are text, and so is any type that declares a charset (only text has one); everything
 * else (or no content type) is compared by hash.
 */
export function mediaKind(contentType: string | undefined): MediaKind {
  const type = mediaTypeOf(contentType);
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  if (type.startsWith('text/') || type.endsWith('+xml') || type === 'application/xml' || type.endsWith('+yaml')) return 'text';
  if (TEXT_APPLICATION.has(type) || declaresCharset(contentType)) return 'text';
  return 'binary';
}

/** A `charset` parameter other than `binary` (RFC 9110 §8.3.2: a parameter of text types). */
function declaresCharset(contentType: string | undefined): boolean {
  const m = contentType === undefined ? null : /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType);
  return m !== null && m[1]!.toLowerCase() !== 'binary';
}

/**
 * JSONP (`callback({...});`, with the `/**\/` prefix some frameworks add): the call's argument is
 * the document, compared as JSON under the callback's name, so key order and spacing inside it are
 * not differences. Null when the text is not one such call of JSON.
 */
function jsonpOf(text: string): unknown {
  const m = /^\s*(?:\/\*\*\/\s*)?(?:typeof\s+[\w$.]+\s*===?\s*['"]function['"]\s*&&\s*)?([A-Za-z_$][\w$.]*)\s*\(([\s\S]*)\)\s*;?\s*$/.exec(text);
  if (!m || !LOOKS_LIKE_JSON.test(m[2]!)) return null;
  try {
    return { [m[1]!]: parseJson(m[2]!) };
  } catch {
    return null;
  }
}

/**
 * A JSON-RPC 2.0 batch's answers (an array of `{"jsonrpc": "2.0", "id": …}`) in the order of their
 * ids: a server may answer a batch's calls in any order and the client matches them by id
 * (JSON-RPC 2.0 §6). Any other value as it is.
 */
function inIdOrder(value: unknown): unknown {
  if (!Array.isArray(value) || value.length < 2) return value;
  const ids: string[] = [];
  for (const m of value) {
    if (m === null || typeof m !== 'object' || Array.isArray(m)) return value;
    const call = m as Record<string, unknown>;
    if (call.jsonrpc !== '2.0' || !('id' in call)) return value;
    ids.push(JSON.stringify(call.id));
  }
  if (new Set(ids).size !== ids.length) return value; // ids said twice: the order is what tells them apart
  return value.map((m, i) => [ids[i]!, m] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, m]) => m);
}

/** Newline-delimited JSON, one value per line (ndjson.org, JSON Lines). */
const JSON_LINES = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines', 'application/json-lines']);

/** The lines of an NDJSON body as an array of their values (blank lines skipped); null when a line is not JSON. */
function jsonLines(text: string): unknown[] | null {
  const out: unknown[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try { out.push(parseJson(line)); } catch { return null; }
  }
  return out;
}

/** A JSON body as a document (a BOM allowed), for looking up values in it; undefined when it is not one or is over 1 MB. */
export function jsonDocument(body: Uint8Array | null | undefined): unknown {
  if (!body || body.length === 0 || body.length > 1_048_576) return undefined;
  try { return JSON.parse(asBuffer(body).toString('utf8').replace(/^\uFEFF/, '')); } catch { return undefined; }
}

/** A body read for comparison; `invalid-json` and `empty` are compared as text. */
export type ReadBody =
  | { readonly kind: 'json'; readonly value: unknown }
  | { readonly kind: 'text' | 'invalid-json' | 'empty'; readonly text: string }
  | { readonly kind: 'binary' };

/** Text that starts like a JSON object or array (after a BOM and whitespace). */
const LOOKS_LIKE_JSON = /^\s*[[{]/;

/**
 * Reads a decoded body for comparison. JSON is parsed whatever the content type says (a body that
 * parses is compared structurally; a content-type difference is its own header finding); a UTF-8
 * BOM is dropped; parse errors are not thrown. Binary media types are read as text only when the
 * bytes look like JSON.
 */
export function readBody(body: Uint8Array, contentType: string | undefined): ReadBody {
  const media = mediaKind(contentType);
  const buf = asBuffer(body);
  if (media === 'binary') {
    const parts = multipartText(buf, contentType) ?? gitPktText(buf, contentType);
    if (parts !== null) return { kind: 'text', text: parts };
    // CBOR and MessagePack carry JSON's data model: compared as the value they encode.
    const encoding = binaryJsonOf(mediaTypeOf(contentType));
    const decodedValue = encoding === null ? null : decodeBinaryJson(buf, encoding);
    if (decodedValue !== null) return { kind: 'json', value: decodedValue.value };
  }
  if (media === 'binary' && !LOOKS_LIKE_JSON.test(buf.subarray(0, 64).toString('latin1').replace(/^\u00ef\u00bb\u00bf/, ''))) return { kind: 'binary' };
  const text = buf.toString('utf8').replace(/^\uFEFF/, '');
  if (JSON_LINES.has(mediaTypeOf(contentType))) {
    // A finite export (streams reach no body comparison): line n is `$[n]`, so a changed record is named by its line.
    const lines = jsonLines(text);
    if (lines !== null) return { kind: 'json', value: lines };
  }
  if (media !== 'json' && !LOOKS_LIKE_JSON.test(text)) {
    const jsonp = media === 'text' && SCRIPT_TYPES.has(mediaTypeOf(contentType)) ? jsonpOf(text) : null;
    return jsonp === null ? { kind: 'text', text } : { kind: 'json', value: jsonp };
  }
  if (text.trim() === '') return { kind: 'empty', text };
  try {
    return { kind: 'json', value: inIdOrder(parseJson(text)) };
  } catch {
    return media === 'json' ? { kind: 'invalid-json', text } : media === 'binary' ? { kind: 'binary' } : { kind: 'text', text };
  }
}

/**
 * A multipart answer (an OData or Google `$batch`, a `206` of several ranges, GraphQL's incremental
 * delivery) whose parts are all text, as text with its boundary written `--BOUNDARY`: the boundary
 * is drawn afresh for every answer (RFC 2046 §5.1.1), the parts are what the client reads. Null for
 * any other body, or one with a binary part (compared by hash).
 */
function multipartText(buf: Buffer, contentType: string | undefined): string | null {
  if (contentType === undefined || !mediaTypeOf(contentType).startsWith('multipart/')) return null;
  const m = /;\s*boundary\s*=\s*(?:"([^"]{1,200})"|([^;\s]{1,200}))/i.exec(contentType);
  if (!m || buf.includes(0) || !isUtf8(buf)) return null;
  return buf.toString('utf8').split(`--${m[1] ?? m[2]!}`).join('--BOUNDARY');
}

/**
 * Git's smart-HTTP answers (`application/x-git-upload-pack-advertisement`, `…-receive-pack-result`,
 * a protocol v2 `ls-refs` in `…-upload-pack-result`) as their pkt-lines (pkt-lines.ts), one per
 * text line: compared by hash, a ref one repository lacks was only `body#sha256`; as lines, the ref
 * is named. Null for any other body, or one that carries a pack: compared by hash as before.
 */
function gitPktText(buf: Buffer, contentType: string | undefined): string | null {
  if (!mediaTypeOf(contentType).startsWith('application/x-git-') || buf.length > 4 * 1024 * 1024) return null;
  const lines = pktLines(buf);
  return lines === null || lines.length === 0 ? null : lines.join('\n');
}

/** Inputs of one body comparison. */
export interface BodyPair {
  readonly primary: Buffer;
  readonly shadow: Buffer;
  readonly primaryType: string | undefined;
  readonly shadowType: string | undefined;
}

function byHash(pair: BodyPair, hash: BodyHash): Difference[] {
  const a = hash(pair.primary);
  const b = hash(pair.shadow);
  return a === b ? [] : [Object.freeze({ path: 'body#sha256', kind: 'changed', primary: a, shadow: b })];
}

/**
 * Two pages or XML documents by their canonical lines, each difference named by where its line
 * stands (markup-names.ts: the primary's line for a changed or removed one, the shadow's for an
 * added one), not by its number; an XML text line that changed is named by its element too.
 */
function diffMarkup(a: string, b: string, markup: Markup): Difference[] | null {
  const primary = markupLines(a, markup);
  const shadow = markupLines(b, markup);
  const lines = diffText(primary.join('\n'), shadow.join('\n'));
  if (lines === null || lines.length === 0) return lines;
  const at = (d: Difference): number => Number(d.path.slice(5, -1)) - 1;
  // Each side's page is walked only when a line of it is to be named (an added line is the shadow's).
  const named = (page: readonly string[], wanted: Set<number>) => (wanted.size === 0 ? [] : markupLineNames(page, markup, wanted));
  const primaryNames = named(primary, new Set(lines.filter((d) => d.kind !== 'added').map(at)));
  const shadowNames = named(shadow, new Set(lines.filter((d) => d.kind === 'added').map(at)));
  return lines.map((d) => {
    const i = at(d);
    const name = (d.kind === 'added' ? shadowNames : primaryNames)[i];
    const element = markup === 'xml' && d.kind === 'changed' ? elementOf(primary, i) : null;
    if (name === undefined) return element === null ? d : Object.freeze({ ...d, element });
    const line = d.kind === 'added' || d.kind === 'removed' ? { line: i + 1 } : {};
    return Object.freeze({ ...d, path: markupField(name), ...line, ...(element === null ? {} : { element }) });
  });
}

/** The local name of the element whose whole text is line `i` (`<{DAV:}sync-token>`, the text, `</{DAV:}sync-token>`); null for any other line. */
function elementOf(lines: readonly string[], i: number): string | null {
  const open = lines[i - 1];
  const text = lines[i];
  if (open === undefined || text === undefined || text.startsWith('<')) return null;
  const name = /^<((?:\{[^}]*\})?[^\s>/{]+)/.exec(open)?.[1]; // `{uri}local`: a namespace's URI has slashes of its own
  if (name === undefined || lines[i + 1] !== `</${name}>`) return null;
  return name.slice(name.lastIndexOf('}') + 1);
}

/**
 * Body differences: JSON paths (`$...`), text lines (`text[n]`), `body#sha256`, or one `body`
 * difference of kind `type` when exactly one side is JSON (values are the body kinds:
 * `json`, `invalid-json`, `text`, `empty`, `binary`).
 */
export function diffBodies(raw: BodyPair, normalizers: CompiledNormalizers, hash: BodyHash = sha256): Difference[] {
  const pair = { ...raw, primary: asBuffer(raw.primary), shadow: asBuffer(raw.shadow) };
  if (pair.primary.equals(pair.shadow)) return [];
  const a = readBody(pair.primary, pair.primaryType);
  const b = readBody(pair.shadow, pair.shadowType);
  if (a.kind === 'json' && b.kind === 'json') {
    try {
      return diffJson(normalize(a.value, normalizers), normalize(b.value, normalizers), normalizers);
    } catch (err) {
      // Nested deeper than the walk can go (thousands of levels: no real document): compared as bytes.
      if (err instanceof RangeError) return byHash(pair, hash);
      throw err;
    }
  }
  if (a.kind === 'json' || b.kind === 'json') {
    return [Object.freeze({ path: 'body', kind: 'type', primary: a.kind, shadow: b.kind })];
  }
  if (a.kind !== 'binary' && b.kind !== 'binary') {
    const markup = markupOf(mediaTypeOf(pair.primaryType));
    const lines = areRowMedia(pair.primaryType, pair.shadowType) ? diffRows(a.text, b.text) ?? diffText(a.text, b.text)
      : markup !== null && markup === markupOf(mediaTypeOf(pair.shadowType))
      ? diffMarkup(a.text, b.text, markup)
      : diffText(a.text, b.text);
    if (lines !== null) return lines;
  }
  return pdfDates(pair) ?? byHash(pair, hash);
}

// A PDF's date objects (`/CreationDate (D:20261207131740+00'00')`, `/ModDate`, rbpdf's and TCPDF's
// `/LastModified`): the time each side rendered the document, in bytes that are otherwise the same.
const PDF_DATE = /\/([A-Za-z]+)\s*\(D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|[+-]\d{2}'?\d{2}'?)?\)/g;

/** The date as ISO 8601 (`2026-12-07T13:17:40+00:00`), so it is judged as any time is. */
function pdfIso(m: RegExpExecArray): string {
  const zone = m[8] === undefined || m[8] === 'Z' ? 'Z' : `${m[8].slice(0, 3)}:${m[8].replace(/'/g, '').slice(3, 5)}`;
  return `${m[2]}-${m[3]}-${m[4]}T${m[5]}:${m[6]}:${m[7]}${zone}`;
}

/**
 * Two PDFs alike but for their date objects: one difference per differing date, named by its key
 * (`body#pdf/CreationDate`), with both dates in ISO form (a time each side stamped within the
 * tolerance is generated; a date far apart stays a difference). Null when anything else differs:
 * the bodies are then compared by hash, as before.
 */
function pdfDates(pair: BodyPair): Difference[] | null {
  if (mediaTypeOf(pair.primaryType) !== 'application/pdf' || mediaTypeOf(pair.shadowType) !== 'application/pdf') return null;
  if (pair.primary.length !== pair.shadow.length || pair.primary.length > 64 * 1024 * 1024) return null;
  const a = pair.primary.toString('latin1');
  const b = pair.shadow.toString('latin1');
  const mask = (t: string): string => t.replace(PDF_DATE, (all) => all.replace(/\d/g, '0'));
  if (mask(a) !== mask(b)) return null;
  const dates = (t: string): RegExpExecArray[] => [...t.matchAll(new RegExp(PDF_DATE.source, 'g'))];
  const x = dates(a);
  const y = dates(b);
  const out = new Map<string, Difference>();
  for (let i = 0; i < x.length && i < y.length; i++) {
    if (x[i]![0] === y[i]![0] || out.has(x[i]![1]!)) continue;
    out.set(x[i]![1]!, Object.freeze({ path: `body#pdf/${x[i]![1]!}`, kind: 'changed', primary: pdfIso(x[i]!), shadow: pdfIso(y[i]!) }));
  }
  return [...out.values()];
}
