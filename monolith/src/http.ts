// Request/response helpers shared by every route module: zod validation that answers the
// legacy JSON 400, the HTML 404 page, cookie reading, and the last-resort error handlers.
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { errorPage, notFoundPage } from './html';

/** Legacy error body: `{"error": "<code>", "message": "..."}` plus optional extra fields. */
export function sendError(res: Response, status: number, error: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ error, ...extra });
}

/** Answers with the HTML 404 page (also for missing records under /api/: a legacy quirk). */
export function sendNotFound(req: Request, res: Response): void {
  res.status(404).type('html').send(notFoundPage(req.path));
}

/** Human-readable one-liner for zod issues: "quantity: Too small: expected number to be >=1". */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/**
 * Validates `value` against `schema`; on failure answers `400 {"error": code, "message"}` and
 * returns undefined, so handlers read `const body = parseOr400(...); if (!body) return;`.
 */
export function parseOr400<S extends z.ZodType>(
  schema: S,
  value: unknown,
  res: Response,
  code: 'invalid_body' | 'invalid_query',
): z.output<S> | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  sendError(res, 400, code, { message: describeIssues(result.error) });
  return undefined;
}

/** Positive integer route id, or null (a malformed id is a missing record: HTML 404). */
export function parseId(raw: string | string[] | undefined): number | null {
  if (typeof raw !== 'string' || !/^[1-9]\d{0,15}$/.test(raw)) return null;
  const id = Number(raw);
  return Number.isSafeInteger(id) ? id : null;
}

/** Reads one cookie without a cookie-parser dependency; undefined when absent or malformed. */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Final handler for unmatched paths and methods. */
export const notFoundHandler: RequestHandler = (req, res) => sendNotFound(req, res);

interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  message?: string;
}

/**
 * Last-resort error handler: body-parser errors become JSON 4xx (malformed JSON is a bad body),
 * anything else a 500 without a stack trace; only unexpected errors are logged.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    const e = (typeof err === 'object' && err !== null ? err : {}) as HttpishError;
    const status = e.status ?? e.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      if (e.type === 'entity.parse.failed') {
        return sendError(res, 400, 'invalid_body', { message: 'request body is not valid JSON' });
      }
      if (e.type === 'entity.too.large') {
        return sendError(res, 413, 'payload_too_large', { message: 'request body is too large' });
      }
      const message = e.expose && e.message ? e.message : 'bad request';
      return sendError(res, status, 'bad_request', { message });
    }
    logger.error({ err, method: req.method, path: req.path }, 'unhandled error');
    if (req.path.startsWith('/api/')) return sendError(res, 500, 'internal_error');
    res.status(500).type('html').send(errorPage('Server error', 'Something went wrong. Please try again.'));
  };
}
