// Noise the eleventh corpus found reported as real (payment, cloud, search, LLM, ops APIs, binary
// JSON), each beside a difference of the same shape that must stay one.
import { compileRules } from '../../../src/core/compare';
import type { Observation } from '../../../src/core/compare/types';
import { diffBodies } from '../../../src/core/compare/body';
import { differingWords } from '../../../src/core/compare/tokens';
import { evaluate, generatedFact, instanceFact, selfDifferingFields, type ClassifyRules } from '../../../src/core/comparison';
import { encode as cborEncode } from 'cbor';
import { encode as msgpackEncode } from '@msgpack/msgpack';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const nowHex = (offsetS = 0): string => Math.floor(NOW / 1000 + offsetS).toString(16);

describe('an ETag header is each side\'s validator', () => {
  const obs = (side: 'monolith' | 'service', etag: string | undefined, body = '{"rate":0.21}'): Observation => ({ ok: true, side, status: 200, ms: 1,
    headers: { 'content-type': 'application/json', ...(etag === undefined ? {} : { etag }) }, body: Buffer.from(body) });
  const rules = compileRules({ headers: ['content-type', 'etag'], cookies: [], ignore: [], normalizers: [], redact: [] });
  const etagFact = (a: string | undefined, b: string | undefined) => evaluate(obs('monolith', a), obs('service', b), rules, false, false, NOW).facts.map((f) => [f.path, f.generated?.kind ?? null]);

  it('two well-formed tags of the same bytes (nginx\'s mtime-length, a hash of each side\'s own JSON) are generated', () => {
    expect(etagFact('"6571a2b3-14"', '"6571f0c1-14"')).toEqual([['headers.etag', 'token']]);
    expect(etagFact('W/"14-Yq2Jx3kQ9"', 'W/"14-a8Bv0pLm1"')).toEqual([['headers.etag', 'token']]);
    expect(etagFact('W/"14-Yq2Jx3kQ9"', '"6b16c69d-14"')).toEqual([['headers.etag', 'token']]); // strong for weak: still a validator
  });

  it('a tag the service lost, broke or weakened (a download that can no longer resume) is a difference', () => {
    expect(etagFact('"6571a2b3-14"', undefined)).toEqual([['headers.etag', null]]);
    expect(etagFact('"6571a2b3-14"', '6571f0c1-14')).toEqual([['headers.etag', null]]); // quotes lost
    expect(etagFact('"6571a2b3-14"', 'W/"6571f0c1-14"')).toEqual([['headers.etag', null]]);
  });

  it('an etag inside a body (an S3 listing\'s md5) is data', () => {
    const body = (tag: string): string => JSON.stringify({ key: 'a.txt', etag: tag });
    const { facts } = evaluate(obs('monolith', undefined, body('"9e107d9d372bb6826bd81d3542a419d6"')), obs('service', undefined, body('"e4d909c290d0fb1ca068ffaddf22cbd0"')), rules, false, false, NOW);
    expect(facts.map((f) => [f.path, f.generated?.kind ?? null])).toEqual([['$.etag', null]]);
  });
});

describe('epoch seconds in hex', () => {
  it('an X-Ray trace id\'s time is a time when it is within a day of the comparison; another id part is a difference', () => {
    const trace = (t: string, id: string): string => `Root=1-${t}-${id};Parent=53995c3f42cd8ad8;Sampled=1`;
    expect(differingWords(trace(nowHex(), 'a1b2c3d4e5f6a7b8c9d0e1f2'), trace(nowHex(1), 'a1b2c3d4e5f6a7b8c9d0e1f2'), NOW)).toEqual([]);
    expect(differingWords(trace(nowHex(), 'a1b2c3d4e5f6a7b8c9d0e1f2'), trace(nowHex(), 'ffffffffffffffffffffffff'), NOW)).not.toEqual([]);
    expect(generatedFact(nowHex(), nowHex(2), NOW)).toEqual({ kind: 'timestamp', deltaMs: 2000 });
  });

  it('8 hex digits far from now (a short commit hash), all digits (an order number) or in mixed case are not times', () => {
    expect(differingWords('built from 5a3f2c1d', 'built from 6e0b9a7c', NOW)).not.toEqual([]);
    expect(generatedFact('5a3f2c1d', '6e0b9a7c', NOW)).toBeNull();
    expect(generatedFact('60123456', '60123457', NOW)).toBeNull();
    expect(generatedFact(nowHex(), nowHex(1).toUpperCase(), NOW)).toBeNull();
  });
});

describe('names of the process\'s own', () => {
  it('uptime in any unit or form is the process\'s; an uptime percentage is a monitor\'s data', () => {
    expect(instanceFact('$.uptime_current_epoch', '781324s', '1244s')).toEqual({ kind: 'instance', deltaMs: null });
    expect(instanceFact('$.uptime_all_epochs', '781324s', '1244s')).toEqual({ kind: 'instance', deltaMs: null });
    expect(instanceFact('$.uptime_in_seconds', 781324, 1244)).toEqual({ kind: 'instance', deltaMs: null });
    expect(instanceFact('$.monitors[0].uptime_percent', 99.95, 97.1)).toBeNull();
    expect(instanceFact('$.uptime_sla', '99.9', '99.5')).toBeNull();
  });

  it('a release named by its commit (Sentry\'s project@sha) is the build\'s; a version or another project is not', () => {
    expect(instanceFact('$.sentry.release', 'shop-web@e63ab82d7729', 'shop-web@1b7f5c0a9e21')).toEqual({ kind: 'instance', deltaMs: null });
    expect(instanceFact('$.release', 'e63ab82d7729', '1b7f5c0a9e21')).toEqual({ kind: 'instance', deltaMs: null });
    expect(instanceFact('$.sentry.release', 'shop-web@2.14.1', 'shop-web@2.14.2')).toBeNull();
    expect(instanceFact('$.sentry.release', 'shop-web@e63ab82d7729', 'admin@1b7f5c0a9e21')).toBeNull();
  });

  it('a commit in a link\'s release or build parameter is set aside as a word; a version there is a word', () => {
    const csp = (r: string): string => `default-src 'self'; report-uri https://o1.ingest.sentry.io/api/2/security/?sentry_key=abc&sentry_release=${r}`;
    expect(differingWords(csp('e63ab82d7729'), csp('1b7f5c0a9e21'), NOW)).toEqual([]);
    expect(differingWords(csp('2.14.1'), csp('2.14.2'), NOW)).not.toEqual([]);
  });
});

describe('an array\'s count where the primary\'s members only jitter', () => {
  const rules: ClassifyRules = { ignore: [], generated: { toleranceMs: 60_000, kinds: new Set(['timestamp', 'instance']), exactFields: [] } };
  const compiled = compileRules({ headers: [], cookies: [], ignore: [], normalizers: [], redact: [] });
  const answer = (embedding: number[]): Observation => ({ ok: true, side: 'monolith', status: 200, ms: 1, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ data: [{ embedding }] })) });
  const selfDiffering = (first: Observation, shadow: Observation, again: Observation): string[] => {
    const against = evaluate(first, shadow, compiled, false).facts;
    return selfDifferingFields(evaluate(first, again, compiled, false).facts, against, rules, new Set(against.map((f) => f.field)));
  };
  const vec = (n: number, jitter: number): number[] => Array.from({ length: n }, (_, i) => Number((0.1 * (i + 1) + jitter).toFixed(9)));

  it('a shadow with fewer dimensions is a difference the primary repeats (its floats only moved in their last digits)', () => {
    expect(selfDiffering(answer(vec(16, 0)), answer(vec(12, 0.0000001)), answer(vec(16, 0.000000002)))).toEqual([]);
  });

  it('members the primary really changes (a random sample) stay its own variation, count or not', () => {
    expect(selfDiffering(answer(vec(16, 0)), answer(vec(12, 0)), answer(vec(16, 0.5)))).toEqual(['$.data[*].embedding[*]']);
  });
});

describe('CBOR and MessagePack bodies', () => {
  const none = compileRules({ headers: [], cookies: [], ignore: [], normalizers: [], redact: [] }).normalizers;
  const record = (price: number, at: Date): Record<string, unknown> => ({ sku: 'A-1', price, stock: 4, tags: ['new'], at, raw: Buffer.from([1, 2, 3]) });

  it('are compared as the value they carry: a changed price is its path, a time its field', () => {
    for (const [type, encode] of [['application/cbor', (v: unknown) => cborEncode(v)], ['application/msgpack', (v: unknown) => Buffer.from(msgpackEncode(v))]] as const) {
      const a = encode(record(10, new Date('2026-12-07T12:00:00Z')));
      const b = encode(record(12, new Date('2026-12-07T12:00:01Z')));
      expect([type, diffBodies({ primary: a, shadow: b, primaryType: type, shadowType: type }, none).map((d) => [d.path, d.primary, d.shadow])]).toEqual([type, [
        ['$.price', 10, 12], ['$.at', '2026-12-07T12:00:00.000Z', '2026-12-07T12:00:01.000Z'],
      ]]);
    }
  });

  it('bytes that are not exactly one value (two values, truncated, nested past 64 levels) stay hashed', () => {
    const deep = Buffer.concat([Buffer.alloc(100, 0x81), Buffer.from([0x01])]);
    for (const body of [Buffer.concat([cborEncode(1), cborEncode(2)]), cborEncode({ a: 'x'.repeat(50) }).subarray(0, 20), deep]) {
      const other = Buffer.concat([body, Buffer.from([0])]);
      expect(diffBodies({ primary: body, shadow: other, primaryType: 'application/cbor', shadowType: 'application/cbor' }, none).map((d) => d.path)).toEqual(['body#sha256']);
    }
  });

  it('a `__proto__` key is a key like any other', () => {
    const map = (v: number): Buffer => cborEncode(new Map<string, unknown>([['__proto__', { admin: v }], ['a', 1]]));
    expect(diffBodies({ primary: map(1), shadow: map(2), primaryType: 'application/cbor', shadowType: 'application/cbor' }, none).map((d) => d.path)).toEqual(['$.__proto__.admin']);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});
