// noise14: what each store keeps for itself and hands out with the data. A package index's change
// serial (PyPI's `last_serial`, CouchDB's `update_seq`), and a Kubernetes object's `metadata.generation`,
// `creationTimestamp` and `managedFields[].time`, beside its resourceVersion and uid: two clusters
// holding the same object created and updated it each at its own moment. The same names elsewhere,
// or values of another shape, stay data.
import { storePositionFact } from '../../../src/core/comparison/generated';

describe('a store\'s own bookkeeping', () => {
  it('a package index\'s change serial is each store\'s position', () => {
    expect(storePositionFact('$.last_serial', 26_185_390, 1989)).toEqual({ kind: 'position', deltaMs: null });
    expect(storePositionFact('$.update_seq', 4012, 77)).toEqual({ kind: 'position', deltaMs: null });
  });

  it('a Kubernetes object\'s generation and the times its cluster stamped it with', () => {
    expect(storePositionFact('$.metadata.generation', 1841, 77)).toEqual({ kind: 'position', deltaMs: null });
    expect(storePositionFact('$.metadata.creationTimestamp', '2026-11-26T02:39:07Z', '2026-12-07T20:18:17Z')).toEqual({ kind: 'position', deltaMs: null });
    expect(storePositionFact('$.metadata.managedFields[0].time', '2026-11-26T02:39:07Z', '2026-12-07T20:18:17Z')).toEqual({ kind: 'position', deltaMs: null });
    expect(storePositionFact('$.items[3].metadata.creationTimestamp', '2026-11-26T02:39:07Z', '2026-12-07T20:18:17Z')).toEqual({ kind: 'position', deltaMs: null });
    // the uids its cluster minted for it and for its owner (one object read again and again: the same uid each time)
    expect(storePositionFact('$.metadata.uid', '25e5df1f-aae8-4eee-a635-8d21f9eb1894', '92c66325-d6bd-43a5-ae76-e24ffc8da152')).toEqual({ kind: 'position', deltaMs: null });
    expect(storePositionFact('$.metadata.ownerReferences[0].uid', '25e5df1f-aae8-4eee-a635-8d21f9eb1894', '92c66325-d6bd-43a5-ae76-e24ffc8da152')).toEqual({ kind: 'position', deltaMs: null });
  });

  it('stays data elsewhere, under other names, or in another shape', () => {
    expect(storePositionFact('$.serial', 1201, 1202)).toBeNull(); // a device's serial number
    expect(storePositionFact('$.serial_number', 'SN-1201', 'SN-1202')).toBeNull();
    expect(storePositionFact('$.last_serial', 'abc', 'abd')).toBeNull();
    expect(storePositionFact('$.generation', 12, 11)).toBeNull(); // a GCS object's or a service's own generation: not in a Kubernetes metadata
    expect(storePositionFact('$.spec.template.metadata.generation', 2, 3)).toBeNull();
    expect(storePositionFact('$.order.creationTimestamp', '2026-11-26T02:39:07Z', '2026-12-07T20:18:17Z')).toBeNull();
    expect(storePositionFact('$.status.observedGeneration', 1841, 77)).toBeNull(); // compared with generation by its readers: judged as a value
    expect(storePositionFact('$.metadata.creationTimestamp', '2026-11-26T02:39:07Z', null)).toBeNull(); // one side lacks it
    expect(storePositionFact('$.metadata.generation', 3, '3')).toBeNull();
    expect(storePositionFact('$.metadata.name', 'shop-1', 'shop-2')).toBeNull();
    expect(storePositionFact('$.metadata.ownerReferences[0].name', 'web-2hko5vfj0v', 'web-5nabk4su3v')).toBeNull();
    expect(storePositionFact('$.metadata.uid', 'cust-1042', 'cust-1043')).toBeNull(); // not a uid the API server mints
    expect(storePositionFact('$.customer.uid', '25e5df1f-aae8-4eee-a635-8d21f9eb1894', '92c66325-d6bd-43a5-ae76-e24ffc8da152')).toBeNull(); // a record's reference
  });
});
