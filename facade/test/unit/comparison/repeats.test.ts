import { evaluate, selfDifferingFields, type ClassifyRules } from '../../../src/core/comparison';
import { compiled as compiledRules } from '../compare/builders';
import type { Observation } from '../../../src/core/compare/types';

const rules: ClassifyRules = { ignore: [], generated: { toleranceMs: 60_000, kinds: new Set(['timestamp', 'jwt', 'uuid', 'ulid', 'objectid', 'encoded', 'sequence', 'instance']), exactFields: [] } };
const compiled = compiledRules({ headers: ['content-type', 'cache-control'] });
const answer = (body: unknown, headers: Record<string, string> = {}): Observation =>
  ({ ok: true, side: 'monolith', status: 200, headers: { 'content-type': 'application/json', ...headers }, body: Buffer.from(JSON.stringify(body)), ms: 1 });
const page = (text: string): Observation => ({ ok: true, side: 'monolith', status: 200, headers: { 'content-type': 'text/html' }, body: Buffer.from(text), ms: 1 });

/** The fields where `again` disagreed with `first`, as far as `first` against `shadow` is concerned. */
function selfDiffering(first: Observation, shadow: Observation, again: Observation): string[] {
  const against = evaluate(first, shadow, compiled, false).facts;
  const self = evaluate(first, again, compiled, false).facts;
  const open = new Set(against.map((f) => f.field));
  return selfDifferingFields(self, against, rules, open);
}

describe('whether the primary asked again repeated what the shadow got wrong', () => {
  it('a random token the shadow never sends: the primary sent one again, so it repeated the field\'s presence', () => {
    expect(selfDiffering(answer({ csrfToken: 'f3a9c2b1e0d4' }), answer({}), answer({ csrfToken: '0b1c2d3e4f5a' }))).toEqual([]);
  });

  it('a random token both sides send: the primary\'s own variation (noise evidence)', () => {
    expect(selfDiffering(answer({ csrfToken: 'f3a9c2b1e0d4' }), answer({ csrfToken: '77aa88bb99cc' }), answer({ csrfToken: '0b1c2d3e4f5a' }))).toEqual(['$.csrfToken']);
  });

  it('a field the primary itself leaves out now and then: its second answer without it is its own variation', () => {
    expect(selfDiffering(answer({ promo: 'WINTER' }), answer({}), answer({}))).toEqual(['$.promo']);
    expect(selfDiffering(answer({ promo: 'WINTER' }), answer({}), answer({ promo: null }))).toEqual(['$.promo']);
    expect(selfDiffering(answer({ promo: 'WINTER' }), answer({}), answer({ promo: 'WINTER' }))).toEqual([]); // the same again: repeated
  });

  it('a gallery in another order under fresh signatures on every image: the primary never moved an image, only signatures', () => {
    const sig = (): string => Math.random().toString(36).slice(2, 12) + Math.random().toString(36).slice(2, 12).toUpperCase();
    const gallery = (...names: string[]) => ({ images: names.map((n) => `https://cdn.example/p/42/${n}.jpg?Expires=1796640000&Signature=${sig()}`) });
    expect(selfDiffering(answer(gallery('front', 'side', 'back')), answer(gallery('side', 'front', 'back')), answer(gallery('front', 'side', 'back')))).toEqual([]);
    // the primary itself shows its images in another order now and then: its own variation
    expect(selfDiffering(answer(gallery('front', 'side', 'back')), answer(gallery('side', 'front', 'back')), answer(gallery('back', 'front', 'side')))).toEqual(['$.images[*]']);
  });

  it('a link to another file under a fresh signature: the primary changed only the signature', () => {
    const link = (file: string, s: string) => ({ download: `https://files.example/${file}?sig=${s}` });
    expect(selfDiffering(answer(link('inv-7.pdf', 'Ab3dEf9hIj2lMn4pQr')), answer(link('inv-8.pdf', 'Zz9yXx8wVv7uTt6sRr')), answer(link('inv-7.pdf', 'Kk1jLl2mNn3oPp4qQq')))).toEqual([]);
    // the primary's own file changes too (a random pick): its own variation
    expect(selfDiffering(answer(link('inv-7.pdf', 'Ab3dEf9hIj2lMn4pQr')), answer(link('inv-8.pdf', 'Zz9yXx8wVv7uTt6sRr')), answer(link('inv-9.pdf', 'Kk1jLl2mNn3oPp4qQq')))).toEqual(['$.download']);
  });

  it('a header the shadow never sends, whose value moves on the primary', () => {
    const h = (v?: string): Observation => answer({ a: 1 }, v === undefined ? {} : { 'cache-control': v });
    expect(selfDiffering(h('max-age=3593'), h(), h('max-age=3592'))).toEqual([]);
    expect(selfDiffering(h('max-age=3593'), h('max-age=3000'), h('max-age=60'))).toEqual(['headers.cache-control']);
    // a countdown a second on is the primary's clock, not its own variation: the shadow's 3000 repeats
    expect(selfDiffering(h('max-age=3593'), h('max-age=3000'), h('max-age=3592'))).toEqual([]);
  });

  it('a page without its CSRF meta element among lines with a nonce each: the line is missing, not every line after it changed', () => {
    const html = (nonce: string, csrf: string | null) => page(['<html><head>', `<link nonce="${nonce}" href="/a.css">`, ...(csrf ? [`<meta name="csrf-token" content="${csrf}">`] : []),
      `<script nonce="${nonce}" src="/a.js"></script>`, '</head><body><p>hi</p></body></html>'].join('\n'));
    const first = html('N1q2w3e4r5t6y7u8i9o0', 'C1a2s3d4f5g6h7j8k9l0');
    const shadow = html('M0n9b8v7c6x5z4a3s2d1', null);
    const facts = evaluate(first, shadow, compiled, false).facts;
    expect(facts.filter((f) => f.kind === 'removed').map((f) => f.primary)).toEqual(['<meta content="C1a2s3d4f5g6h7j8k9l0" name="csrf-token">']);
    expect(facts.filter((f) => f.kind === 'added')).toEqual([]);
    // the nonce lines are the primary's own variation; the CSRF line was there again
    expect(selfDiffering(first, shadow, html('P9o8i7u6y5t4r3e2w1q0', 'Z9x8c7v6b5n4m3l2k1j0'))).toEqual(['text["head/link"]', 'text["head/script"]']);
  });

  it('a word or attribute the shadow drops beside a random value: the primary kept it when asked again', () => {
    const cookie = (v: string): Observation => answer({ a: 1 }, { 'cache-control': v });
    // HttpOnly dropped from a session cookie whose value is fresh on every answer
    expect(selfDiffering(cookie('_s=Zm9vYmFyYmF6cXV4MTIzNDU2; HttpOnly; Path=/'), cookie('_s=YmF6cXV4Zm9vYmFyOTg3NjU0; Path=/'), cookie('_s=cXV4Zm9vYmF6YmFyNTY3ODk0; HttpOnly; Path=/'))).toEqual([]);
    // a scope word dropped from a redirect beside a fresh state
    const loc = (scope: string, state: string) => answer({ next: `https://accounts.example/o/oauth2/auth?scope=${encodeURIComponent(scope)}&state=${state}` });
    expect(selfDiffering(loc('openid email profile', 'Ab3dEf9hIj2lMn4pQr'), loc('openid profile', 'Zz9yXx8wVv7uTt6sRr'), loc('openid email profile', 'Kk1jLl2mNn3oPp4qQq'))).toEqual([]);
    // a word the shadow adds (Domain) is repeated too, and a primary that itself drops the word now and then varies
    expect(selfDiffering(cookie('_s=Zm9vYmFyYmF6cXV4MTIzNDU2; Path=/'), cookie('_s=YmF6cXV4Zm9vYmFyOTg3NjU0; Domain=.shop.example; Path=/'), cookie('_s=cXV4Zm9vYmF6YmFyNTY3ODk0; Path=/'))).toEqual([]);
    expect(selfDiffering(cookie('_s=Zm9vYmFyYmF6cXV4MTIzNDU2; HttpOnly; Path=/'), cookie('_s=YmF6cXV4Zm9vYmFyOTg3NjU0; Path=/'), cookie('_s=cXV4Zm9vYmF6YmFyNTY3ODk0; Path=/'))).toEqual(['headers.cache-control']);
  });

  it('a set the primary orders anew on every answer: a member the shadow lacks is repeated, a reorder alone is not', () => {
    const scopes = (...s: string[]) => answer({ permissions: s });
    // the service lacks orders:write; the primary, asked again, only shuffled its five
    expect(selfDiffering(scopes('a:read', 'orders:write', 'b:read', 'c:read', 'd:write'), scopes('c:read', 'a:read', 'd:write', 'b:read'), scopes('d:write', 'b:read', 'orders:write', 'a:read', 'c:read'))).toEqual([]);
    // both sides shuffle the same five: the primary's own variation
    expect(selfDiffering(scopes('a:read', 'orders:write', 'b:read'), scopes('b:read', 'a:read', 'orders:write'), scopes('orders:write', 'b:read', 'a:read'))).toEqual(['$.permissions[*]']);
    // the primary's members themselves change (a random sample): its own variation
    expect(selfDiffering(scopes('a', 'b', 'c'), scopes('a', 'b'), scopes('a', 'd', 'c'))).toEqual(['$.permissions[*]']);
  });

  it('a set of objects the primary shuffles on every answer: one member\'s changed price is repeated, the shuffle of the skus is not', () => {
    const recs = (...m: Array<[string, number]>) => answer({ recommendations: m.map(([sku, price]) => ({ sku, price })) });
    const first = recs(['B', 4.5], ['C', 9], ['D', 7.25], ['E', 2]);
    const shadow = recs(['C', 9.9], ['B', 4.5], ['E', 2], ['D', 7.25]);
    const again = recs(['D', 7.25], ['E', 2], ['C', 9], ['B', 4.5]);
    expect(selfDiffering(first, shadow, again)).toEqual(['$.recommendations[*].sku']);
    // the same set on the shadow, in its own order: every column is the primary's own variation
    const same = recs(['E', 2], ['D', 7.25], ['B', 4.5], ['C', 9]);
    expect(selfDiffering(first, same, again).sort()).toEqual(['$.recommendations[*].price', '$.recommendations[*].sku']);
    // prices that really move on the primary (a live price): its own variation, however the shadow differs
    expect(selfDiffering(first, shadow, recs(['B', 4.6], ['C', 9.1], ['D', 7.25], ['E', 2]))).toEqual(['$.recommendations[*].price']);
  });
});
