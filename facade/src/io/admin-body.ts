// JSON bodies of the admin API's write endpoints. body-parser answers a body over its limit only
// once the whole body has arrived (it drains the request first): a PUT declaring 50 MB got its 413
// after 50 MB. A Content-Length over the limit is answered at once here, and the connection closes
// after a lingering read of what the client still sends (io/linger.ts).
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { lingerAfterAnswer } from './linger';

/** The 413's body, whether the length was declared or counted. */
export const tooLarge = (limit: number | string): { error: string; message: string } =>
  ({ error: 'BODY_TOO_LARGE', message: `the request body is over this endpoint's ${limit} bytes` });

/** A declared-length check, then express.json with the same limit (bytes). */
export function jsonBody(limitBytes: number): RequestHandler[] {
  const declared: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    const length = Number(req.headers['content-length']);
    if (!(length > limitBytes)) { next(); return; }
    res.set('connection', 'close');
    lingerAfterAnswer(req);
    res.status(413).json(tooLarge(limitBytes));
    req.resume();
  };
  return [declared, express.json({ limit: limitBytes })];
}
