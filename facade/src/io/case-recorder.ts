// Keeps recorded cases as the facade compares (called from the comparison step, off the response
// path): for each comparison made, decides cheaply from an in-memory index whether the exchange is
// wanted (a real difference, or a sample its endpoint still lacks), then captures it redacted
// (core/cases/capture.ts) and queues it; batches are admitted under the budget in one transaction.
// New captures are capped per second per route; a store failure is logged, never thrown: cases must
// not touch requests or comparisons.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { CasesConfig } from '../config';
import {
  caseId, captureCase, captureRequest, caseComparison, caseRedaction, serializeCase, type CapturePolicy, type CaseClass, type CaseRequest,
} from '../core/cases';
import { asBuffer } from '../core/compare/body';
import type { RedactionOptions } from '../core/compare/redact';
import type { Observation } from '../core/compare/types';
import { isVerdict, type Classed, type ComparisonRecord } from '../core/comparison';
import type { RequestContext } from '../pipeline/context';
import { caseIndex, type CaseRow, type CaseStore } from './case-store';
import { decodeBody } from './decode-body';
import { RouteBudget } from './route-budget';

/** Both sides' observations of a comparison that was made. */
export interface Observed {
  readonly primary: Observation;
  readonly shadow: Observation;
}

export interface CaseRecorderOptions {
  readonly store: CaseStore;
  readonly config: CasesConfig;
  /** The facade's redaction lists (its fingerprint key is not used for cases). */
  readonly redaction: RedactionOptions;
  /** A route's body redaction paths (its compare.redact and the ones always redacted). */
  readonly redactPaths: (route: string) => readonly string[];
  /** Classes the record's fields with the live rules and evidence (what the case says was found). */
  readonly classify: (record: ComparisonRecord) => Classed;
  readonly logger: Logger;
  readonly flushMs?: number;
}

const MAX_QUEUE = 1000;
/** Raw requests remembered as kept (each a short key: route, method, target and a body digest). */
const RECENT_REQUESTS = 4096;

/** One key per raw request: equal keys capture to the same case (the id is made of the same parts, redacted). */
function rawRequestKey(route: string, method: string, target: string, body: Buffer | null): string {
  const digest = body === null ? '-' : body.length === 0 ? '0' : createHash('sha1').update(body).digest('base64');
  return `${route}\u0000${method}\u0000${target}\u0000${digest}`;
}
/** New cases captured per second per route at most (the same request again costs only an id check). */
const CAPTURES_PER_SECOND = 50;

export class CaseRecorder {
  private readonly ids = new Map<string, CaseClass>();
  /** Raw requests (route, method, target, body) already kept, newest last: the same request again is known without capturing it. */
  private readonly recent = new Map<string, CaseClass>();
  private readonly samples = new Map<string, number>();
  private queue: CaseRow[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<(rows: readonly CaseRow[]) => void>();
  private readonly policies = new Map<string, CapturePolicy>();
  private readonly rate = new RouteBudget();
  private closed = false;

  constructor(private readonly o: CaseRecorderOptions) {
    this.loadIndex();
  }

  /** Offers one recorded comparison (`record` as the recorder stored it, with its verdict). Never throws. */
  offer(ctx: RequestContext, record: ComparisonRecord, observed: Observed | null | undefined): void {
    if (!this.o.config.enabled || this.closed || !observed || !isVerdict(record.outcome)) return;
    try {
      this.consider(ctx, record, observed);
    } catch (err) {
      this.o.logger.warn({ err: (err as Error).message, requestId: record.requestId }, 'case not recorded');
    }
  }

  private consider(ctx: RequestContext, record: ComparisonRecord, observed: Observed): void {
    const monolith = observed.primary.side === 'monolith' ? observed.primary : observed.shadow;
    if (!monolith.ok || monolith.side !== 'monolith') return;
    const cls: CaseClass = record.outcome === 'mismatch' ? 'real' : 'sample';
    const key = `${record.route}\u0000${record.endpoint}`;
    if (cls === 'sample' && (this.samples.get(key) ?? 0) >= this.o.config.perEndpoint) return; // the cheap test first
    const raw = { method: record.method, target: ctx.req.url ?? record.path, headers: ctx.req.headers, body: this.requestBody(ctx) };
    // The same request again (a hot endpoint read over and over) has the same case id: known from the
    // raw request, without redacting it again (capturing it cost ~6 % of the CPU at `shadow` in a profile).
    const rawKey = rawRequestKey(record.route, raw.method, raw.target, raw.body);
    if (this.recent.get(rawKey) === cls) return;
    const policy = this.policyFor(record.route);
    const request: CaseRequest = captureRequest(raw, policy);
    const id = caseId(record.route, request);
    if (this.ids.get(id) === cls) { this.remember(rawKey, cls); return; } // this very request is kept already
    // Capturing parses and redacts the answer: a bounded number per second per route, whatever the traffic.
    if (this.rate.take(record.route, CAPTURES_PER_SECOND) !== true) return;
    this.rate.release(record.route);
    const c = captureCase({
      route: record.route, endpoint: record.endpoint, kind: record.kind, stage: record.stage, at: record.at,
      source: { kind: 'comparison', requestId: record.requestId }, request: raw,
      answer: { side: 'monolith', status: monolith.status, headers: monolith.headers, body: asBuffer(monolith.body) },
      comparison: caseComparison(record, this.o.classify(record)),
    }, policy, request);
    this.ids.set(c.id, cls);
    this.remember(rawKey, cls);
    if (cls === 'sample') this.samples.set(key, (this.samples.get(key) ?? 0) + 1);
    if (this.queue.length >= MAX_QUEUE) return;
    this.queue.push({ case: c, text: serializeCase(c), class: cls });
    if (!this.timer) this.timer = setTimeout(() => this.flush(), this.o.flushMs ?? 100).unref();
  }

  /** The request body decoded (content-encoding); null when it was not kept or cannot be decoded. */
  private requestBody(ctx: RequestContext): Buffer | null {
    if (ctx.body === null) return ctx.req.headers['content-length'] === undefined && ctx.req.headers['transfer-encoding'] === undefined ? Buffer.alloc(0) : null;
    const enc = ctx.req.headers['content-encoding'];
    try {
      return decodeBody(ctx.body, Array.isArray(enc) ? enc.join(', ') : enc, this.o.config.maxBodyBytes + 1);
    } catch {
      return null;
    }
  }

  private policyFor(route: string): CapturePolicy {
    let p = this.policies.get(route);
    if (!p) {
      p = { redact: this.o.redactPaths(route), redaction: caseRedaction(this.o.redaction), maxBodyBytes: this.o.config.maxBodyBytes };
      this.policies.set(route, p);
    }
    return p;
  }

  /** Writes the queued cases now (one transaction); tests call it instead of waiting for the timer. */
  flush(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    try {
      const out = this.o.store.write(batch, this.o.config);
      // The store decided (other processes write too): start again from what it holds.
      if (out.skipped > 0 || out.evicted > 0) this.loadIndex();
      for (const l of this.listeners) l(out.stored);
    } catch (err) {
      this.o.logger.warn({ err: (err as Error).message, cases: batch.length }, 'case store write failed; these cases are not kept');
      this.loadIndex();
    }
  }

  /** Called with the cases of each batch that were stored. */
  onStored(listener: (rows: readonly CaseRow[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Notes that the request behind `rawKey` is kept as `cls` (the newest RECENT_REQUESTS of them). */
  private remember(rawKey: string, cls: CaseClass): void {
    this.recent.delete(rawKey);
    this.recent.set(rawKey, cls);
    if (this.recent.size > RECENT_REQUESTS) this.recent.delete(this.recent.keys().next().value as string);
  }

  close(): void {
    this.flush();
    this.closed = true;
  }

  private loadIndex(): void {
    this.ids.clear();
    this.recent.clear();
    this.samples.clear();
    for (const r of caseIndex(this.o.store.db)) {
      this.ids.set(r.id, r.class);
      if (r.class === 'sample') {
        const key = `${r.route}\u0000${r.endpoint}`;
        this.samples.set(key, (this.samples.get(key) ?? 0) + 1);
      }
    }
  }
}
