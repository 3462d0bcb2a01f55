import { staleDigest } from '../../src/core/digest-auth';

const auth = 'Digest username="alice", realm="r", nonce="n1", uri="/x", response="abc", qop=auth, nc=00000001, cnonce="c"';

describe("a shadow's 401 to the primary's Digest nonce", () => {
  it('is no difference when the shadow asks for its own nonce with stale=true (quoted or not, among other challenges)', () => {
    expect(staleDigest(auth, 200, 401, 'Digest realm="r", nonce="n2", algorithm=MD5, stale=true, qop="auth"')).toBe(true);
    expect(staleDigest(auth, 404, 401, ['Basic realm="r"', 'Digest realm="r", nonce="n2", stale="TRUE"'])).toBe(true);
  });
  it('stays one when the shadow refuses the credentials themselves, the client sent no Digest, or the primary refused too', () => {
    expect(staleDigest(auth, 200, 401, 'Digest realm="r", nonce="n2", qop="auth"')).toBe(false);
    expect(staleDigest(auth, 200, 401, 'Digest realm="r", stale=false')).toBe(false);
    expect(staleDigest('Basic YTpi', 200, 401, 'Digest realm="r", stale=true')).toBe(false);
    expect(staleDigest(undefined, 200, 401, 'Digest realm="r", stale=true')).toBe(false);
    expect(staleDigest(auth, 401, 401, 'Digest realm="r", stale=true')).toBe(false);
    expect(staleDigest(auth, 200, 403, 'Digest realm="r", stale=true')).toBe(false);
  });
});
