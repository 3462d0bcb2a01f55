// A compared read's two answers observed together: the same bytes under the same Content-Encoding
// are a match decided without decoding either body (the bodies are not compared again); other
// bytes, or the same bytes under another encoding, are decoded and compared as each alone.
import { gzipSync } from 'node:zlib';
import type { ForwardResult } from '../../../src/io/forward';
import type { ReplayOutcome } from '../../../src/io/replay';
import { observePair } from '../../../src/pipeline/observations';
import { evaluate } from '../../../src/core/comparison/evaluate';
import { compiled } from './builders';

const answered = (body: Buffer, headers: Record<string, string> = {}, status = 200): ForwardResult =>
  ({ kind: 'answered', status, headers: { 'content-type': 'application/json', ...headers }, complete: true, overCap: false, body, ms: 3 });
const replayed = (body: Buffer, headers: Record<string, string> = {}, status = 200): ReplayOutcome =>
  ({ ok: true, status, headers: { 'content-type': 'application/json', ...headers }, overCap: false, body, ms: 4 });

describe('observePair', () => {
  const rules = compiled({ headers: ['content-type', 'cache-control'] });
  const json = Buffer.from('{"id":9007199254740993,"name":"Ada","tags":["a","b"]}');

  function facts(pair: ReturnType<typeof observePair>): string[] {
    if (!pair.primary.ok || !pair.shadow.ok) throw new Error(`not observed: ${JSON.stringify(pair)}`);
    return evaluate(pair.primary.observation, pair.shadow.observation, rules, false, pair.bodiesEqual).facts.map((f) => f.path);
  }

  it('the same gzip bytes: a match without decoding, and a reader of the body gets it decoded', () => {
    const gz = gzipSync(json);
    const pair = observePair('monolith', answered(gz, { 'content-encoding': 'gzip' }), 'service', replayed(Buffer.from(gz), { 'content-encoding': 'gzip' }), 1 << 20);
    expect(pair.bodiesEqual).toBe(true);
    expect(facts(pair)).toEqual([]);
    const seen = pair.primary.ok ? pair.primary.observation : null;
    expect(seen?.ok && seen.body.equals(json)).toBe(true);
  });

  it('the same undecodable bytes on both sides are a match (both sent them alike), not an error', () => {
    const corrupt = Buffer.from('not gzip at all');
    const pair = observePair('monolith', answered(corrupt, { 'content-encoding': 'gzip' }), 'service', replayed(Buffer.from(corrupt), { 'content-encoding': 'gzip' }), 1 << 20);
    expect(facts(pair)).toEqual([]);
    // Alone, such an answer cannot be observed.
    const alone = observePair('monolith', answered(corrupt, { 'content-encoding': 'gzip' }), 'service', replayed(gzipSync(json), { 'content-encoding': 'gzip' }), 1 << 20);
    expect(alone.primary).toEqual({ ok: false, outcome: 'error', reason: 'monolith_body_undecodable' });
  });

  it('equal bodies still differ in status and listed headers', () => {
    const pair = observePair('monolith', answered(json, { 'cache-control': 'no-store' }), 'service', replayed(Buffer.from(json), { 'cache-control': 'max-age=60' }, 201), 1 << 20);
    expect(pair.bodiesEqual).toBe(true);
    expect(facts(pair)).toEqual(['status', 'headers.cache-control']);
  });

  it('the same content in other bytes (another gzip level) is decoded and compared: a match', () => {
    const pair = observePair('monolith', answered(gzipSync(json, { level: 1 }), { 'content-encoding': 'gzip' }), 'service',
      replayed(gzipSync(Buffer.from(` ${json.toString()}`), { level: 9 }), { 'content-encoding': 'gzip' }), 1 << 20);
    expect(pair.bodiesEqual).toBe(false);
    expect(facts(pair)).toEqual([]);
  });

  it('one differing digit of a big integer, or the same bytes under another encoding, is compared in full', () => {
    const other = Buffer.from(json.toString().replace('9007199254740993', '9007199254740992'));
    expect(facts(observePair('monolith', answered(json), 'service', replayed(other), 1 << 20))).toEqual(['$.id']);
    const gz = gzipSync(json);
    const encodings = observePair('monolith', answered(gz, { 'content-encoding': 'gzip' }), 'service', replayed(Buffer.from(gz)), 1 << 20);
    expect(encodings.bodiesEqual).toBe(false);
    expect(facts(encodings)).toEqual(['body']);
  });
});
