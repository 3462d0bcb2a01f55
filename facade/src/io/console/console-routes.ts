// The web console on the admin server: GET /console (the page), /console/assets/* (its script and
// styles, shipped in the package, no network at run time) and GET /console/events (the live
// snapshot stream, behind a read token). The page and assets hold no data, so they need no token;
// everything the page shows or changes goes through token-checked endpoints (the stream here, and
// the admin API's own /routes/... endpoints for the gate, stage changes, ignore rules and history).
import path from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { AdminDeps } from '../admin';
import { requireRole, tokenOf } from '../admin-auth';
import { ConsoleFeed, databaseVersion } from './console-feed';
import { SnapshotBuilder } from './console-builder';

/** Where the page's files live: beside this module in the sources and in dist/ (the build copies them). */
export const ASSETS_DIR = path.join(__dirname, 'assets');

// The page runs only its own script and talks only to its own origin: injected markup cannot run
// or send the token anywhere else.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
  + "form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

function pageHeaders(res: Response): void {
  res.set({ 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-cache' });
}

/** Mounts the console on `app`; call it before the admin API's token middleware. */
export function mountConsole(app: Express, deps: AdminDeps): void {
  const builder = new SnapshotBuilder({ sql: deps.sql, routes: deps.routes, flags: deps.flags, gate: deps.gate });
  const feed = new ConsoleFeed({ version: databaseVersion(deps.sql), build: () => builder.build(), onIdle: () => builder.release() });
  app.once('close', () => { feed.close(); builder.stop(); }); // emitted by server.ts when the admin server closes
  deps.onRecorded?.(() => feed.changed());
  deps.flags.onChange(() => feed.changed());
  // A change through the admin API (stage, ignore rule, divergence repair) made on this process's
  // own connection does not move data_version: tell the feed when such a request is answered.
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') res.on('finish', () => { if (res.statusCode < 400) feed.changed(); });
    next();
  });
  app.get(['/console', '/console/'], (_req, res) => {
    pageHeaders(res);
    res.sendFile(path.join(ASSETS_DIR, 'index.html'));
  });
  app.use('/console/assets', express.static(ASSETS_DIR, {
    index: false, fallthrough: false, dotfiles: 'deny',
    setHeaders: (res) => pageHeaders(res as unknown as Response),
  }));
  app.get('/console/events', requireRole(deps.tokens, 'read'), (_req, res) => {
    const token = tokenOf(res);
    feed.attach(res, { name: token.name, role: token.role, canChange: token.role === 'write' && deps.store !== null });
  });
}
