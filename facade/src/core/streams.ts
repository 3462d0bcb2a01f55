// Answers that are streams rather than documents: Server-Sent Events, newline-delimited JSON,
// MJPEG-style multipart, live audio and video (an internet radio's `audio/mpeg` without a length).
// They last as long as the client listens, so they are never cut by an exchange's total deadline,
// and a comparison can only be of their status and headers. Pure.
import { mediaTypeOf } from './media-type';

const STREAM_TYPES = new Set(['text/event-stream', 'application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines',
  'application/stream+json', 'multipart/x-mixed-replace']);

/** True when a Content-Type names a stream (parameters and case ignored). */
export function isStreamType(contentType: string | readonly string[] | undefined): boolean {
  return STREAM_TYPES.has(mediaTypeOf(contentType));
}

type AnswerHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * True when an answer is a stream: a stream type with no length, or audio or video with no length (Icecast's and
 * SHOUTcast's listeners, whose answers name their metadata interval in `icy-metaint`, a camera's
 * live feed). A file of audio or video has a length, and is a document.
 */
export function isStreamAnswer(headers: AnswerHeaders): boolean {
  if (headers['icy-metaint'] !== undefined) return true;
  // With a length it ends: a log export in NDJSON, a finished job's events, compared as a document.
  if (headers['content-length'] !== undefined) return false;
  if (isStreamType(headers['content-type'])) return true;
  const media = mediaTypeOf(headers['content-type']);
  return media.startsWith('audio/') || media.startsWith('video/');
}
