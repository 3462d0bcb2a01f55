// The twelfth noise corpus: a queue's worker list names each worker's connection by its client end
// (`10.12.4.31:47943`, Redis' CLIENT LIST `addr`): each side's own socket. A service's address (a
// low port), a public address, or a port that changed is compared.
import { generatedFact } from '../../../src/core/comparison';

const NOW = Date.parse('2026-12-07T12:00:00Z');

describe('a connection\'s client end', () => {
  it('from a private host at an ephemeral port is each side\'s own socket', () => {
    expect(generatedFact('10.12.4.31:47943', '10.244.3.17:48452', NOW)).toEqual({ kind: 'instance', deltaMs: null });
    expect(generatedFact('192.168.1.60:60001', '192.168.1.60:51230', NOW)).toEqual({ kind: 'instance', deltaMs: null });
  });

  it('stays a difference for a service\'s address, a public address, or a port below the ephemeral range', () => {
    expect(generatedFact('10.0.0.5:5432', '10.0.0.6:5432', NOW)).toBeNull();
    expect(generatedFact('10.0.0.5:8080', '10.0.0.5:8081', NOW)).toBeNull();
    expect(generatedFact('203.0.113.7:50000', '198.51.100.2:50001', NOW)).toBeNull();
    expect(generatedFact('10.12.4.31:47943', '10.244.3.17:5432', NOW)).toBeNull();
  });
});
