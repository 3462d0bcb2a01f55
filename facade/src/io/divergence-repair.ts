// Repairing divergences, for the CLI (local state database) and the admin API alike: replay re-sends
// the stored writes of one route, oldest first, to the side that missed them, stopping at the first
// one that fails again (a later write must not overtake it); resolve settles one without re-sending.
// Each outcome goes to the audit log. Nothing here runs by itself: only an operator's command does.
import type { Side } from '../core/stages';
import type { Divergence, DivergenceStore } from './divergence-store';
import { viewRequest, type RequestView } from './divergence-view';
import { replay, type ReplayOutcome } from './replay';
import { decodeBody } from './decode-body';
import { failureInBody } from '../core/failure-in-body';
import { isSignInRedirect } from '../core/sign-in-redirect';
import type { Upstream } from './upstreams';
import { REPAIR_TAG } from '../core/tags';


export class DivergenceError extends Error {
  constructor(
    readonly code: 'DIVERGENCE_UNKNOWN' | 'DIVERGENCE_SETTLED' | 'DIVERGENCE_ORDER' | 'HEADER_INVALID',
    /** HTTP status for the admin API. */
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'DivergenceError';
  }
}

export interface RepairDeps {
  readonly store: DivergenceStore;
  /** Where a side of a route is reached now (the config's URL, which may differ from when it diverged). */
  readonly upstreamFor: (route: string, side: Side) => Upstream;
  /** The route's current stage, for the audit entry. */
  readonly stageOf: (route: string) => string | Promise<string>;
  /** The route's body redaction paths, for `show`. */
  readonly redactPaths: (route: string) => readonly string[];
  readonly now?: () => Date;
  /** The deadline header (config `deadline.header`): the repair tells the upstream its own deadline, not the stored one. */
  readonly deadlineHeader?: string | null;
}

export interface ReplayOptions {
  /** Only this divergence (refused while an older one of the route is still open). */
  readonly id?: number;
  /** List what would be sent, send nothing. */
  readonly dryRun?: boolean;
  /** Headers set on every re-sent request (e.g. a fresh Authorization), replacing the stored ones. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly actor: string;
  /** Who the caller says asked (the admin API's actor is its token's name); kept in the audit details. */
  readonly requestedBy?: string;
  /** Send again a divergence whose last replay got no answer (the side may have applied it): the operator checked. */
  readonly resendUnanswered?: boolean;
}

/**
 * A replay sent but not answered (timed out, reset, an answer that could not be read) may have been
 * applied by the side all the same: its outcome says so, and the next replay does not send it again
 * unless told to. Without this the next `divergences replay` sent the write a second time.
 */
const NO_ANSWER = 'no answer, may have been applied';
const UNANSWERED_CODES = new Set(['UPSTREAM_TIMEOUT', 'UPSTREAM_RESET', 'UPSTREAM_BAD_RESPONSE']);

function maybeApplied(out: ReplayOutcome): boolean {
  return !out.ok && UNANSWERED_CODES.has(out.code);
}

export interface ReplayStep {
  readonly id: number;
  readonly method: string;
  readonly path: string;
  readonly side: Side;
  readonly upstream: string;
  readonly outcome: 'repaired' | 'failed' | 'would_send';
  readonly status: number | null;
  readonly error: string | null;
}

export interface ReplayReport {
  readonly route: string;
  readonly dryRun: boolean;
  readonly steps: readonly ReplayStep[];
  /** Why the replay stopped before the end, or null. */
  readonly stopped: string | null;
  /** Open divergences of the route after the replay; null when the state database could not say. */
  readonly open: number | null;
}

export interface DivergenceDetail extends Divergence {
  readonly request: RequestView;
}

/** The most of a replay's answer read to judge it (the comparison cap): enough for any error body. */
const ANSWER_READ_BYTES = 1_048_576;

/**
 * Why a replay answered below 400 was still not taken: a 2xx whose body says the call failed (an
 * IPP status, a JSON-RPC error, GraphQL errors, a refused git or Mercurial push), or a redirect to
 * the service's sign-in page. The second write was judged by the same rules (pipeline/second-write.ts);
 * without them a replay answered so settled the divergence as repaired, and the write was lost.
 */
function refusedInAnswer(out: ReplayOutcome & { ok: true }): string | null {
  const h = out.headers;
  const location = Array.isArray(h.location) ? h.location[0] : h.location;
  if (isSignInRedirect(out.status, location)) return 'redirected_to_sign_in';
  const encoding = Array.isArray(h['content-encoding']) ? h['content-encoding'].join(', ') : h['content-encoding'];
  let body: Buffer | null = out.body;
  try { body = body && encoding ? decodeBody(body, encoding, ANSWER_READ_BYTES) : body; } catch { body = null; }
  return failureInBody(h['content-type'], body);
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const NOT_OVERRIDABLE = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'host']);

function checkHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!TOKEN.test(name)) throw new DivergenceError('HEADER_INVALID', 400, `header "${name}": not a valid header name`);
    if (NOT_OVERRIDABLE.has(lower)) throw new DivergenceError('HEADER_INVALID', 400, `header "${name}": set by the replay itself, cannot be overridden`);
    if (/[\r\n\0]/.test(value)) throw new DivergenceError('HEADER_INVALID', 400, `header "${name}": the value must not contain CR, LF or NUL`);
    out[lower] = value;
  }
  return out;
}

async function known(deps: RepairDeps, route: string, id: number): Promise<Divergence> {
  const d = await deps.store.get(route, id);
  if (!d) throw new DivergenceError('DIVERGENCE_UNKNOWN', 404, `route ${route} has no divergence ${id} (see: strangler divergences list ${route})`);
  return d;
}

/** One divergence with its request as it may be shown (credentials and redacted body fields masked). */
export async function showDivergence(deps: RepairDeps, route: string, id: number): Promise<DivergenceDetail> {
  const d = await known(deps, route, id);
  return { ...d, request: viewRequest((await deps.store.request(route, id))!, deps.redactPaths(route)) };
}

/** What to send, in order: every open divergence of the route, or only `id` when nothing older is open. */
async function queue(deps: RepairDeps, route: string, id: number | undefined): Promise<Divergence[]> {
  const open = await deps.store.list(route, { status: 'open' });
  if (id === undefined) return open;
  const d = await known(deps, route, id);
  if (d.status !== 'open') throw new DivergenceError('DIVERGENCE_SETTLED', 409, `divergence ${id} is already ${d.status}`);
  const older = open.filter((o) => o.at < d.at || (o.at === d.at && o.id < d.id));
  if (older.length > 0) {
    throw new DivergenceError('DIVERGENCE_ORDER', 409,
      `divergence ${older[0].id} of route ${route} is older and still open: replay without --id to repair them in order, or resolve it first`);
  }
  return [d];
}

async function auditStep(deps: RepairDeps, d: Divergence, step: ReplayStep, opts: ReplayOptions, at: string): Promise<void> {
  const answer = [step.status, step.error].filter((x) => x !== null).join(' ');
  await deps.store.audit({
    at, actor: opts.actor, route: d.route, stage: await deps.stageOf(d.route),
    reason: `divergence ${d.id} failed again on replay: ${d.method} ${d.path} → ${step.upstream} ${answer}`,
    details: { event: 'divergence_replay', divergence: d.id, outcome: 'failed', side: d.side, status: step.status, error: step.error, requestedBy: opts.requestedBy },
  });
}

/** Re-sends the route's open divergences (or one) to the side that missed them, oldest first. */
export async function replayDivergences(deps: RepairDeps, route: string, opts: ReplayOptions): Promise<ReplayReport> {
  const overrides = checkHeaders(opts.headers ?? {});
  const now = deps.now ?? (() => new Date());
  const steps: ReplayStep[] = [];
  let stopped: string | null = null;
  for (const d of await queue(deps, route, opts.id)) {
    if (!d.bodyKept) {
      stopped = `divergence ${d.id} has no stored body (it was over dualWrite.maxBodyBytes): repair it by hand, then \`strangler divergences resolve ${route} ${d.id}\``;
      break;
    }
    const upstream = deps.upstreamFor(route, d.side);
    if (d.lastOutcome?.startsWith(NO_ANSWER) && opts.resendUnanswered !== true) {
      stopped = `divergence ${d.id}'s last replay got no answer (${d.lastOutcome.slice(NO_ANSWER.length + 2)}): ${upstream.name} may have applied it. `
        + `Check ${d.method} ${d.path} there, then \`strangler divergences resolve ${route} ${d.id}\` if it did, or replay with --resend-unanswered if it did not`;
      break;
    }
    const request = (await deps.store.request(route, d.id))!; // opened even in a dry run: proves the key still opens it
    const base = { id: d.id, method: d.method, path: d.path, side: d.side, upstream: upstream.name };
    if (opts.dryRun) { steps.push({ ...base, outcome: 'would_send', status: null, error: null }); continue; }
    const started = now().getTime();
    if (!(await deps.store.claim(d.id, started, started + upstream.timeoutMs + 5000))) {
      stopped = `divergence ${d.id} is being replayed by someone else right now`;
      break;
    }
    const out = await replay(upstream, {
      method: request.method, url: request.target, headers: { ...request.headers, ...overrides }, body: request.body!, tag: REPAIR_TAG,
    }, { timeoutMs: upstream.timeoutMs, captureLimit: ANSWER_READ_BYTES, stopOverCap: true, deadlineHeader: deps.deadlineHeader, otherSide: true });
    const refused = out.ok && out.status < 400 ? refusedInAnswer(out) : null;
    const repaired = out.ok && out.status < 400 && refused === null;
    const step: ReplayStep = { ...base, outcome: repaired ? 'repaired' : 'failed', status: out.ok ? out.status : null, error: out.ok ? refused : out.error };
    steps.push(step);
    const at = now().toISOString();
    if (repaired) {
      try {
        await deps.store.settle(d.id, { status: 'repaired', at, by: opts.actor, reason: `replayed: ${upstream.name} answered ${out.status}`, attempted: true, outcome: `status ${out.status}` }, {
          at, actor: opts.actor, route, stage: await deps.stageOf(route),
          reason: `divergence ${d.id} repaired by replay: ${d.method} ${d.path} → ${upstream.name} ${out.status}`,
          details: { event: 'divergence_replay', divergence: d.id, outcome: 'repaired', side: d.side, status: out.status, requestedBy: opts.requestedBy },
        });
      } catch (err) {
        // The service took it, the database did not hear so (it went away): the divergence is still
        // open, and a replay would send the write twice. Say so, instead of a bare database error.
        stopped = `divergence ${d.id} reached ${upstream.name} (answered ${step.status}) but could not be marked repaired: ${(err as Error).message}. `
          + `Do not replay it again (the write would be sent twice): once the state database is back, \`strangler divergences resolve ${route} ${d.id} --reason "repaired by replay"\``;
        break;
      }
      continue;
    }
    const unanswered = maybeApplied(out);
    await deps.store.failedAttempt(d.id, at, step.status !== null ? `status ${step.status}${step.error ? ` (${step.error})` : ''}`
      : unanswered ? `${NO_ANSWER}: ${step.error ?? ''}` : step.error ?? 'failed');
    await auditStep(deps, d, step, opts, at);
    stopped = unanswered
      ? `divergence ${d.id} got no answer from ${upstream.name} (${step.error}): it may have applied the write. Later ones were not sent, to keep their order; `
        + `check ${d.method} ${d.path} there before replaying again (the next replay stops here unless given --resend-unanswered)`
      : `divergence ${d.id} failed again (${[step.status, step.error].filter((x) => x !== null).join(' ')}); later ones were not sent, to keep their order`;
    break;
  }
  const open = await deps.store.openStats(route).then((o) => o.count, () => null);
  return { route, dryRun: opts.dryRun === true, steps, stopped, open };
}

/** Marks a divergence resolved (repaired by other means, or not to be repaired), without re-sending it. */
export async function resolveDivergence(deps: RepairDeps, route: string, id: number, opts: { reason: string; actor: string; requestedBy?: string }): Promise<Divergence> {
  const d = await known(deps, route, id);
  if (d.status !== 'open') throw new DivergenceError('DIVERGENCE_SETTLED', 409, `divergence ${id} is already ${d.status}`);
  const at = (deps.now ?? (() => new Date()))().toISOString();
  const settled = await deps.store.settle(id, { status: 'resolved', at, by: opts.actor, reason: opts.reason, attempted: false, outcome: null }, {
    at, actor: opts.actor, route, stage: await deps.stageOf(route),
    reason: `divergence ${id} resolved without replay: ${opts.reason}`,
    details: { event: 'divergence_resolved', divergence: id, side: d.side, method: d.method, path: d.path, requestedBy: opts.requestedBy },
  });
  if (!settled) throw new DivergenceError('DIVERGENCE_SETTLED', 409, `divergence ${id} was settled meanwhile`);
  return known(deps, route, id);
}
