// Step: after the client has its answer, compare. Reads: primary vs shadow (plus, for a sample,
// primary vs primary again, to learn noise). Writes: the authoritative answer vs the second write;
// a failed second write is a divergence, stored with the (redacted) request needed to repair it.
import { noiseFieldsFrom, redactBody, redactHeaders } from '../core/compare';
import type { Side } from '../core/stages';
import { ALWAYS_REDACTED } from '../io/compare-rules';
import type { ComparisonRecord } from '../io/comparison-store';
import { replay } from '../io/replay';
import { routeLabel } from './forward-primary';
import { observeForwarded, observeReplayed } from './observations';
import { upstreamFor, type ComparisonDeps, type FacadeDeps, type RequestContext, type Step } from './context';

type Base = Omit<ComparisonRecord, 'outcome' | 'reason' | 'mismatchedFields' | 'ignoredFields' | 'detail' | 'noiseFields' | 'shadowStatus' | 'shadowMs'>;

function base(ctx: RequestContext, primarySide: Side): Base {
  const p = ctx.primary;
  return {
    at: new Date().toISOString(), route: routeLabel(ctx), stage: ctx.decision!.stage, kind: ctx.decision!.kind,
    method: ctx.req.method ?? 'GET', path: ctx.path, requestId: ctx.requestId, primarySide,
    primaryStatus: p?.kind === 'answered' ? p.status : null, primaryMs: p && 'ms' in p ? p.ms : null,
  };
}

function unmatched(b: Base, outcome: 'skipped' | 'error' | 'divergence', reason: string, detail: unknown = null): ComparisonRecord {
  return { ...b, shadowStatus: null, shadowMs: null, outcome, reason, mismatchedFields: [], ignoredFields: [], detail, noiseFields: null };
}

/** The request as stored for a divergence: credentials and configured body fields redacted. */
function repairRequest(ctx: RequestContext, redact: readonly string[]): unknown {
  let body: unknown = null;
  if (ctx.body && ctx.body.length > 0) {
    try { body = redactBody(JSON.parse(ctx.body.toString('utf8')), redact); } catch { body = { unparsed: true, bytes: ctx.body.length }; }
  }
  return { method: ctx.req.method, url: ctx.req.url, headers: redactHeaders(ctx.req.headers), body };
}

async function noiseSample(ctx: RequestContext, deps: FacadeDeps, c: ComparisonDeps, primary: import('../core/compare/types').Observation): Promise<string[] | null> {
  const rt = ctx.runtime!;
  if (deps.sample() * 100 >= rt.config.compare.noiseSample) return null;
  const side = ctx.answeredBy!;
  const again = await replay(upstreamFor(side, ctx, deps), {
    method: ctx.req.method ?? 'GET', url: ctx.req.url ?? ctx.path, headers: ctx.req.headers, body: ctx.body ?? Buffer.alloc(0), tag: 'x-strangler-shadow',
  }, { timeoutMs: rt.config.compare.shadowTimeoutMs, captureLimit: rt.config.compare.maxBodyBytes });
  const second = observeReplayed(side, again, rt.config.compare.maxBodyBytes);
  if (!second.ok) return null;
  const evaluated = await c.pool.evaluate(rt.config.name, primary, second.observation);
  return noiseFieldsFrom(evaluated.mismatched);
}

async function compareRead(ctx: RequestContext, deps: FacadeDeps, c: ComparisonDeps): Promise<ComparisonRecord> {
  const d = ctx.decision!;
  const cap = ctx.runtime!.config.compare.maxBodyBytes;
  const b = base(ctx, ctx.answeredBy ?? d.primary);
  if (ctx.shadowSkipped) return unmatched(b, 'skipped', ctx.shadowSkipped);
  const shadowOut = await ctx.shadow!;
  if (ctx.answeredBy !== d.primary) return unmatched(b, 'skipped', 'fallback');
  const p = observeForwarded(d.primary, ctx.primary, cap);
  if (!p.ok) return unmatched(b, p.outcome, p.reason);
  const s = observeReplayed(d.shadow!, shadowOut, cap);
  const shadowFacts = { shadowStatus: shadowOut.ok ? shadowOut.status : null, shadowMs: shadowOut.ms };
  if (!s.ok) return { ...unmatched(b, s.outcome, s.reason), ...shadowFacts };
  const [evaluated, noiseFields] = await Promise.all([
    c.pool.evaluate(b.route, p.observation, s.observation),
    d.kind === 'read' ? noiseSample(ctx, deps, c, p.observation) : Promise.resolve(null),
  ]);
  const mismatchedFields = noiseFieldsFrom(evaluated.mismatched);
  if (noiseFields) c.recorder.add({ ...unmatched(b, 'skipped', 'noise_sample'), noiseFields, outcome: 'skipped' });
  const outcome = evaluated.outcome === 'match' ? 'match' : c.recorder.classify(b.route, mismatchedFields);
  return {
    ...b, ...shadowFacts, outcome, reason: null, mismatchedFields, ignoredFields: noiseFieldsFrom(evaluated.ignored),
    detail: { mismatched: evaluated.mismatched, ignored: evaluated.ignored, diff: evaluated.diff }, noiseFields: null,
  };
}

async function compareWrite(ctx: RequestContext, c: ComparisonDeps): Promise<ComparisonRecord | null> {
  const d = ctx.decision!;
  const rt = ctx.runtime!;
  const p = ctx.primary;
  if (!p || p.kind !== 'answered' || !p.complete || p.status >= 400) return null; // nothing was sent to the other side
  const b = base(ctx, d.primary);
  const redact = [...rt.config.compare.redact, ...ALWAYS_REDACTED];
  if (ctx.body === null) return unmatched(b, 'divergence', 'second_write_not_sent_too_large', { request: repairRequest(ctx, redact) });
  const sw = ctx.secondWrite;
  if (!sw) return null;
  const facts = { shadowStatus: sw.ok ? sw.status : null, shadowMs: sw.ms };
  if (!sw.ok || sw.status >= 400) {
    const why = sw.ok ? `second_write_status_${sw.status}` : `second_write_${sw.code}`;
    return { ...unmatched(b, 'divergence', why, { request: repairRequest(ctx, redact), secondWrite: sw.ok ? { status: sw.status } : { error: sw.error } }), ...facts };
  }
  const po = observeForwarded(d.primary, p, rt.config.compare.maxBodyBytes);
  const so = observeReplayed(d.then!, sw, rt.config.compare.maxBodyBytes);
  if (!po.ok) return { ...unmatched(b, po.outcome, po.reason), ...facts };
  if (!so.ok) return { ...unmatched(b, so.outcome, so.reason), ...facts };
  const evaluated = await c.pool.evaluate(b.route, po.observation, so.observation);
  const mismatchedFields = noiseFieldsFrom(evaluated.mismatched);
  return {
    ...b, ...facts, outcome: evaluated.outcome === 'match' ? 'match' : c.recorder.classify(b.route, mismatchedFields), reason: null,
    mismatchedFields, ignoredFields: noiseFieldsFrom(evaluated.ignored), noiseFields: null,
    detail: { mismatched: evaluated.mismatched, ignored: evaluated.ignored, diff: evaluated.diff },
  };
}

export const recordComparison: Step = (ctx, deps) => {
  const d = ctx.decision;
  if (!deps.comparisons || !d || !ctx.runtime) return undefined;
  if (!(d.kind === 'read' && (ctx.shadow || ctx.shadowSkipped)) && !(d.kind === 'write' && d.then !== null)) return undefined;
  return record(ctx, deps, deps.comparisons);
};

async function record(ctx: RequestContext, deps: FacadeDeps, c: ComparisonDeps): Promise<undefined> {
  const d = ctx.decision!;
  try {
    let record: ComparisonRecord | null = null;
    if (d.kind === 'read' && (ctx.shadow || ctx.shadowSkipped)) record = await compareRead(ctx, deps, c);
    else if (d.kind === 'write' && d.then !== null) record = await compareWrite(ctx, c);
    if (record) c.recorder.add(record);
  } catch (err) {
    // A comparison bug must never reach the client (who already has the answer) nor crash the facade.
    deps.logger.error({ err: (err as Error).message, requestId: ctx.requestId }, 'comparison failed');
    deps.metrics.comparisons.inc({ route: routeLabel(ctx), outcome: 'compare_failed' });
  }
  return undefined;
}
