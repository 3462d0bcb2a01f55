// The request headers the facade marks its own copies with, for the upstreams' logs (and for a
// service that skips side effects on a shadow read). Only the facade may set them: a client's
// copies are dropped at the edge (io/headers.ts), so no client can pass a real write off as one.

export const SHADOW_TAG = 'x-strangler-shadow';
export const SECOND_WRITE_TAG = 'x-strangler-second-write';
export const REASK_TAG = 'x-strangler-reask';
export const REPAIR_TAG = 'x-strangler-repair';
export const REPLAY_TAG = 'x-strangler-replay';

export const FACADE_TAGS: readonly string[] = [SHADOW_TAG, SECOND_WRITE_TAG, REASK_TAG, REPAIR_TAG, REPLAY_TAG];
