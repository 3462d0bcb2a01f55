// HTTP Digest authentication (RFC 7616) seen from a shadow: pure.
/**
 * HTTP Digest (RFC 7616 §3.3): the client answered a nonce the primary minted, bound to that server's
 * secret. The shadow, another server, cannot verify it and asks for its own with `stale=true` ("the
 * credentials may be right, the nonce is not mine"): a 401 the client would never see, not a
 * difference between the two applications (probes12: every Digest-protected read was a real 200 → 401).
 */
export function staleDigest(authorization: string | undefined, primaryStatus: number | null, shadowStatus: number, challenge: string | string[] | undefined): boolean {
  if (shadowStatus !== 401 || primaryStatus === null || primaryStatus === 401) return false;
  if (authorization === undefined || !/^\s*digest\s/i.test(authorization)) return false;
  const challenges = challenge === undefined ? [] : Array.isArray(challenge) ? challenge : [challenge];
  return challenges.some((c) => /(?:^|[\s,])digest\s/i.test(c) && /(?:^|[\s,])stale\s*=\s*"?true"?(?:[\s,]|$)/i.test(c));
}
