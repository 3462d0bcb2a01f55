// The stage × method matrix: who answers, who is compared, who gets the write after it succeeded.
// Expectations are spelled out from DESIGN.md's table, not read back from STAGE_PLAN.
import { decide } from '../../src/core/decide';

const READS = ['GET', 'HEAD', 'OPTIONS'];
const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];

const readRows = [
  ['off', 'monolith', null], ['dualwrite', 'monolith', null], ['shadow', 'monolith', 'service'],
  ['live', 'service', 'monolith'], ['rampdown', 'service', null], ['complete', 'service', null],
] as const;

const writeRows = [
  ['off', 'monolith', null], ['dualwrite', 'monolith', 'service'], ['shadow', 'monolith', 'service'],
  ['live', 'service', 'monolith'], ['rampdown', 'service', 'monolith'], ['complete', 'service', null],
] as const;

describe('decide', () => {
  it.each(readRows.flatMap(([stage, primary, shadow]) => READS.map((m) => [stage, m, primary, shadow] as const)))(
    'in the %s stage a %s is answered by the %s and shadowed to %s',
    (stage, method, primary, shadow) => {
      expect(decide(stage, method)).toEqual({ stage, kind: 'read', primary, shadow, then: null });
    },
  );

  it.each(writeRows.flatMap(([stage, primary, then]) => WRITES.map((m) => [stage, m, primary, then] as const)))(
    'in the %s stage a %s goes to the %s first, then to %s',
    (stage, method, primary, then) => {
      expect(decide(stage, method)).toEqual({ stage, kind: 'write', primary, shadow: null, then });
    },
  );

  it('never shadows a write, in any stage', () => {
    for (const [stage] of writeRows) for (const m of WRITES) expect(decide(stage, m).shadow).toBeNull();
  });

  it('reads the registry\'s other safe methods as reads: WebDAV\'s PROPFIND, REPORT, SEARCH, QUERY', () => {
    for (const m of ['PROPFIND', 'REPORT', 'SEARCH', 'QUERY']) expect(decide('shadow', m)).toMatchObject({ kind: 'read', shadow: 'service' });
  });

  it('treats an unknown or lower-case method as a write, never as a shadowable read', () => {
    expect(decide('shadow', 'PATCH')).toMatchObject({ kind: 'write', shadow: null });
    expect(decide('shadow', 'MKCOL')).toMatchObject({ kind: 'write', shadow: null });
    expect(decide('shadow', 'propfind')).toMatchObject({ kind: 'write', shadow: null });
    expect(decide('shadow', 'get')).toMatchObject({ kind: 'write', shadow: null });
  });

  it('returns the same frozen decision each time (nothing allocated per request)', () => {
    const first = decide('live', 'GET');
    expect(decide('live', 'GET')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });
});
