import { readBody, diffBodies } from '../../../src/core/compare/body';
import { compileNormalizers } from '../../../src/core/compare';

const pkt = (s: string | Buffer): Buffer => {
  const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
  return Buffer.concat([Buffer.from((b.length + 4).toString(16).padStart(4, '0')), b]);
};
const band = (n: number, b: Buffer | string): Buffer => pkt(Buffer.concat([Buffer.from([n]), Buffer.from(b as string, 'latin1')]));
const advert = (sha: string): Buffer => Buffer.concat([pkt('# service=git-upload-pack\n'), Buffer.from('0000'), pkt(`${sha} HEAD\0multi_ack side-band-64k agent=git/2.39.5\n`), pkt(`${sha} refs/heads/main\n`), Buffer.from('0000')]);
const ADV = 'application/x-git-upload-pack-advertisement';

describe("git's pkt-line answers are compared line by line", () => {
  it('a ref advertisement is one line per packet, capabilities after the NUL kept', () => {
    expect(readBody(advert('a'.repeat(40)), ADV)).toEqual({ kind: 'text', text: `# service=git-upload-pack\n0000\n${'a'.repeat(40)} HEAD \\0 multi_ack side-band-64k agent=git/2.39.5\n${'a'.repeat(40)} refs/heads/main\n0000` });
  });
  it('a ref that points elsewhere on the other side is named by its line', () => {
    const facts = diffBodies({ primary: advert('a'.repeat(40)), shadow: advert('b'.repeat(40)), primaryType: ADV, shadowType: ADV }, compileNormalizers([]));
    expect(facts.map((f) => f.path)).toEqual(['text[3]', 'text[4]']);
    expect(facts[1]).toMatchObject({ primary: `${'a'.repeat(40)} refs/heads/main`, shadow: `${'b'.repeat(40)} refs/heads/main` });
  });
  it("a push's report inside side-band 1 is read, its progress on band 2 left out", () => {
    const report = Buffer.concat([band(2, 'Resolving deltas: 100% (3/3)\n'), band(1, Buffer.concat([pkt('unpack ok\n'), pkt('ok refs/heads/main\n'), Buffer.from('0000')])), Buffer.from('0000')]);
    expect(readBody(report, 'application/x-git-receive-pack-result')).toEqual({ kind: 'text', text: 'unpack ok\nok refs/heads/main\n0000\n0000' });
  });
  it('an answer carrying a pack, or one that is no pkt-line stream, stays binary', () => {
    const pack = Buffer.concat([pkt('packfile\n'), band(1, Buffer.from([0x50, 0x41, 0x43, 0x4b, 0, 0, 0, 2, 0, 0, 0, 3, 0x9d, 0x0b])), Buffer.from('0000')]);
    expect(readBody(pack, 'application/x-git-upload-pack-result')).toEqual({ kind: 'binary' });
    expect(readBody(Buffer.from('zzzz hello'), ADV)).toEqual({ kind: 'binary' });
    expect(readBody(advert('a'.repeat(40)), 'application/octet-stream')).toEqual({ kind: 'binary' });
  });
});
