// How a corpus endpoint is written: its ground truth next to the handler that makes it true.
// `fixture()` fills in what follows from the truth (category, write, sample paths); the reply
// helpers build answers the way small real servers do (content-length, content-type).
import type { IncomingHttpHeaders } from 'node:http';
import { corpusUuid } from './data';
import type { SideState } from './side';
import type { Category, CorpusEndpoint, CorpusMethod } from './types';

/** What a handler gets: the template's `:id` values in order, the query, headers and parsed JSON body. */
export interface CorpusRequest {
  readonly params: readonly string[];
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body: Buffer;
}

/** A corpus endpoint with the handler each side runs for it. */
export interface CorpusFixture extends CorpusEndpoint {
  handle(side: SideState, req: CorpusRequest): Reply;
}

type Extra = { readonly status?: number; readonly headers?: Readonly<Record<string, string | readonly string[]>> };

export function raw(body: Buffer | string, contentType: string | null, extra: Extra = {}): Reply {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const headers: Record<string, string | readonly string[]> = { ...(contentType === null ? {} : { 'content-type': contentType }), ...extra.headers };
  return { status: extra.status ?? 200, headers: { ...headers, 'content-length': String(bytes.length) }, body: bytes };
}

export const json = (value: unknown, extra: Extra = {}): Reply => raw(JSON.stringify(value), 'application/json; charset=utf-8', extra);
export const text = (body: string, extra: Extra = {}): Reply => raw(body, 'text/plain; charset=utf-8', extra);
export const html = (body: string, extra: Extra = {}): Reply => raw(body, 'text/html; charset=utf-8', extra);
export const empty = (status: number, headers: Extra['headers'] = {}): Reply => ({ status, headers, body: Buffer.alloc(0) });

/** Category from the truth: real + (noise or generated) is mixed; noise wins over generated. */
export function categoryOf(real: readonly string[], noise: readonly string[], generated: readonly string[]): Category {
  if (real.length > 0) return noise.length + generated.length > 0 ? 'mixed' : 'real';
  if (noise.length > 0) return 'noise';
  return generated.length > 0 ? 'generated' : 'identical';
}

/** The numeric id of the i-th sample: 10 distinct ids, 101..110. */
export const sampleId = (i: number): number => 101 + (i % 10);

export interface FixtureSpec {
  readonly method?: CorpusMethod;
  readonly template: string;
  /** How `:id` segments are filled: numeric (default) or uuid. */
  readonly ids?: 'numeric' | 'uuid';
  /** Query string of the i-th request, without `?`. */
  readonly query?: (i: number) => string;
  readonly body?: (i: number) => unknown;
  readonly requestHeaders?: (i: number) => Readonly<Record<string, string>>;
  readonly kind: string;
  readonly real?: readonly string[];
  readonly noise?: readonly string[];
  readonly generated?: readonly string[];
  readonly note?: string;
  readonly exactNumbers?: boolean;
  readonly rewritten?: boolean;
  readonly repeats?: boolean;
  readonly partial?: boolean;
  readonly changes?: boolean;
  readonly handle: CorpusFixture['handle'];
}

/** Builds a fixture: GET by default, writes are POST/PUT, sample paths cycle over 10 ids. */
export function fixture(spec: FixtureSpec): CorpusFixture {
  const method = spec.method ?? 'GET';
  const real = spec.real ?? [];
  const noise = spec.noise ?? [];
  const generated = spec.generated ?? [];
  const fill = (i: number): string => (spec.ids === 'uuid' ? corpusUuid(sampleId(i)) : String(sampleId(i)));
  return Object.freeze({
    method, template: spec.template, kind: spec.kind,
    samplePaths: (i: number) => spec.template.replace(/:id/g, () => fill(i)) + (spec.query ? `?${spec.query(i)}` : ''),
    ...(spec.body ? { body: spec.body } : {}),
    ...(spec.requestHeaders ? { requestHeaders: spec.requestHeaders } : {}),
    category: categoryOf(real, noise, generated),
    realFields: Object.freeze([...real]), noiseFields: Object.freeze([...noise]), generatedFields: Object.freeze([...generated]),
    write: method === 'POST' || method === 'PUT',
    ...(spec.note ? { note: spec.note } : {}),
    ...(spec.exactNumbers ? { exactNumbers: true } : {}),
    ...(spec.rewritten ? { rewritten: true } : {}),
    ...(spec.repeats ? { repeats: true } : {}),
    ...(spec.partial ? { partial: true } : {}),
    ...(spec.changes ? { changes: true } : {}),
    handle: spec.handle,
  });
}

/** The numeric value of the n-th `:id` (NaN for a uuid). */
export const idParam = (req: CorpusRequest, n = 0): number => Number(req.params[n]);
