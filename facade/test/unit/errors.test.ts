// Stable error codes: what the client's 502/504 and the CLI's exit code are keyed on.
import { BadRequestError, ConfigError, upstreamErrorFrom, UpstreamError } from '../../src/errors';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`boom ${code}`), { code });
}

describe('upstreamErrorFrom', () => {
  it.each([
    ['ECONNREFUSED', 'UPSTREAM_UNREACHABLE', 502],
    ['ENOTFOUND', 'UPSTREAM_UNREACHABLE', 502],
    ['ECONNRESET', 'UPSTREAM_RESET', 502],
    ['EPIPE', 'UPSTREAM_RESET', 502],
    ['ETIMEDOUT', 'UPSTREAM_TIMEOUT', 504],
    ['ESOCKETTIMEDOUT', 'UPSTREAM_TIMEOUT', 504],
    ['HPE_INVALID_CONSTANT', 'UPSTREAM_BAD_RESPONSE', 502],
    ['HPE_INVALID_HEADER_TOKEN', 'UPSTREAM_BAD_RESPONSE', 502],
    ['ESOMETHINGELSE', 'UPSTREAM_UNREACHABLE', 502],
    ['constructor', 'UPSTREAM_UNREACHABLE', 502],
  ])('maps %s to %s (%i)', (code, expected, status) => {
    const err = upstreamErrorFrom(errno(code), 'catalog');
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ code: expected, status, upstream: 'catalog' });
    expect(err.message).toContain('"catalog"');
  });

  it('maps an error without a code to an unreachable upstream and keeps the cause', () => {
    const cause = new Error('socket hang up');
    expect(upstreamErrorFrom(cause, 'monolith')).toMatchObject({ code: 'UPSTREAM_UNREACHABLE', status: 502, cause });
  });

  it('returns an UpstreamError unchanged', () => {
    const timeout = new UpstreamError('UPSTREAM_TIMEOUT', 'inventory');
    expect(upstreamErrorFrom(timeout, 'monolith')).toBe(timeout);
  });
});

describe('error classes', () => {
  it('a bad request is a 400 with its code', () => {
    expect(new BadRequestError('PATH_MALFORMED', '".." climbs above the root')).toMatchObject({ status: 400, code: 'PATH_MALFORMED', name: 'BadRequestError' });
  });

  it('a config error exits with 2 and lists its problems', () => {
    const err = new ConfigError('x.json', ['a: b']);
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', exitCode: 2, problems: ['a: b'], source: 'x.json' });
    expect(err.message).toBe('invalid config x.json (1 problem):\n  - a: b');
  });
});
