// Rollout bucketing: deterministic, sticky per context key, in proportion, and independent of call order.
import { bucket, cookieContextKey, effectiveStage } from '../../src/core/rollout';
import { aState, sha1Hex } from '../helpers/builders';

const never = () => {
  throw new Error('sample() must not be called when there is a context key');
};
const keys = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);

describe('bucket', () => {
  it.each([
    ['000000000000000', 0],
    ['800000000000000', 50_000],
    ['fffffffffffffff', 99_999],
    ['199999999999999', 10_000],
  ])('scales the first 15 hex digits %s to bucket %i, as LaunchDarkly does', (hex, expected) => {
    expect(bucket('catalog', 'k', () => hex + 'ffffff')).toBe(expected);
  });

  it('hashes "<route>.<key>"', () => {
    const seen: string[] = [];
    bucket('catalog', 'user-7', (s) => (seen.push(s), sha1Hex(s)));
    expect(seen).toEqual(['catalog.user-7']);
  });

  it('stays within [0, 100000) for real SHA-1 values', () => {
    for (const k of keys.slice(0, 1000)) {
      const b = bucket('catalog', k, sha1Hex);
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThan(100_000);
    }
  });
});

describe('effectiveStage', () => {
  const tenPercentLive = aState('shadow', { stage: 'live', percent: 10 });

  it('holds 10 % ± 2 of 10,000 contexts at the rollout stage', () => {
    const live = keys.filter((k) => effectiveStage(tenPercentLive, 'catalog', k, sha1Hex, never) === 'live').length;
    expect(live / keys.length).toBeGreaterThanOrEqual(0.08);
    expect(live / keys.length).toBeLessThanOrEqual(0.12);
  });

  it('gives the same key the same stage every time', () => {
    for (const k of keys.slice(0, 200)) {
      const first = effectiveStage(tenPercentLive, 'catalog', k, sha1Hex, never);
      for (let i = 0; i < 5; i++) expect(effectiveStage(tenPercentLive, 'catalog', k, sha1Hex, never)).toBe(first);
    }
  });

  it('is sticky regardless of the order contexts arrive in', () => {
    const forward = keys.map((k) => effectiveStage(tenPercentLive, 'catalog', k, sha1Hex, never));
    const backward = [...keys].reverse().map((k) => effectiveStage(tenPercentLive, 'catalog', k, sha1Hex, never)).reverse();
    expect(backward).toEqual(forward);
  });

  it('keeps every context already at the rollout stage there when the percentage grows', () => {
    const at10 = new Set(keys.filter((k) => effectiveStage(tenPercentLive, 'catalog', k, sha1Hex, never) === 'live'));
    const at30 = aState('shadow', { stage: 'live', percent: 30 });
    for (const k of at10) expect(effectiveStage(at30, 'catalog', k, sha1Hex, never)).toBe('live');
  });

  it('buckets the same key differently on different routes', () => {
    const onCatalog = keys.filter((k) => effectiveStage(tenPercentLive, 'catalog', k, sha1Hex, never) === 'live');
    const onInventory = new Set(keys.filter((k) => effectiveStage(tenPercentLive, 'inventory', k, sha1Hex, never) === 'live'));
    expect(onCatalog.filter((k) => onInventory.has(k)).length).toBeLessThan(onCatalog.length / 2);
  });

  it.each([
    [0.05, 'live'], [0.0999, 'live'], [0.1, 'shadow'], [0.9, 'shadow'],
  ] as const)('without a context key, a request sampled at %p runs at %s', (sampled, stage) => {
    expect(effectiveStage(tenPercentLive, 'catalog', null, sha1Hex, () => sampled)).toBe(stage);
    expect(effectiveStage(tenPercentLive, 'catalog', '', sha1Hex, () => sampled)).toBe(stage);
  });

  it.each([
    ['no rollout', aState('live'), 'live'],
    ['a 0 % rollout', aState('shadow', { stage: 'live', percent: 0 }), 'shadow'],
    ['a 100 % rollout', aState('shadow', { stage: 'live', percent: 100 }), 'live'],
  ] as const)('with %s every context runs at %s', (_label, state, stage) => {
    for (const k of keys.slice(0, 100)) expect(effectiveStage(state, 'catalog', k, sha1Hex, never)).toBe(stage);
  });
});

describe('cookieContextKey', () => {
  it.each([
    ['uid=42', '42'],
    ['uid="42"', '42'],
    ['theme=dark; uid="42"; lang=en', '42'],
    ['  uid = "42" ', '42'],
    ['uid=%22quoted%22', '"quoted"'], // percent-encoded quotes are part of the value, not RFC quoting
    ['uid="a%20b"', 'a b'],
    ['uid=100%', '100%'],
    ['uid="', '"'],
    ['uid=7; uid=8', '7'],
  ])('%s gives the key %s', (header, key) => {
    expect(cookieContextKey(header, 'uid')).toBe(key);
  });

  it.each(['theme=dark', 'uid=', 'uid=""', 'xuid=42', ''])('%s gives no key', (header) => {
    expect(cookieContextKey(header, 'uid')).toBeNull();
  });

  it('a quoted cookie lands in the same bucket as the unquoted one, for every user of a 50 % rollout', () => {
    const half = aState('shadow', { stage: 'live', percent: 50 });
    const stage = (header: string) => effectiveStage(half, 'catalog', cookieContextKey(header, 'uid'), sha1Hex, never);
    const users = keys.slice(0, 400);
    for (const k of users) expect(stage(`uid="${k}"`)).toBe(stage(`uid=${k}`));
    // Both halves are exercised, so a quoted key bucketed on its own would have been caught.
    expect(new Set(users.map((k) => stage(`uid=${k}`)))).toEqual(new Set(['live', 'shadow']));
  });
});
