// The twelfth noise corpus: a worker's or a queue consumer's name that holds a Kubernetes pod name
// (`<deployment>-<pod-template-hash>-<suffix>`) is the answering process's, at any field name.
import { evaluate, generatedFact } from '../../../src/core/comparison';
import { aJsonObservation, compiled } from '../compare/builders';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const rules = compiled();
const kinds = (a: unknown, b: unknown): Array<[string, string | null]> =>
  evaluate(aJsonObservation(a), { ...aJsonObservation(b), side: 'service' }, rules, false, false, NOW).facts.map((f) => [f.path, f.generated?.kind ?? null]);

describe('a pod name of the service\'s own Deployment', () => {
  it('names the answering process beside the monolith\'s host, at any field name', () => {
    expect(generatedFact('resque@legacy-app-03:28113', 'exporter-7b9f6c5d4-q2xkd', NOW)).toEqual({ kind: 'instance', deltaMs: null });
    expect(generatedFact('28113@legacy-app-03@', '1@orders-worker-6d4b9c7f8-x2kqp@', NOW)).toEqual({ kind: 'instance', deltaMs: null }); // Temporal's worker identity
    expect(generatedFact('legacy-edge-01', 'sidecar~10.244.3.17~orders-6d4b9c7f8-x2kqp.shop~shop.svc.cluster.local', NOW)).toEqual({ kind: 'instance', deltaMs: null }); // Envoy's node id
    expect(generatedFact('web-7c9d8f6b5-bd2xz', 'orders-6d4b9c7f8-x2kqp', NOW)).toEqual({ kind: 'instance', deltaMs: null }); // both on Kubernetes
    expect(kinds({ worker: 'legacy-app-03:emails', total: 5000 }, { worker: 'mailer-5c7d94b8f6-kq2lp:emails', total: 500 }))
      .toEqual([['$.worker', 'instance'], ['$.total', null]]);
  });

  it('stays a difference when it is no name, or both sides are replicas of one Deployment (or a code shaped like one)', () => {
    expect(generatedFact('paid', 'orders-6d4b9c7f8-x2kqp', NOW)).toBeNull(); // a status that became a pod name
    expect(generatedFact('orders-6d4b9c7f8-x2kqp Running', 'orders-6d4b9c7f8-x2kqp Failed', NOW)).toBeNull();
    expect(generatedFact('sku-2b4c6d8f-x9kqp', 'sku-2b4c6d8f-x9kqq', NOW)).toBeNull();
    expect(generatedFact('legacy-app-03', 'orders-worker-2', NOW)).toBeNull(); // no pod name: two hosts the field may mean as data
    expect(generatedFact('order-shipping-label', 'order-tracking-label', NOW)).toBeNull();
    expect(generatedFact('web-legacy-03', 'checkout-bcdfgh-jklmn', NOW)).toBeNull(); // consonants only, no digit: words, not a hash
  });
});
