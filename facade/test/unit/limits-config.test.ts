// The limits' config fields (docs/reference/limits.md): deadlines in range (Node clamps a timer of
// 2^31 ms or more to 1 ms), a route's deadlines over its upstreams', and the server-side limits.
import { parseConfig, type FacadeConfigInput } from '../../src/config';
import { deadlinesFrom } from '../../src/io/deadlines';
import { ConfigError } from '../../src/errors';

const base: FacadeConfigInput = {
  monolith: { url: 'http://127.0.0.1:3000' },
  services: { catalog: { url: 'http://127.0.0.1:4001' } },
  routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog' }],
};

function problemsOf(input: unknown): readonly string[] {
  try {
    parseConfig(input, 'test.json');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('limits in the config', () => {
  it.each([
    ['the monolith total', { ...base, monolith: { url: 'http://127.0.0.1:3000', timeoutMs: 2 ** 31 } }, 'monolith.timeoutMs: must be <= 2147483647'],
    ['a service idle timeout', { ...base, services: { catalog: { url: 'http://x', idleTimeoutMs: 2 ** 31 } } }, 'services.catalog.idleTimeoutMs: must be <= 2147483647'],
    ['a route headers timeout', { ...base, routes: [{ ...base.routes![0], timeouts: { headersTimeoutMs: 3e9 } }] }, 'routes[0].timeouts.headersTimeoutMs: must be <= 2147483647'],
    ['the drain deadline', { ...base, shutdown: { drainTimeoutMs: 2 ** 32 } }, 'shutdown.drainTimeoutMs: must be <= 2147483647'],
    ['the shadow timeout', { ...base, routes: [{ ...base.routes![0], compare: { shadowTimeoutMs: 2 ** 31 } }] }, 'routes[0].compare.shadowTimeoutMs: must be <= 2147483647'],
    ['the body idle timeout', { ...base, listen: { bodyIdleTimeoutMs: 2 ** 31 } }, 'listen.bodyIdleTimeoutMs: must be <= 2147483647'],
  ])('refuses %s of 2^31 ms or more, naming the field', (_what, input, problem) => {
    expect(problemsOf(input)).toContain(problem);
  });

  it('accepts the largest timer Node honours', () => {
    const config = parseConfig({ ...base, monolith: { url: 'http://127.0.0.1:3000', timeoutMs: 2 ** 31 - 1 } }, 'test.json');
    expect(config.monolith.timeoutMs).toBe(2147483647);
  });

  it('refuses a header timeout longer than the whole-request timeout', () => {
    expect(problemsOf({ ...base, listen: { headersTimeoutMs: 5000, requestTimeoutMs: 1000 } })).toContain('listen.headersTimeoutMs: headersTimeoutMs must be <= requestTimeoutMs (or requestTimeoutMs 0: none)');
  });

  it('refuses a header size under 1 KB', () => {
    expect(problemsOf({ ...base, listen: { maxHeaderBytes: 100 } })).toContain('listen.maxHeaderBytes: must be >= 1024');
  });

  it('defaults the headers deadline to the total one, per upstream', () => {
    const config = parseConfig({ ...base, services: { catalog: { url: 'http://x', timeoutMs: 2500 } } }, 'test.json');
    expect(config.services.catalog).toMatchObject({ connectTimeoutMs: 2000, headersTimeoutMs: 2500, idleTimeoutMs: 60000, timeoutMs: 2500 });
  });

  it('a route total alone bounds its headers deadline too; other fields keep the upstream\'s', () => {
    const upstream = { connectTimeoutMs: 2000, headersTimeoutMs: 30000, idleTimeoutMs: 10000, timeoutMs: 30000 };
    expect(deadlinesFrom(upstream, { timeoutMs: 1200 })).toEqual({ connectMs: 2000, headersMs: 1200, idleMs: 10000, totalMs: 1200, streamIdleMs: 300000 });
    expect(deadlinesFrom(upstream, { idleTimeoutMs: 50 })).toEqual({ connectMs: 2000, headersMs: 30000, idleMs: 50, totalMs: 30000, streamIdleMs: 300000 });
    expect(deadlinesFrom(upstream)).toEqual({ connectMs: 2000, headersMs: 30000, idleMs: 10000, totalMs: 30000, streamIdleMs: 300000 });
    expect(deadlinesFrom({ ...upstream, streamIdleTimeoutMs: 60_000 }, { streamIdleTimeoutMs: 5000 }).streamIdleMs).toBe(5000);
    expect(deadlinesFrom({ ...upstream, streamIdleTimeoutMs: 60_000 }).streamIdleMs).toBe(60_000);
  });
});
