// Answers that are streams rather than documents: Server-Sent Events, newline-delimited JSON,
// MJPEG-style multipart. They last as long as the client listens, so they are never cut by an
// exchange's total deadline, and a comparison can only be of their status and headers. Pure.
import { mediaTypeOf } from './media-type';

const STREAM_TYPES = new Set(['text/event-stream', 'application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines',
  'application/stream+json', 'multipart/x-mixed-replace']);

/** True when a Content-Type names a stream (parameters and case ignored). */
export function isStreamType(contentType: string | readonly string[] | undefined): boolean {
  return STREAM_TYPES.has(mediaTypeOf(contentType));
}
