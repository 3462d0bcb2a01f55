// Admin API for divergences, beside `strangler divergences`: list, show, replay, resolve. Reads need
// a read token (a divergence is traffic data), replay and resolve a write token, whose name is the
// audit actor. Handlers only parse, call io/divergence-repair.ts and serialize; admin.ts mounts them.
import type { Express, Request, RequestHandler, Response } from 'express';
import { jsonBody } from './admin-body';
import { z } from 'zod';
import { tokenOf } from './admin-auth';
import { DivergenceKeyError } from './divergence-seal';
import { DIVERGENCE_STATUSES } from './divergence-store';
import { DivergenceError, replayDivergences, resolveDivergence, showDivergence, type RepairDeps } from './divergence-repair';

export interface DivergenceAdminDeps {
  readonly repair: RepairDeps;
  /** Configured route names. */
  readonly routes: readonly string[];
}

const ReplayBody = z.object({
  id: z.number().int().positive().optional(),
  dryRun: z.boolean().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  resendUnanswered: z.boolean().optional(),
  actor: z.string().max(100).optional(),
}).strict();

const ResolveBody = z.object({
  reason: z.string().trim().min(1, 'give a reason: it goes to the audit log').max(500),
  actor: z.string().max(100).optional(),
}).strict();

const Query = z.object({
  status: z.enum([...DIVERGENCE_STATUSES, 'all']).default('open'),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
}).strict();

type Handler = (req: Request, res: Response, route: string) => Promise<void> | void;

function problems(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}

/** The audit actor: the token's name; an `actor` the caller names is kept as `requestedBy`. */
function actorOf(res: Response, claimed: string | undefined): { actor: string; requestedBy?: string } {
  const actor = tokenOf(res).name;
  return claimed === undefined || claimed === actor ? { actor } : { actor, requestedBy: claimed };
}

/** Adds the divergence endpoints: reads behind `read`, replay and resolve behind `write` (the token checks). */
export function mountDivergenceRoutes(app: Express, deps: DivergenceAdminDeps, write: RequestHandler, read: RequestHandler): void {
  const store = deps.repair.store;
  // Resolves the route name, maps known errors to JSON answers; anything else goes to admin.ts's error handler.
  const handle = (fn: Handler): RequestHandler => async (req, res, next) => {
    const route = String(req.params.name);
    if (!deps.routes.includes(route)) {
      res.status(404).json({ error: 'ROUTE_UNKNOWN', message: `no route named "${route}" (known: ${deps.routes.join(', ') || 'none'})` });
      return;
    }
    try {
      await fn(req, res, route);
    } catch (err) {
      if (err instanceof DivergenceError) res.status(err.status).json({ error: err.code, message: err.message });
      else if (err instanceof DivergenceKeyError) res.status(500).json({ error: err.code, message: err.message });
      else next(err);
    }
  };
  const idOf = (req: Request, res: Response): number | null => {
    const id = Number(req.params.id);
    if (/^\d+$/.test(String(req.params.id)) && id > 0) return id;
    res.status(400).json({ error: 'QUERY_INVALID', message: `divergence id "${String(req.params.id)}": must be a whole number` });
    return null;
  };

  app.get('/routes/:name/divergences', read, handle(async (req, res, route) => {
    const q = Query.safeParse(req.query);
    if (!q.success) { res.status(400).json({ error: 'QUERY_INVALID', message: problems(q.error) }); return; }
    const open = await store.openStats(route);
    const status = q.data.status === 'all' ? undefined : q.data.status;
    res.json({ route, open: open.count, openBytes: open.bytes, divergences: await store.list(route, { status, limit: q.data.limit }) });
  }));
  app.get('/routes/:name/divergences/:id', read, handle(async (req, res, route) => {
    const id = idOf(req, res);
    if (id !== null) res.json(await showDivergence(deps.repair, route, id));
  }));
  app.post('/routes/:name/divergences/replay', write, ...jsonBody(65_536), handle(async (req, res, route) => {
    const body = ReplayBody.safeParse(req.body ?? {});
    if (!body.success) { res.status(400).json({ error: 'BODY_INVALID', message: problems(body.error) }); return; }
    const { actor, ...opts } = body.data;
    res.json(await replayDivergences(deps.repair, route, { ...opts, ...actorOf(res, actor) }));
  }));
  app.post('/routes/:name/divergences/:id/resolve', write, ...jsonBody(16_384), handle(async (req, res, route) => {
    const id = idOf(req, res);
    if (id === null) return;
    const body = ResolveBody.safeParse(req.body ?? {});
    if (!body.success) { res.status(400).json({ error: 'BODY_INVALID', message: problems(body.error) }); return; }
    res.json(await resolveDivergence(deps.repair, route, id, { reason: body.data.reason, ...actorOf(res, body.data.actor) }));
  }));
}
