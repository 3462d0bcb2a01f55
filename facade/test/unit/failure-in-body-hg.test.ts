// Mercurial's push replies, as `hg serve` (6.3) answered `POST /?cmd=unbundle` in probes14: a push
// the other repository refused still comes back as a 200, its refusal inside the bundle2 reply.
import { failureInBody } from '../../src/core/failure-in-body';

const T = 'application/mercurial-0.1';
const b64 = (s: string): Buffer => Buffer.from(s, 'base64');
// reply:changegroup return=1 and two output parts: the changesets were added.
const OK = b64('SEcyMAAAAAAAAAAvEXJlcGx5OmNoYW5nZWdyb3VwAAAAAAACCwEGAWluLXJlcGx5LXRvM3JldHVybjEAAAAAAAAAGwZvdXRwdXQAAAABAAELAWluLXJlcGx5LXRvMwAAADdhZGRpbmcgY2hhbmdlc2V0cwphZGRpbmcgbWFuaWZlc3RzCmFkZGluZyBmaWxlIGNoYW5nZXMKAAAAAAAAAA0Gb3V0cHV0AAAAAgAAAAAALWFkZGVkIDEgY2hhbmdlc2V0cyB3aXRoIDEgY2hhbmdlcyB0byAxIGZpbGVzCgAAAAAAAAAA');
// ERROR:PUSHRACED: the other repository's phases were not those the client saw ("… is public expected draft").
const RACED = b64('SEcyMAAAAAAAAAANBm91dHB1dAAAAAAAAAAAAAAAAACBD0VSUk9SOlBVU0hSQUNFRAAAAAEBAAdibWVzc2FnZXJlbW90ZSByZXBvc2l0b3J5IGNoYW5nZWQgd2hpbGUgcHVzaGluZyAtIHBsZWFzZSB0cnkgYWdhaW4gKDUxM2VjM2EyMjRhMiBpcyBwdWJsaWMgZXhwZWN0ZWQgZHJhZnQpAAAAAAAAAAA=');
// ERROR:ABORT after output parts: a pretxnchangegroup hook refused the changesets, the transaction rolled back.
const ABORT = b64('SEcyMAAAAAAAAAAbBm91dHB1dAAAAAAAAQsBaW4tcmVwbHktdG8zAAAASGFkZGluZyBjaGFuZ2VzZXRzCmFkZGluZyBtYW5pZmVzdHMKYWRkaW5nIGZpbGUgY2hhbmdlcwpkZW5pZWQgYnkgcG9saWN5CgAAAAAAAAANBm91dHB1dAAAAAEAAAAAACZ0cmFuc2FjdGlvbiBhYm9ydCEKcm9sbGJhY2sgY29tcGxldGVkCgAAAAAAAABLC0VSUk9SOkFCT1JUAAAAAgEABzBtZXNzYWdlcHJldHhuY2hhbmdlZ3JvdXAuZGVueSBob29rIGV4aXRlZCB3aXRoIHN0YXR1cyAxAAAAAAAAAAA=');

/** One bundle2 part with advisory parameters and no payload. */
function part(type: string, id: number, params: [string, string][]): Buffer {
  const head = Buffer.concat([Buffer.from([type.length]), Buffer.from(type), Buffer.from([0, 0, 0, id, 0, params.length]),
    Buffer.from(params.flatMap(([k, v]) => [k.length, v.length])), Buffer.from(params.map(([k, v]) => k + v).join(''))]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(head.length);
  return Buffer.concat([size, head, Buffer.alloc(4)]);
}
const bundle = (...parts: Buffer[]): Buffer => Buffer.concat([Buffer.from('HG20'), Buffer.alloc(4), ...parts, Buffer.alloc(4)]);

describe("Mercurial's bundle2 reply to a push", () => {
  it('a push whose changesets were added is no failure', () => {
    expect(failureInBody(T, OK)).toBeNull();
  });
  it('an error part is a failure, whether it comes first or after output parts', () => {
    expect(failureInBody(T, RACED)).toBe('hg_error_pushraced');
    expect(failureInBody(T, ABORT)).toBe('hg_error_abort');
  });
  it('a pushkey reply that returned 0 is a failure, one that returned 1 is not', () => {
    expect(failureInBody(T, bundle(part('reply:pushkey', 1, [['in-reply-to', '2'], ['return', '0']])))).toBe('hg_pushkey_failed');
    expect(failureInBody(T, bundle(part('reply:pushkey', 1, [['in-reply-to', '2'], ['return', '1']])))).toBeNull();
  });
  it("the 0.2 media type's uncompressed form is read; a compressed one, an old reply or a cut body says nothing", () => {
    expect(failureInBody('application/mercurial-0.2', Buffer.concat([Buffer.from([4]), Buffer.from('none'), ABORT]))).toBe('hg_error_abort');
    expect(failureInBody('application/mercurial-0.2', Buffer.concat([Buffer.from([4]), Buffer.from('zstd'), ABORT]))).toBeNull();
    expect(failureInBody(T, Buffer.from('0\nabort: push failed\n'))).toBeNull();
    expect(failureInBody(T, ABORT.subarray(0, 60))).toBeNull();
    expect(failureInBody('application/octet-stream', ABORT)).toBeNull();
  });
});
