// What the pooled sockets read past at the start of an answer: interim 100s only, whole or split.
import { withoutContinue } from '../../src/io/interim-continue';

const read = (s: string): { rest: string; undecided: boolean } => {
  const r = withoutContinue(Buffer.from(s, 'latin1'));
  return { rest: r.rest.toString('latin1'), undecided: r.undecided };
};

describe('withoutContinue', () => {
  it('drops one or more interim 100s (HTTP/1.0 or 1.1, with or without a reason or headers) before the final answer', () => {
    expect(read('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n')).toEqual({ rest: 'HTTP/1.1 200 OK\r\n\r\n', undecided: false });
    expect(read('HTTP/1.0 100\r\nX-A: b\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n'))
      .toEqual({ rest: 'HTTP/1.1 204 No Content\r\n\r\n', undecided: false });
  });

  it('leaves every other answer as it is, 1xx included (undici reads 102 and 103 itself)', () => {
    for (const s of ['HTTP/1.1 200 OK\r\n\r\n', 'HTTP/1.1 103 Early Hints\r\n\r\n', 'HTTP/1.1 1000 x\r\n\r\n', 'garbage', 'HTTP/2 100\r\n\r\n']) {
      expect(read(s)).toEqual({ rest: s, undecided: false });
    }
  });

  it('holds what could still become a 100 (a status line or headers split across reads), and only that', () => {
    expect(read('HTTP/1.1 1')).toEqual({ rest: 'HTTP/1.1 1', undecided: true });
    expect(read('HTTP/1.1 100 Contin')).toEqual({ rest: 'HTTP/1.1 100 Contin', undecided: true });
    expect(read('HTTP/1.1 100 Continue\r\n\r\n')).toEqual({ rest: '', undecided: true }); // the final answer is still to come
    expect(read('HTTP/1.1 2')).toEqual({ rest: 'HTTP/1.1 2', undecided: false });
    const huge = `HTTP/1.1 100 Continue\r\nX-Big: ${'a'.repeat(9000)}`;
    expect(read(huge)).toEqual({ rest: huge, undecided: false }); // past 8 KB it is undici's to refuse
  });
});
