// One comparison of two observations, pure: the differences (status, listed headers, cookies,
// body) as facts with their field, generated-value fact (from the raw values) and a fingerprint
// of the primary's redacted value, then redacted and truncated for storage, plus a unified body diff when bodies differ.
// Runs inline for small bodies and in a compare worker thread for large ones, with the same code.
import crypto from 'node:crypto';
import { diffObservations, fieldOf, lastName, redactDifferences, unifiedBodyDiff, valueAtPath, type CompiledRules } from '../compare';
import type { Difference, Observation } from '../compare/types';
import { jsonDocument } from '../compare/body';
import { affinityCookieFact, countdownFact, davEntityTagFact, estimateFact, entityTagFact, formTokenFact, generatedFact, instanceFact, isMetricsPage, labelledInstanceFact, ownEntityTagFact, productIdLineFact, revisionFact, softwareFact, sampleFact, storePositionFact, syncTokenFact, timeNamed, tokenFact } from './generated';
import { differingWords } from '../compare/tokens';
import { cacheFillFact } from './cache-fill';
import { headerForm } from '../compare/header-forms';
import { MAX_DIFFERENCES } from '../compare/json-diff';
import { leafOf, LOCKDISCOVERY_PATH } from '../compare/markup-lines';
import { echoedTagRuns, isEchoedTag } from '../tags';
import { truncateValue, type FieldFact } from './record';

/**
 * Whether a difference is between generated values: a JSON leaf, a JSON data line of a page
 * (markup-lines.ts) whose path is the same on both sides, by its value, or a sample of a metrics page.
 * `formed`: the same difference in its compared form (inComparedForm; a header's).
 */
function generatedOf(d: Difference, formed: Difference, nowMs: number, metrics: boolean, docs: () => Documents): ReturnType<typeof generatedFact> {
  if (d.path.startsWith('$')) {
    // A cache's fill times first: as times they are minutes apart, past the route's tolerance (cache-fill.ts).
    return cacheFillFact(d.path, d.primary, d.shadow, docs) ?? instanceFact(d.path, d.primary, d.shadow) ?? softwareFact(d.path, d.primary, d.shadow) ?? revisionFact(d.path, d.primary, d.shadow) ?? storePositionFact(d.path, d.primary, d.shadow)
      ?? syncTokenFact(lastName(d.path), d.primary, d.shadow)
      ?? generatedFact(d.primary, d.shadow, nowMs, true, timeNamed(d.path)) ?? tokenFact(d.path, d.primary, d.shadow)
      ?? countdownFact(d.path, d.primary, d.shadow) ?? estimateFact(d.path, d.primary, d.shadow) ?? attributeInstanceFact(d, docs);
  }
  if (d.path.startsWith('cookies')) {
    const affinity = affinityCookieFact(lastName(d.path) ?? '');
    if (affinity) return affinity;
  }
  if (d.path === 'headers.etag') {
    const tag = entityTagFact(d.path, d.primary, d.shadow);
    if (tag) return tag;
  }
  if (formed !== d) {
    // Read in the form it is compared in: an Expires in RFC 850 against one in IMF-fixdate is one kind of time.
    const g = generatedFact(formed.primary, formed.shadow, nowMs);
    if (g) return g;
  }
  if (d.element !== undefined) {
    // An XML element's text, named by its element as a JSON leaf by its key (`<D:sync-token>`, `<D:getetag>`).
    const named = instanceFact(d.element, d.primary, d.shadow) ?? softwareFact(d.element, d.primary, d.shadow) ?? syncTokenFact(d.element, d.primary, d.shadow) ?? davEntityTagFact(d.element, d.primary, d.shadow)
      ?? tokenFact(d.element, d.primary, d.shadow);
    if (named) return named;
  }
  if (!d.path.startsWith('text[') || typeof d.primary !== 'string' || typeof d.shadow !== 'string') return generatedFact(d.primary, d.shadow, nowMs) ?? countdownFact(d.path, d.primary, d.shadow);
  if (metrics) {
    const sample = sampleFact(d.primary, d.shadow);
    if (sample) return sample;
  }
  const a = leafOf(d.primary);
  const b = leafOf(d.shadow);
  if (a && b && a[0] === LOCKDISCOVERY_PATH && b[0] === LOCKDISCOVERY_PATH) return { kind: 'token', deltaMs: null }; // the answering side's locks (markup-lines.ts)
  return a && b && a[0] === b[0] ? instanceFact(a[0], a[1], b[1]) ?? generatedFact(a[1], b[1], nowMs, true, timeNamed(a[0]))
    // A line labelled for the process (`Last build: …`, `Started at: …`) by its label first, as a JSON
    // field is by its name (instanceFact above): a time in it days off is the build's, not a clock's.
    : labelledInstanceFact(d.primary, d.shadow) ?? generatedFact(d.primary, d.shadow, nowMs) ?? formTokenFact(d.primary, d.shadow) ?? productIdLineFact(d.primary, d.shadow);
}

/** A JSON member or a text line that is only a facade tag an upstream echoed (core/tags.ts). */
const echoedTag = (d: Difference): boolean => (d.path.startsWith('$') || d.path.startsWith('text['))
  && isEchoedTag(d.kind, d.path.startsWith('$') ? lastName(d.path) ?? '' : undefined, d.primary, d.shadow);

/** A process's name as a value: a host, a pod, an address (no spaces, three characters or more, not a bare number but one of 12 digits or more: a cluster member's id). */
const IDENTITY = /^(?:(?=.*[A-Za-z])[A-Za-z0-9][A-Za-z0-9._:@-]{2,252}|\d{12,20})$/;

/**
 * The pairs of names the answer itself gave as each side's process (a `hostname`, a `podName`
 * judged `instance`): the same answer's links and lines that name it (Eureka's
 * `homePageUrl: http://<hostName>:8080/`) differ by it alone.
 */
function identityPairs(raw: readonly Difference[], generated: ReadonlyArray<ReturnType<typeof generatedFact>>): Array<readonly [string, string]> {
  const pairs: Array<readonly [string, string]> = [];
  raw.forEach((d, i) => {
    if (generated[i]?.kind !== 'instance' || typeof d.primary !== 'string' || typeof d.shadow !== 'string') return;
    if (IDENTITY.test(d.primary) && IDENTITY.test(d.shadow) && !pairs.some(([a]) => a === d.primary)) pairs.push([d.primary, d.shadow]);
  });
  return pairs.sort(([a], [b]) => b.length - a.length); // the longest first: `host-1.dc` before `host-1`
}

/** A name for the id of one member of a cluster, one node, one server: which process answered, beside other names for it. */
const PEER_ID = /^(?:member|node|server|peer|replica|raft)_?(?:id|ID|Id)$/;

/**
 * A member's, node's or server's id beside a field of the same object judged `instance` by its name
 * (etcd's every answer: `header: {cluster_id, member_id, revision, raft_term}`): the process that
 * answered, each side's own, so `instance` too (probes14: etcd's member_id was real on every
 * endpoint, level with a planted value). Alone, or beside business fields, such a name may be data
 * (a club's `member_id`) and stays as it is. In place.
 */
function peersOfInstances(raw: readonly Difference[], generated: Array<ReturnType<typeof generatedFact>>): void {
  const parentOf = (path: string): string => path.replace(/(?:\.[^.[\]]+|\["[^"]*"\]|\[\d+\])$/, '');
  const instanceParents = new Set<string>();
  raw.forEach((d, i) => { if (generated[i]?.kind === 'instance' && d.path.startsWith('$')) instanceParents.add(parentOf(d.path)); });
  if (instanceParents.size === 0) return;
  raw.forEach((d, i) => {
    if (generated[i] || !d.path.startsWith('$') || d.kind !== 'changed' || typeof d.primary !== typeof d.shadow) return;
    if (typeof d.primary !== 'string' && typeof d.primary !== 'number') return;
    const leaf = lastName(d.path);
    if (leaf !== undefined && PEER_ID.test(leaf) && instanceParents.has(parentOf(d.path))) generated[i] = { kind: 'instance', deltaMs: null };
  });
}

/** A string that becomes the shadow's once each side's own names (identityPairs) are swapped in: `instance`. */
function namedByIdentity(d: Difference, pairs: ReadonlyArray<readonly [string, string]>): ReturnType<typeof generatedFact> {
  if (pairs.length === 0 || d.kind !== 'changed' || typeof d.primary !== 'string' || typeof d.shadow !== 'string' || d.primary.length > 4096) return null;
  let swapped = d.primary;
  for (const [a, b] of pairs) swapped = swapped.split(a).join(b);
  return swapped !== d.primary && swapped === d.shadow ? { kind: 'instance', deltaMs: null } : null;
}

/** Both bodies parsed as JSON (undefined where one is not), read only when a difference needs them. */
interface Documents { readonly primary: unknown; readonly shadow: unknown }

/**
 * The value of a `{key, value}` attribute (Jaeger's tags, OTLP's attributes with their typed
 * `value.stringValue`, AWS's `{Key, Value}`, Kubernetes' `{name, value}`): the element's path.
 */
const ATTRIBUTE_VALUE = /^(.*\[\d+\])\.(?:value|Value)(?:\.[a-z]+Value)?$/;

function attributeKey(doc: unknown, element: string): string | undefined {
  const e = valueAtPath(doc, element);
  if (e === null || typeof e !== 'object' || Array.isArray(e)) return undefined;
  const o = e as Record<string, unknown>;
  const key = o.key ?? o.Key ?? o.name ?? o.Name;
  return typeof key === 'string' ? key : undefined;
}

/** An attribute's value whose key, the same on both sides, names the answering process's own figure (`hostname`, `host.name`, `process.pid`). */
function attributeInstanceFact(d: Difference, docs: () => Documents): ReturnType<typeof generatedFact> {
  const element = ATTRIBUTE_VALUE.exec(d.path)?.[1];
  if (element === undefined) return null;
  const { primary, shadow } = docs();
  const key = attributeKey(primary, element);
  return key !== undefined && key === attributeKey(shadow, element) ? instanceFact(key, d.primary, d.shadow) : null;
}

/**
 * A Set-Cookie line with its value as one word: the value is opaque to the client, which sends it
 * back as it came (RFC 6265 §5.4), so a node name or a route beside a session id in it
 * (`JSESSIONID=<hex>.node1`, a BIG-IP pool cookie) is no word the primary could be seen to repeat.
 * Its attributes stay words (a lost `HttpOnly` still is one).
 */
const valueAsOneWord = (cookie: string): string => cookie.replace(/^([^=;]*=)([^;]*)/, (_m, name: string, value: string) => `${name}v${sha1(value).replace(/[^A-Za-z0-9]/g, '').slice(0, 16)}`);

/** For two differing strings: the words they differ at (tokens.ts differingWords). */
function wordsOf(d: Difference, nowMs: number): readonly number[] | null | undefined {
  if (d.kind !== 'changed' || typeof d.primary !== 'string' || typeof d.shadow !== 'string') return undefined;
  if (d.path.startsWith('cookies.')) return differingWords(valueAsOneWord(d.primary), valueAsOneWord(d.shadow), nowMs);
  return differingWords(d.primary, d.shadow, nowMs);
}

/**
 * A header's difference with both values in the form they are compared in (header-forms.ts:
 * Server-Timing's parameters sorted, an HTTP date as IMF-fixdate), for judging its words and
 * times in both comparisons alike; any other difference as it is. Stored values stay as sent.
 */
function inComparedForm(d: Difference): Difference {
  if (!d.path.startsWith('headers.') || typeof d.primary !== 'string' || typeof d.shadow !== 'string') return d;
  const name = d.path.slice('headers.'.length);
  return { ...d, primary: headerForm(name, d.primary, []), shadow: headerForm(name, d.shadow, []) };
}

export interface Evaluated {
  /** Every differing path (ignore rules are applied by classification, so they can change later). */
  readonly facts: readonly FieldFact[];
  /** Unified diff of the (redacted, canonical) bodies; '' when the bodies do not differ. */
  readonly diff: string;
}

/** crypto.hash (Node >= 20.12): one-shot, a third of createHash's cost on these short inputs. */
const oneShot = (crypto as unknown as { hash?: (algorithm: string, data: string, encoding: 'base64url') => string }).hash;
const sha1 = (text: string): string => (oneShot ? oneShot('sha1', text, 'base64url') : crypto.createHash('sha1').update(text).digest('base64url'));

function fingerprint(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value) ?? 'undefined';
  return sha1(text).slice(0, 12); // two per differing field
}

const isBodyPath = (path: string): boolean => path.startsWith('$') || path.startsWith('text[') || path.startsWith('body');

/**
 * Differences of two observations as facts (see {@link Evaluated}); the unified diff only `withDiff`.
 * `bodiesEqual`: the caller found the bodies byte-equal as received, so they are not read. `nowMs`:
 * when the answers were compared (generated.ts takes epoch numbers for times only near it).
 */
export function evaluate(primary: Observation, shadow: Observation, rules: CompiledRules, withDiff = true, bodiesEqual = false, nowMs = Date.now()): Evaluated {
  const found = diffObservations(primary, shadow, rules, bodiesEqual);
  const inTables = echoedTagRuns(found);
  const all = found.filter((d, i) => !inTables.has(i) && !echoedTag(d));
  if (all.length === 0) return { facts: [], diff: '' };
  // A page's lines and headers too: at most MAX_DIFFERENCES listed (json-diff.ts says why).
  const raw = all.length > MAX_DIFFERENCES ? all.slice(0, MAX_DIFFERENCES) : all;
  const redacted = redactDifferences(raw, rules.redact, rules.redaction); // keyed fingerprints: two different secrets stay different
  const metrics = primary.ok && shadow.ok && isMetricsPage(primary.headers['content-type']) && isMetricsPage(shadow.headers['content-type']);
  let parsed: Documents | undefined;
  const docs = (): Documents => (parsed ??= { primary: jsonDocument(primary.ok ? primary.body : null), shadow: jsonDocument(shadow.ok ? shadow.body : null) });
  const formed = raw.map(inComparedForm);
  const generated = raw.map((d, i) => generatedOf(d, formed[i]!, nowMs, metrics, docs));
  if (primary.ok && shadow.ok && primary.headers.etag !== undefined && shadow.headers.etag !== undefined) {
    // A body value that is each answer's own ETag header repeated: judged as that header (ownEntityTagFact).
    raw.forEach((d, i) => {
      if (!generated[i] && d.kind === 'changed' && (d.path.startsWith('$') || d.element !== undefined)) generated[i] = ownEntityTagFact(d.primary, d.shadow, primary.headers.etag, shadow.headers.etag);
    });
  }
  peersOfInstances(raw, generated);
  const identities = identityPairs(raw, generated);
  const facts = raw.map((d: Difference, i): FieldFact => {
    const r = redacted[i]!;
    return Object.freeze({
      path: d.path, field: fieldOf(d.path), kind: d.kind,
      primary: truncateValue(r.primary), shadow: truncateValue(r.shadow),
      primaryHash: fingerprint(r.primary), shadowHash: fingerprint(r.shadow), generated: generated[i] ?? namedByIdentity(d, identities),
      words: wordsOf(formed[i]!, nowMs),
    });
  });
  // The unified diff costs ~15x the structural diff: callers ask for it only for the samples they keep.
  const bodies = withDiff && primary.ok && shadow.ok && raw.some((d) => isBodyPath(d.path));
  if (!bodies) return { facts, diff: '' };
  // Bodies apart at that many paths, or too far apart (or too deep) to diff by line and compared by
  // hash: a line diff would cost seconds and say no more.
  if (all.length >= MAX_DIFFERENCES) return { facts, diff: `--- primary\n+++ shadow\n@@ the bodies differ at ${MAX_DIFFERENCES} or more paths; no line diff @@\n` };
  if (raw.some((d) => d.path === 'body#sha256')) return { facts, diff: '--- primary\n+++ shadow\n@@ the bodies differ too widely to diff by line; compared by hash @@\n' };
  return { facts, diff: unifiedBodyDiff(primary, shadow, { rules }) };
}
