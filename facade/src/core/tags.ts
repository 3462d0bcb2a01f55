// The request headers the facade marks its own copies with, for the upstreams' logs (and for a
// service that skips side effects on a shadow read). Only the facade may set them: a client's
// copies are dropped at the edge (io/headers.ts), so no client can pass a real write off as one.

export const SHADOW_TAG = 'x-strangler-shadow';
export const SECOND_WRITE_TAG = 'x-strangler-second-write';
export const REASK_TAG = 'x-strangler-reask';
export const REPAIR_TAG = 'x-strangler-repair';
export const REPLAY_TAG = 'x-strangler-replay';

export const FACADE_TAGS: readonly string[] = [SHADOW_TAG, SECOND_WRITE_TAG, REASK_TAG, REPAIR_TAG, REPLAY_TAG];

/** A text line that is a facade tag echoed (`X-Strangler-Shadow: 1`, `"x-strangler-reask": "1",`): the tag's name, any case. */
const TAG_LINE = /^\s*"?(x-strangler-[a-z-]+)"?\s*[:=]/i;
const isTag = (name: string): boolean => FACADE_TAGS.includes(name.toLowerCase());

/**
 * Whether a difference is only the facade's own tag, echoed by an upstream that answers with the
 * request's headers (httpbin's `/headers` and `/anything`, a debugging endpoint): a copy carries a
 * tag the client's request did not, so the answers differ by it and by nothing the service did.
 * `leaf`: the JSON key at the difference (undefined for a text line).
 */
export function isEchoedTag(kind: string, leaf: string | undefined, primary: unknown, shadow: unknown): boolean {
  if (kind !== 'added' && kind !== 'removed') return false;
  if (leaf !== undefined) return isTag(leaf);
  const line = kind === 'added' ? shadow : primary;
  const name = typeof line === 'string' ? TAG_LINE.exec(line)?.[1] : undefined;
  return name !== undefined && isTag(name);
}
