// A CouchDB-protocol changes feed (`GET /db/_changes`: CouchDB, PouchDB Server, Cloudant) ends with
// `last_seq`, the store's own update counter, the one `GET /db` calls `update_seq` (already a store
// position). probes18: behind a route at shadow, a service backfilled in one pass numbered its history
// 30 where the monolith said 26: `$.last_seq` was real on every `_changes` read while `$.update_seq`
// of the same store was generated.
import { storePositionFact } from '../../../src/core/comparison/generated';

describe('a changes feed\'s last_seq', () => {
  it('is each store\'s own position, as update_seq is', () => {
    expect(storePositionFact('$.last_seq', 26, 30)).toEqual({ kind: 'position', deltaMs: null });
    expect(storePositionFact('$.update_seq', 26, 30)).toEqual({ kind: 'position', deltaMs: null });
  });
  it('stays a difference where it is not two positions, and nothing else is taken for one', () => {
    expect(storePositionFact('$.last_seq', 'abc', 'abd')).toBeNull();
    expect(storePositionFact('$.last_seq', 26, 26)).toBeNull();
    expect(storePositionFact('$.last_sequence', 26, 30)).toBeNull();
    expect(storePositionFact('$.results[0].seq', 3, 5)).toBeNull();
  });
});
