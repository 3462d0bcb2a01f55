// JSON bodies of the admin API's write endpoints. body-parser answers a body over its limit only
// once the whole body has arrived (it drains the request first): a PUT declaring 50 MB got its 413
// after 50 MB. A Content-Length over the limit is answered at once here, and the connection closes
// after a lingering read of what the client still sends (io/linger.ts).
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { lingerAfterAnswer } from './linger';

/** The 413's body, whether the length was declared or counted. */
export const tooLarge = (limit: number | string): { error: string; message: string } =>
  ({ error: 'BODY_TOO_LARGE', message: `the request body is over this endpoint's ${limit} bytes` });

/** Media types read as JSON: `application/json` and the `+json` family (`application/merge-patch+json`). */
const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * A body that is not labelled JSON is refused with 415 naming what it was sent as: express.json
 * skips it silently, and the endpoint then reported "expected object, received undefined" to a
 * `curl -d '{"stage":"live"}'`, which labels its body application/x-www-form-urlencoded.
 */
const jsonLabelled: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!hasBody || req.is(JSON_TYPES)) { next(); return; }
  const got = req.headers['content-type'];
  res.set('connection', 'close');
  lingerAfterAnswer(req);
  res.status(415).json({
    error: 'UNSUPPORTED_MEDIA_TYPE',
    message: `the request body must be JSON, sent with Content-Type: application/json (it came ${got === undefined ? 'without a Content-Type' : `as ${JSON.stringify(got)}`})`,
  });
  req.resume();
};

/** A declared-length check, a JSON label check, then express.json with the same limit (bytes). */
export function jsonBody(limitBytes: number): RequestHandler[] {
  const declared: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    const length = Number(req.headers['content-length']);
    if (!(length > limitBytes)) { next(); return; }
    res.set('connection', 'close');
    lingerAfterAnswer(req);
    res.status(413).json(tooLarge(limitBytes));
    req.resume();
  };
  return [declared, jsonLabelled, express.json({ limit: limitBytes, type: JSON_TYPES })];
}
