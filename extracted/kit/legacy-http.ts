// Service kit: platform code every extracted service shares, like an internal library. It holds
// what is the same in every service and owned by none of them; a service's domain model,
// repository and anti-corruption mapping stay in that service's own folder. The kit imports
// nothing from monolith/ and nothing from a service folder (extracted/test/independence.test.ts).
//
// This module: the parts of the monolith's public wire format that no service owns: the
// Express settings and body parsing of the legacy contract, the legacy timestamp format, the
// HTML 404 and 500 pages, and the JSON error bodies {"error": "<code>", ...}, so clients can't
// tell which side answered.
import express, { type ErrorRequestHandler, type Express, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';

// ---- The Express app: settings and body parsing of the legacy contract ----

/**
 * A new Express app set up as the legacy wire contract needs: Express's defaults for ETags and
 * the query parser, stated explicitly, and JSON and form bodies parsed on every path (the
 * monolith parses them everywhere, so a malformed JSON body is a 400 before it is a 404).
 * `bodyLimit` is in body-parser syntax; the monolith's is "100kb". Routes go on next, then
 * {@link useLegacyFallbacks}.
 */
export function createLegacyApp(opts: { bodyLimit?: string } = {}): Express {
  const limit = opts.bodyLimit ?? '100kb';
  const app = express();
  app.set('etag', 'weak');
  app.set('query parser', 'simple');
  app.use(express.json({ limit }));
  app.use(express.urlencoded({ extended: false, limit }));
  return app;
}

/** Ends the app after its routes: everything unmatched is the HTML 404, every error the legacy one. */
export function useLegacyFallbacks(app: Express, logger: Logger): void {
  app.use(sendNotFound);
  app.use(legacyErrorHandler(logger));
}

// ---- Timestamps ----

/** ISO 8601 (any offset) -> legacy UTC "YYYY-MM-DD HH:MM:SS"; milliseconds are dropped. */
export function toLegacyTimestamp(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not an ISO timestamp: ${JSON.stringify(iso)}`);
  return date.toISOString().replace('T', ' ').slice(0, 19);
}

// ---- HTML pages: byte-for-byte the monolith's layout, so a comparison sees no difference ----

function escapeHtml(value: string): string {
  const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  return value.replace(/[&<>"']/g, (ch) => escapes[ch] ?? ch);
}

function legacyPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)} - Legacy Shop</title>
</head>
<body>
<header><a href="/">Legacy Shop</a> <a href="/login">Log in</a></header>
<main>
${body}
</main>
</body>
</html>
`;
}

/** The legacy HTML 404 page for `path` (unknown paths and missing records, even under /api/). */
export function notFoundPage(path: string): string {
  return legacyPage('Not Found', `<h1>404 Not Found</h1>\n<p>Nothing lives at <code>${escapeHtml(path)}</code>.</p>`);
}

function errorPage(title: string, message: string): string {
  const body = `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>\n<p><a href="/">Back to the shop</a></p>`;
  return legacyPage(title, body);
}

export function sendNotFound(req: Request, res: Response): void {
  res.status(404).type('html').send(notFoundPage(req.path));
}

// ---- JSON errors: {"error": "<code>", "message"?: "...", ...extra} ----

export function sendError(res: Response, status: number, error: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ error, ...extra });
}

/** One line per zod issue, as the monolith words it: "per_page: Too big: expected number to be <=100". */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  message?: string;
}

/** Last-resort handler: client errors as legacy JSON, anything else a 500 without a stack trace. */
export function legacyErrorHandler(logger: Logger): ErrorRequestHandler {
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
      return sendError(res, status, 'bad_request', { message: e.expose && e.message ? e.message : 'bad request' });
    }
    logger.error({ err, method: req.method, path: req.path }, 'unhandled error');
    if (req.path.startsWith('/api/')) return sendError(res, 500, 'internal_error');
    res.status(500).type('html').send(errorPage('Server error', 'Something went wrong. Please try again.'));
  };
}
