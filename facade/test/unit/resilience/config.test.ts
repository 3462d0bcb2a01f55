// Resilience config (facade/src/config.ts): the defaults per upstream and for the deadline header,
// and a bad value named by its field.
import { parseConfig } from '../../../src/config';
import { ConfigError } from '../../../src/errors';

const base = { monolith: { url: 'http://127.0.0.1:3000' }, services: { catalog: { url: 'http://127.0.0.1:4001', maxSockets: 64 } } };

function problems(input: unknown): string[] {
  try {
    parseConfig(input, 'test');
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('resilience config', () => {
  it('gives every upstream a breaker and a bulkhead by default, the bulkhead as wide as its socket pool', () => {
    const c = parseConfig(base, 'test');
    expect(c.services.catalog.breaker).toEqual({ enabled: true, windowMs: 10_000, minRequests: 20, failureRate: 0.5, coolDownMs: 5000, halfOpenProbes: 3, failureStatuses: [502, 503, 504], statusFailureEndpoints: 2 });
    expect(c.services.catalog.bulkhead).toEqual({ enabled: true, maxConcurrent: 64, maxQueue: 128, maxWaitMs: 1000, maxUploadShare: 0.5 });
    expect(c.monolith.bulkhead.maxConcurrent).toBe(256);
    expect(c.deadline).toEqual({ header: 'x-request-timeout-ms', acceptFromClient: true, minAttemptMs: 50 });
    expect(c.gate.breakerWindowMs).toBe(3_600_000);
  });

  it('switches the deadline header off with false, and lowercases a custom name', () => {
    expect(parseConfig({ ...base, deadline: { header: false } }, 'test').deadline.header).toBe(false);
    expect(parseConfig({ ...base, deadline: { header: 'X-Deadline-Ms' } }, 'test').deadline.header).toBe('x-deadline-ms');
  });

  it('names each bad field', () => {
    const found = problems({
      ...base,
      services: { catalog: { url: 'http://127.0.0.1:4001', breaker: { failureRate: 0, halfOpenProbes: 0, failureStatuses: [404] }, bulkhead: { maxQueue: -1 } } },
      deadline: { header: 'bad header' },
    });
    expect(found.some((p) => p.startsWith('services.catalog.breaker.failureRate'))).toBe(true);
    expect(found.some((p) => p.startsWith('services.catalog.breaker.halfOpenProbes'))).toBe(true);
    expect(found.some((p) => p.startsWith('services.catalog.breaker.failureStatuses[0]'))).toBe(true);
    expect(found.some((p) => p.startsWith('services.catalog.bulkhead.maxQueue'))).toBe(true);
    expect(found).toContain('deadline.header: must be a header name, or false to send and read no deadline header');
  });
});
