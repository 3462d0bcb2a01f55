import { generatedFact, withinPolicy, type GeneratedPolicy } from '../../../src/core/comparison';

const jwt = (claims: object, alg = 'HS256'): string =>
  `${Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig${Math.random().toString(36).slice(2)}`;
const policy: GeneratedPolicy = { toleranceMs: 60_000, kinds: new Set(['timestamp', 'jwt', 'uuid', 'ulid', 'objectid']), exactFields: [] };

describe('generated values', () => {
  it('two ISO timestamps of the same format a few seconds apart are a generated timestamp with their distance', () => {
    expect(generatedFact('2026-12-05T10:00:00.120Z', '2026-12-05T10:00:02.500Z')).toEqual({ kind: 'timestamp', deltaMs: 2380 });
  });

  it('an ISO timestamp against an epoch number is a real difference of format, not a generated value', () => {
    expect(generatedFact('2026-12-05T10:00:00Z', 1796464800)).toBeNull();
  });

  it('epoch seconds and milliseconds are timestamps only between 2000 and 2100, so counts and prices are not', () => {
    expect(generatedFact(1796464800, 1796464805)).toEqual({ kind: 'timestamp', deltaMs: 5000 });
    expect(generatedFact(12, 13)).toBeNull();
  });

  it('a date a day off is outside the default tolerance', () => {
    const fact = generatedFact('2026-12-05', '2026-12-06');
    expect(fact).toEqual({ kind: 'timestamp', deltaMs: 86_400_000 });
    expect(withinPolicy(fact, '$.date', policy)).toBe(false);
  });

  it('JWTs with the same claims and their own iat/exp/jti are generated; a different subject is not', () => {
    const a = jwt({ sub: 'u1', role: 'admin', iat: 1796464800, exp: 1796468400, jti: 'x' });
    const b = jwt({ sub: 'u1', role: 'admin', iat: 1796464801, exp: 1796468401, jti: 'y' });
    expect(generatedFact(a, b)).toEqual({ kind: 'jwt', deltaMs: 1000 });
    expect(generatedFact(a, jwt({ sub: 'u2', role: 'admin', iat: 1796464800, exp: 1796468400 }))).toBeNull();
  });

  it('uuids of the same version are generated; of different versions they are not', () => {
    expect(generatedFact('6f1c3f7e-8a4b-4c1d-9e2f-0a1b2c3d4e5f', '0b6e2d8a-1c3f-4a5b-8c7d-9e0f1a2b3c4d')).toEqual({ kind: 'uuid', deltaMs: null });
    expect(generatedFact('6f1c3f7e-8a4b-4c1d-9e2f-0a1b2c3d4e5f', '0b6e2d8a-1c3f-1a5b-8c7d-9e0f1a2b3c4d')).toBeNull();
  });

  it('ids and times inside a longer string are generated when the text around them is the same', () => {
    const [u1, u2] = ['6f1c3f7e-8a4b-4c1d-9e2f-0a1b2c3d4e5f', '0b6e2d8a-1c3f-4a5b-8c7d-9e0f1a2b3c4d'];
    expect(generatedFact(`/customers/${u1}/invoices?page=1`, `/customers/${u2}/invoices?page=1`)).toEqual({ kind: 'uuid', deltaMs: null });
    expect(generatedFact('avatars/01HF8Z3K4M5N6P7Q8R9S0T1V2W.png', 'avatars/01HF8Z3K4M5N6P7Q8R9S0T1V3X.png')).toEqual({ kind: 'ulid', deltaMs: null });
    expect(generatedFact(`Account ${u1} opened at 2026-12-06T10:00:00Z`, `Account ${u2} opened at 2026-12-06T10:00:02Z`)).toEqual({ kind: 'uuid', deltaMs: 2000 });
  });

  it('a string that differs around its ids, or in a token that is no generated value, is not', () => {
    const [u1, u2] = ['6f1c3f7e-8a4b-4c1d-9e2f-0a1b2c3d4e5f', '0b6e2d8a-1c3f-4a5b-8c7d-9e0f1a2b3c4d'];
    expect(generatedFact(`/customers/${u1}/invoices`, `/customers/${u2}/orders`)).toBeNull();
    expect(generatedFact(`/customers/${u1}`, `/customers/${u2}/`)).toBeNull();
    expect(generatedFact('commit 0123456789abcdef0123456789abcdef01234567', 'commit 0123456789abcdef0123456789abcdef01234568')).toBeNull(); // a hash, not an ObjectId
    expect(generatedFact(`/customers/${u1}`, '/customers/0b6e2d8a-1c3f-1a5b-8c7d-9e0f1a2b3c4d')).toBeNull(); // another uuid version
  });

  it('a kind switched off, or a field marked exact, is compared for equality', () => {
    const fact = generatedFact('2026-12-05T10:00:00Z', '2026-12-05T10:00:01Z');
    expect(withinPolicy(fact, '$.at', { ...policy, kinds: new Set(['uuid']) })).toBe(false);
    expect(withinPolicy(fact, '$.at', { ...policy, exactFields: [{ covers: (p: string) => p === '$.at' }] })).toBe(false);
    expect(withinPolicy(fact, '$.at', policy)).toBe(true);
  });
});
