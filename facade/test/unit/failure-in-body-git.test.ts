import { failureInBody } from '../../src/core/failure-in-body';

const pkt = (s: string | Buffer): Buffer => {
  const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
  return Buffer.concat([Buffer.from((b.length + 4).toString(16).padStart(4, '0')), b]);
};
const band = (n: number, b: Buffer): Buffer => pkt(Buffer.concat([Buffer.from([n]), b]));
const T = 'application/x-git-receive-pack-result';

describe("git receive-pack's report-status", () => {
  it('a push every ref of which was taken is no failure, with or without side-band', () => {
    const report = Buffer.concat([pkt('unpack ok\n'), pkt('ok refs/heads/main\n'), Buffer.from('0000')]);
    expect(failureInBody(T, report)).toBeNull();
    expect(failureInBody(T, Buffer.concat([band(2, Buffer.from('Resolving deltas\n')), band(1, report), Buffer.from('0000')]))).toBeNull();
  });
  it('a refused ref, a failed unpack or a fatal band is a failure, also split across band-1 packets', () => {
    const ng = Buffer.concat([pkt('unpack ok\n'), pkt('ng refs/heads/main failed to update ref\n'), Buffer.from('0000')]);
    expect(failureInBody(T, ng)).toBe('git_ref_rejected');
    expect(failureInBody(T, Buffer.concat([band(1, ng.subarray(0, 20)), band(1, ng.subarray(20)), Buffer.from('0000')]))).toBe('git_ref_rejected');
    expect(failureInBody(T, Buffer.concat([band(1, Buffer.concat([pkt('unpack index-pack abnormal exit\n'), Buffer.from('0000')])), Buffer.from('0000')]))).toBe('git_unpack_failed');
    expect(failureInBody(T, band(3, Buffer.from('fatal: out of memory\n')))).toBe('git_fatal');
  });
  it('a body that is no pkt-line stream, or another type, says nothing', () => {
    expect(failureInBody(T, Buffer.from('<html>ng refs</html>'))).toBeNull();
    expect(failureInBody('text/plain', pkt('ng refs/heads/main x\n'))).toBeNull();
  });
});
