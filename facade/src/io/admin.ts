// The admin API (its own port, loopback by default): route listing and stage changes, health,
// readiness and Prometheus metrics. Everything but /healthz, /readyz and /metrics needs a bearer
// token (io/admin-auth.ts): a read token to look, a write token to change; the token's name is the
// audit actor. Without a configured token the API refuses. Handlers only parse, call and serialize.
import express, { type Request, type Response, type NextFunction } from 'express';
import { jsonBody, tooLarge } from './admin-body';
import { z } from 'zod';
import { STAGES, isStage, nextStage } from '../core/stages';
import { evaluateGate, type GateThresholds } from '../core/gate';
import { leadingStage } from '../core/transitions';
import { loadGateInput } from './gate-input';
import { routeFindings, storedIgnoreRules } from './findings-query';
import { outcomeCounts } from '../core/comparison';
import type { RouteRuntime } from '../pipeline/context';
import type { FlagProvider } from '../flags/provider';
import { StageChangeError, type RouteStateStore } from './state-api';
import type { Sql } from './db/sql';
import { validIgnorePattern } from './compare-rules';
import { mountReportRoutes } from './admin-report';
import { authenticate, requireRole, tokenOf, type AdminToken } from './admin-auth';
import { authFailureThrottle, type AuthFailureLimit } from './admin-throttle';
import { mountDivergenceRoutes, type DivergenceAdminDeps } from './admin-divergences';
import { mountConsole } from './console/console-routes';
import { mountUpstreamRoutes } from './admin-upstreams';
import { liveBreakerStates, type UpstreamSpecView } from './upstream-view';

export interface MetricsSource {
  readonly contentType: string;
  text(): Promise<string>;
}

export interface AdminDeps {
  readonly routes: ReadonlyMap<string, RouteRuntime>;
  readonly flags: FlagProvider;
  /** Refusals for a bad token before an address is told to wait (config `admin.authFailures`; default 20 a minute). */
  readonly authFailures?: AuthFailureLimit;
  /** Null with the LaunchDarkly provider: stages then live in LaunchDarkly, not here. */
  readonly store: RouteStateStore | null;
  readonly metrics: MetricsSource;
  /** The facade's gate thresholds (config `gate`). */
  readonly gate: GateThresholds;
  /** The state database (ignore rules, audit log) whatever the flag provider. */
  readonly state: RouteStateStore;
  /** The same database for the readers of comparisons (findings, gate, report), either engine. */
  readonly sql: Sql;
  /** Extra fields for /healthz (the state database's reachability with several replicas). */
  readonly health?: () => Record<string, unknown>;
  /** Accepted tokens (io/admin-auth.ts resolveAdminTokens); empty: the admin API refuses everything but health and metrics. */
  readonly tokens: readonly AdminToken[];
  readonly isReady: () => boolean;
  /** Called after this process changed a stage, so it applies without waiting for the poll. */
  readonly onStageChanged: () => void | Promise<void>;
  /** Divergence listing and repair (absent: those endpoints answer 404). */
  readonly divergences?: DivergenceAdminDeps;
  /** Subscribes to recorded comparison batches (the console's live updates); absent: the console watches the database only. */
  readonly onRecorded?: (listener: () => void) => () => void;
  /** The upstreams for GET /upstreams (breakers, bulkheads); absent: that endpoint answers 404. */
  readonly upstreams?: readonly UpstreamSpecView[];
}

const IgnoreBody = z.object({
  path: z.string().min(1).max(300),
  reason: z.string().min(1, 'give a reason: it is shown next to every difference this rule hides').max(500),
  actor: z.string().max(100).optional(),
}).strict();

const ChangeBody = z.object({
  stage: z.enum(STAGES),
  percent: z.number().min(0).max(100).optional(),
  reason: z.string().max(500).optional(),
  force: z.boolean().optional(),
  actor: z.string().max(100).optional(),
  details: z.record(z.string(), z.unknown()).optional(),
}).strict();

/** Requests per route and answering side, read from the Prometheus exposition text. */
export function requestCounters(text: string): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  const line = /^strangler_requests_total\{([^}]*)\} (\S+)$/gm;
  for (let m = line.exec(text); m; m = line.exec(text)) {
    const labels = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    const perSide = out.get(labels.route) ?? {};
    perSide[labels.side] = (perSide[labels.side] ?? 0) + Number(m[2]);
    out.set(labels.route, perSide);
  }
  return out;
}

/** The audit actor is the token's name; an `actor` the caller names is kept only as a claim in the details. */
function auditActor(token: AdminToken, claimed: string | undefined, details: Record<string, unknown> | undefined): { actor: string; details?: Record<string, unknown> } {
  if (claimed === undefined || claimed === token.name) return { actor: token.name, details };
  return { actor: token.name, details: { ...details, requestedBy: claimed } };
}

/** The methods the admin API answers on `path` (a 405's Allow), from the routes mounted on `app`. */
function allowedMethods(app: express.Express, path: string): string[] {
  type Layer = { route?: { methods: Record<string, boolean> }; match(p: string): boolean };
  const out = new Set<string>();
  for (const layer of (app.router as unknown as { stack: Layer[] }).stack) {
    if (!layer.route || !layer.match(path)) continue;
    for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') out.add(method.toUpperCase());
  }
  if (out.has('GET')) out.add('HEAD');
  return [...out].sort();
}

export function createAdminApp(deps: AdminDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(authFailureThrottle(deps.authFailures ?? { max: 20, windowMs: 60_000 }, (req) => authenticate(deps.tokens, req.headers.authorization) !== null));
  const requireToken = requireRole(deps.tokens, 'write');
  const requireRead = requireRole(deps.tokens, 'read');
  /** The route named in the path, or a 404 naming the known routes (then null). */
  const routeOr404 = (req: Request, res: Response): RouteRuntime | null => {
    const name = String(req.params.name);
    const rt = deps.routes.get(name);
    if (!rt) res.status(404).json({ error: 'ROUTE_UNKNOWN', message: `no route named "${name}" (known: ${[...deps.routes.keys()].join(', ')})` });
    return rt ?? null;
  };
  const describe = (rt: RouteRuntime, counters: Map<string, Record<string, number>>, breakers: ReadonlyMap<string, string> = new Map()): object => {
    const state = deps.flags.describe(rt.flag);
    return {
      name: rt.config.name, pattern: rt.config.match.path, methods: rt.config.match.methods ?? null,
      service: rt.config.service, fallback: rt.config.fallback, provider: deps.flags.kind,
      stage: state.stage, rollout: state.rollout, updatedAt: state.updatedAt,
      requests: counters.get(rt.config.name) ?? {},
      // The service's circuit breaker as the running facade reports it (null: not reported, e.g. disabled).
      breaker: breakers.get(rt.config.service) ?? null,
    };
  };

  // Still ok (200) when the state database is lost: the facade keeps serving on its last known stages.
  app.get('/healthz', (_req, res) => { res.json({ ok: true, ...deps.health?.() }); });
  app.get('/readyz', (_req, res) => { res.status(deps.isReady() ? 200 : 503).json({ ready: deps.isReady() }); });
  app.get('/metrics', async (_req, res) => { res.type(deps.metrics.contentType).send(await deps.metrics.text()); });
  mountConsole(app, deps); // the page and its assets are public (no data); its event stream needs a read token
  // Every route added below answers only to a token (routes, comparisons, reports, the audit log and
  // divergences are traffic data); changes also need a write token (requireToken).
  app.use(requireRead);
  app.get('/routes', async (_req, res) => {
    const text = await deps.metrics.text();
    const counters = requestCounters(text);
    const breakers = liveBreakerStates(text);
    res.json({ routes: [...deps.routes.values()].map((rt) => describe(rt, counters, breakers)) });
  });
  app.get('/routes/:name', async (req, res) => {
    const rt = routeOr404(req, res);
    if (!rt) return;
    const text = await deps.metrics.text();
    res.json(describe(rt, requestCounters(text), liveBreakerStates(text)));
  });
  app.get('/routes/:name/history', async (req, res) => {
    if (!deps.store) { res.status(409).json({ error: 'PROVIDER_READ_ONLY', message: 'no local audit log with the launchdarkly provider' }); return; }
    res.json({ history: await deps.store.history(String(req.params.name)) });
  });
  app.get('/routes/:name/comparisons', async (req, res) => {
    const rt = routeOr404(req, res);
    if (!rt) return;
    const name = rt.config.name;
    const limit = Math.min(200, Math.max(1, Number(req.query.limit ?? 20) || 20));
    // Re-classified with today's rules and evidence, like the report and the gate.
    const found = await routeFindings(deps.sql, { route: name, config: rt.config, stored: await storedIgnoreRules(deps.sql) });
    const outcomes = outcomeCounts(found.endpoints);
    res.json({
      route: name, outcomes, endpoints: found.endpoints, noise: found.noise,
      // Samples: the newest comparisons that found differences, with their verdict now.
      samples: found.comparisons.slice(0, limit).map((c) => ({ ...c, outcome: found.verdicts.get(c.id) ?? c.outcome })),
    });
  });
  app.get('/routes/:name/ignore', async (req, res) => {
    const name = routeOr404(req, res)?.config.name;
    if (!name) return;
    const config = deps.routes.get(name)!.config.compare.ignore.map((r) => ({ ...r, source: 'config' }));
    res.json({ route: name, rules: [...config, ...(await deps.state.ignoreRules(name)).map((r) => ({ ...r, source: 'state' }))] });
  });
  app.post('/routes/:name/ignore', requireToken, ...jsonBody(16_384), async (req, res) => {
    const name = routeOr404(req, res)?.config.name;
    if (!name) return;
    const parsed = IgnoreBody.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: 'BODY_INVALID', message: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') });
      return;
    }
    const problem = validIgnorePattern(parsed.data.path);
    if (problem) { res.status(400).json({ error: 'PATTERN_INVALID', message: `path: ${problem}` }); return; }
    res.status(201).json(await deps.state.addIgnoreRule({ route: name, path: parsed.data.path, reason: parsed.data.reason, actor: tokenOf(res).name }));
  });
  app.delete('/routes/:name/ignore', requireToken, async (req, res) => {
    const name = String(req.params.name);
    const path = typeof req.query.path === 'string' ? req.query.path : '';
    if (!path) { res.status(400).json({ error: 'QUERY_INVALID', message: 'path: required (?path=<pattern>)' }); return; }
    const removed = await deps.state.removeIgnoreRule({ route: name, path });
    res.status(removed ? 200 : 404).json(removed ? { removed: true } : { error: 'RULE_UNKNOWN', message: `no stored ignore rule ${path} on ${name}` });
  });
  app.get('/routes/:name/gate', async (req, res) => {
    const rt = routeOr404(req, res);
    if (!rt) return;
    const state = deps.flags.describe(rt.flag);
    const stage = isStage(req.query.stage) ? req.query.stage : leadingStage(state);
    const target = isStage(req.query.target) ? req.query.target : nextStage(stage);
    if (!target) { res.status(409).json({ error: 'NO_NEXT_STAGE', message: `${rt.config.name} is at ${stage}: there is no later stage` }); return; }
    const input = await loadGateInput(deps.sql, rt.config.name, stage, target, rt.config);
    res.json({ input, thresholds: deps.gate, result: evaluateGate(input, deps.gate) });
  });
  app.put('/routes/:name', requireToken, ...jsonBody(16_384), async (req, res) => {
    const rt = routeOr404(req, res);
    if (!rt) return;
    if (!deps.store) { res.status(409).json({ error: 'PROVIDER_READ_ONLY', message: 'stages live in LaunchDarkly with this provider: change the flag there' }); return; }
    const parsed = ChangeBody.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: 'BODY_INVALID', message: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') });
      return;
    }
    try {
      const { actor: claimed, details, ...change } = parsed.data;
      const entry = await deps.store.change({ ...change, ...auditActor(tokenOf(res), claimed, details), route: rt.config.name, defaultStage: rt.flag.defaultStage });
      await deps.onStageChanged(); // this replica answers by the new stage before the reply
      res.json({ route: rt.config.name, from: entry.from, to: entry.to, percent: entry.percent, audit: entry });
    } catch (err) {
      if (err instanceof StageChangeError) { res.status(409).json({ error: err.code, message: err.message }); return; }
      throw err;
    }
  });
  if (deps.upstreams) mountUpstreamRoutes(app, { specs: deps.upstreams, sql: deps.sql, metricsText: () => deps.metrics.text(), windowMs: deps.gate.breakerWindowMs });
  mountReportRoutes(app, { sql: deps.sql, routes: [...deps.routes.keys()], configs: new Map([...deps.routes].map(([n, r]) => [n, r.config])) });
  if (deps.divergences) mountDivergenceRoutes(app, deps.divergences, requireToken, requireRead);
  app.use((req: Request, res: Response) => {
    const allow = allowedMethods(app, req.path);
    if (allow.length === 0) { res.status(404).json({ error: 'NOT_FOUND', message: `no admin endpoint ${req.path}` }); return; }
    res.set('allow', allow.join(', ')).status(405).json({ error: 'METHOD_NOT_ALLOWED', message: `${req.method} ${req.path}: this endpoint answers ${allow.join(', ')}` });
  });
  app.use((err: Error & { status?: number; type?: string; limit?: number }, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status < 500 ? err.status : 500;
    if (err.type === 'entity.too.large') {
      res.status(413).json(tooLarge(err.limit ?? 'size'));
      return;
    }
    res.status(status).json({ error: status === 400 ? 'BODY_INVALID' : 'ADMIN_ERROR', message: err.message });
  });
  return app;
}
