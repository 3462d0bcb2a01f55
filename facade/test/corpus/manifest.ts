// The corpus's ground truth in one list: every endpoint of the fixture pair with its category
// and its real / noise / generated fields, checked once at load (unique endpoints, sample paths
// that fit their template, a category that agrees with the field lists).
import { categoryOf, type CorpusFixture } from './fixture';
import { GENERATED } from './endpoints/generated';
import { IDENTICAL } from './endpoints/identical';
import { MIXED } from './endpoints/mixed';
import { NOISE } from './endpoints/noise';
import { REAL } from './endpoints/real';
import { SERIALIZERS } from './endpoints/serializers';
import { WILD } from './endpoints/wild';
import { SIGNED } from './endpoints/signed';
import { FORMATS } from './endpoints/formats';
import { WRITES } from './endpoints/writes';
import type { Category, CorpusEndpoint } from './types';

/** Every path starts with this; one facade route (`/corpus/**`) covers the whole corpus. */
export const CORPUS_PREFIX = '/corpus';

/**
 * The compare settings the truth assumes: the facade's default headers, and Set-Cookie compared
 * for every cookie (without it, `cookies.*` fields are simply never produced). No ignore rules,
 * no normalizers.
 */
export const CORPUS_COMPARE = Object.freeze({
  headers: Object.freeze(['content-type', 'location', 'cache-control', 'etag', 'last-modified', 'content-disposition']),
  cookies: Object.freeze(['*']),
});

/** `GET /corpus/noise/clock/:id`: how findings and reports name an endpoint. */
export const endpointKey = (e: Pick<CorpusEndpoint, 'method' | 'template'>): string => `${e.method} ${e.template}`;

const NUMERIC = /^\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Problems with the truth of a list of endpoints (empty when sound). */
export function manifestProblems(endpoints: readonly CorpusEndpoint[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const e of endpoints) {
    const key = endpointKey(e);
    if (seen.has(key)) problems.push(`${key}: listed twice`);
    seen.add(key);
    if (!e.template.startsWith(`${CORPUS_PREFIX}/`)) problems.push(`${key}: template outside ${CORPUS_PREFIX}/`);
    if (e.category !== categoryOf(e.realFields, e.noiseFields, e.generatedFields)) problems.push(`${key}: category ${e.category} disagrees with its fields`);
    const fields = [...e.realFields, ...e.noiseFields, ...e.generatedFields];
    if (new Set(fields).size !== fields.length) problems.push(`${key}: a field is listed in two classes`);
    if (e.write !== (e.method === 'POST' || e.method === 'PUT') || e.write !== (e.body !== undefined)) problems.push(`${key}: write flag, method and body disagree`);
    const template = e.template.split('/');
    const distinct = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const path = e.samplePaths(i).split('?')[0]!;
      distinct.add(path);
      const segments = path.split('/');
      const fits = segments.length === template.length
        && template.every((t, k) => (t === ':id' ? NUMERIC.test(segments[k]!) || UUID.test(segments[k]!) : t === segments[k]));
      if (!fits) problems.push(`${key}: sample path ${path} does not fit the template`);
    }
    if (e.template.includes(':id') && distinct.size < 10) problems.push(`${key}: fewer than 10 distinct sample paths`);
  }
  return problems;
}

/** The fixtures (truth + handler) of the corpus, in a fixed order. */
export const CORPUS_FIXTURES: readonly CorpusFixture[] = Object.freeze([...IDENTICAL, ...NOISE, ...GENERATED, ...REAL, ...MIXED, ...WRITES, ...SERIALIZERS, ...WILD, ...FORMATS, ...SIGNED]);

const problems = manifestProblems(CORPUS_FIXTURES);
if (problems.length > 0) throw new Error(`corpus manifest is inconsistent:\n  ${problems.join('\n  ')}`);

/** The ground truth: every endpoint of the corpus (fixtures without their handlers). */
export const CORPUS: readonly CorpusEndpoint[] = Object.freeze(
  CORPUS_FIXTURES.map(({ handle: _handle, ...truth }) => Object.freeze(truth)),
);

/** Endpoints of one category. */
export const corpusOf = (category: Category, endpoints: readonly CorpusEndpoint[] = CORPUS): CorpusEndpoint[] =>
  endpoints.filter((e) => e.category === category);
