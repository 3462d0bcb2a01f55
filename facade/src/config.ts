// The facade's config file: one zod schema with its defaults beside it, parsed once at start-up into a
// deep-frozen FacadeConfig. Every problem (schema and cross-field) is reported in one ConfigError.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { crossFieldProblems, describeIssue, NAME } from './config-checks';
import { validatePattern } from './core/routing';
import { SAFE_METHODS, STAGES } from './core/stages';
import { GENERATED_KINDS } from './core/comparison/generated';
import { ConfigError } from './errors';
import { PRIVATE_NETWORKS } from './io/forwarded-trust';
import { STREAM_IDLE_DEFAULT_MS } from './io/deadlines';

// zod compiles a fast parser for each object schema on its first parse: ~11 ms of a command's start
// here (measured: a config's first parse 18–19 ms compiled, 7–8 ms interpreted; later parses 1.4 ms
// either way). Every schema of this process parses a few documents (the config, admin bodies, case
// files), so interpreting is the cheaper choice.
z.config({ jitless: true });

/** Config file used when neither `--config` nor the environment names one. */
export const DEFAULT_CONFIG_PATH = 'strangler.config.json';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const text = z.string().min(1);
// Node clamps a timer of 2^31 ms or more to 1 ms (so a huge timeout fired at once): refuse it here.
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;
const timeout = () => z.number().int().positive().max(MAX_TIMEOUT_MS);
const ms = (byDefault: number) => timeout().default(byDefault);
const percent = (byDefault: number) => z.number().min(0).max(100).default(byDefault);
const rate = (byDefault: number) => z.number().min(0).max(1).default(byDefault);
const port = (byDefault: number) => z.number().int().min(0).max(65535).default(byDefault);
const httpUrl = z.string().refine(isHttpUrl, 'must be an http(s) URL without query or fragment')
  // Never sent (undici's pools take the origin only) yet printed wherever the URL is: refused, not dropped in silence.
  .refine((u) => !URL.canParse(u) || (new URL(u).username === '' && new URL(u).password === ''),
    'must not carry credentials (user:password@): they would not be sent to the upstream; the facade forwards each client\'s own Authorization');
// An address or a CIDR (`10.0.0.0/8`, `fd00::/8`), or `*`: every peer.
const forwardedPeer = z.string().refine((s) => {
  if (s === '*') return true;
  const [address, bits, extra] = s.split('/');
  const v = isIP(address ?? '');
  return v !== 0 && extra === undefined && (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (v === 4 ? 32 : 128)));
}, 'must be an IP address, a CIDR such as 10.0.0.0/8, or "*"');
const bodyPath = z.string().regex(/^\$/, 'must be a body path starting with "$" (e.g. "$.password", "$..card_number")');
const headerName = z
  .string()
  .regex(TOKEN, 'must be a header name')
  .transform((h) => h.toLowerCase())
  .refine((h) => h !== 'date', '"date" is never compared: it differs on every response');

const method = z
  .string()
  .regex(TOKEN, 'must be an HTTP method')
  .transform((m) => m.toUpperCase());

// Deadlines of one exchange with an upstream (docs/reference/limits.md): connect, response headers
// (default: timeoutMs), idle time between body chunks, and timeoutMs over the whole exchange.
const deadlineFields = {
  connectTimeoutMs: timeout().optional(),
  headersTimeoutMs: timeout().optional(),
  idleTimeoutMs: timeout().optional(),
  timeoutMs: timeout().optional(),
  streamIdleTimeoutMs: timeout().optional(), // gaps in a stream's body (event streams: no total deadline)
};

// Circuit breaker and bulkhead per upstream (docs/reference/resilience.md, with the reasons for the defaults).
const breaker = z.strictObject({
  enabled: z.boolean().default(true),
  windowMs: ms(10_000), // failure rate measured over this sliding window
  minRequests: z.number().int().min(1).max(1_000_000).default(20), // fewer in the window never open it
  failureRate: z.number().gt(0).max(1).default(0.5), // failures / requests at or above which it opens
  coolDownMs: ms(5000), // open this long, then half-open
  halfOpenProbes: z.number().int().min(1).max(1000).default(3), // trial requests; all must succeed to close
  // Answers that count as failures besides refused, reset and timed-out exchanges.
  failureStatuses: z.array(z.number().int().min(500).max(599)).default(() => [502, 503, 504]),
  // Those answers count only once this many endpoints gave them in the window: one endpoint answering
  // 503 on purpose (its search cluster is down), or hammered by one client, cannot open it for all (1: any).
  statusFailureEndpoints: z.number().int().min(1).max(1000).default(2),
}).prefault({});

const bulkhead = z.strictObject({
  enabled: z.boolean().default(true),
  maxConcurrent: z.number().int().min(1).max(1_000_000).optional(), // default: maxSockets
  maxQueue: z.number().int().min(0).max(1_000_000).default(128), // waiting for a slot; beyond: 503 at once
  maxWaitMs: ms(1000), // longest wait in the queue (never past the request's deadline)
  // Of maxConcurrent, the share requests whose body is still arriving may hold: slow uploads (one
  // byte a second) must not take every slot from the requests that could be answered at once.
  maxUploadShare: z.number().gt(0).max(1).default(0.5),
}).prefault({});

/** A route pattern (`/api/products/**`), as routing.ts validates it. */
const routePattern = z.string().superRefine((p, ctx) => {
  const problem = validatePattern(p);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});

// nginx's proxy_read_timeout (60 s) is the time between two reads from the upstream, with no total:
// idle gaps get the same, and so does the time to the headers, for a service as for the monolith (a
// 30 s long poll that works at off must not get a 504 at live); a total over the whole exchange
// bounds what nginx leaves unbounded, long enough for a slow report or export that works behind nginx.
const IDLE_DEFAULT_MS = 60_000;
const TOTAL_DEFAULT_MS = 600_000;

const upstream = (headersMs: number) =>
  z
    .strictObject({
      url: httpUrl,
      // The Host this upstream gets: the client's (default), its own URL's, or a name of its own.
      host: z.string().regex(/^(?:client|upstream|(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~%]+)(?::\d{1,5})?)$/,
        'must be "client", "upstream" or a host[:port]').optional(),
      ...deadlineFields,
      maxSockets: z.number().int().min(1).default(256),
      maxHeaderBytes: z.number().int().min(1024).max(16_777_216).default(65_536), // response headers
      // How its answers are read: strict (llhttp), lenient (bare LF, obs-fold… as nginx reads them), or
      // auto: strict until one answer needs lenience, then lenient (io/answer-parsing.ts).
      parser: z.enum(['auto', 'strict', 'lenient']).default('auto'),
      // Idempotent requests that fail to connect (nothing was sent) are tried again, every delayMs within budgetMs.
      retry: z.strictObject({
        idempotentMethods: z.array(method).default(() => ['GET', 'HEAD', 'OPTIONS']),
        delayMs: ms(250),
        budgetMs: z.number().int().min(0).max(MAX_TIMEOUT_MS).default(3000),
      }).prefault({}),
      breaker,
      bulkhead,
    })
    .transform((u) => ({
      ...u,
      // Default: as many as the connection pool has sockets (beyond that they would wait in the pool's unbounded queue).
      bulkhead: { ...u.bulkhead, maxConcurrent: u.bulkhead.maxConcurrent ?? u.maxSockets },
      connectTimeoutMs: u.connectTimeoutMs ?? 2000,
      timeoutMs: u.timeoutMs ?? Math.max(TOTAL_DEFAULT_MS, u.headersTimeoutMs ?? 0),
      headersTimeoutMs: u.headersTimeoutMs ?? u.timeoutMs ?? headersMs,
      idleTimeoutMs: u.idleTimeoutMs ?? IDLE_DEFAULT_MS,
      streamIdleTimeoutMs: u.streamIdleTimeoutMs ?? STREAM_IDLE_DEFAULT_MS,
    }));

const normalizer = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('arrayOrder'), path: text, key: text.optional() }),
  z.strictObject({ kind: z.literal('numericTolerance'), path: text, tolerance: z.number().nonnegative() }),
  z.strictObject({ kind: z.literal('numericString'), path: text }),
  z.strictObject({ kind: z.literal('timestamp'), path: text }),
]);

const compare = z.strictObject({
  sample: percent(100), // % of safe requests compared
  maxBodyBytes: z.number().int().positive().default(1_048_576),
  maxInFlight: z.number().int().min(1).default(64),
  shadowTimeoutMs: ms(5000),
  // When a safe read differs, ask the primary again (off the client's path) to tell noise from real differences.
  reask: z.strictObject({
    enabled: z.boolean().default(true),
    perSecond: z.number().positive().max(100_000).default(50), // re-asks per second per route (token bucket)
    // Re-asks the bucket holds when full: a route's first minutes (every endpoint's fields still to
    // decide) need more than a second's worth; each field needs at most `enough`, so it runs dry.
    burst: z.number().int().min(1).max(1_000_000).default(500),
    maxInFlight: z.number().int().min(1).max(1024).default(8),
    enough: z.number().int().min(1).max(1000).default(5), // evidence per field after which re-asking stops
    methods: z.array(method).default(() => [...SAFE_METHODS]), // the safe methods (core/stages.ts) may be sent again
    // A request of a user's session (a session cookie, `;jsessionid=`) is not asked again unless this
    // says the route's GETs leave sessions alone: a captcha or a per-render token asked again breaks
    // the user's next post (core/sessions.ts).
    sessions: z.boolean().default(false),
    exclude: z.array(routePattern).default(() => []), // paths never asked again (route patterns)
  }).prefault({}),
  // Values each side generates for itself (timestamps, JWTs, uuids): compared by format and tolerance.
  generated: z.strictObject({
    toleranceMs: z.number().int().min(0).max(31_536_000_000).default(60_000),
    kinds: z.array(z.enum(GENERATED_KINDS)).default(() => [...GENERATED_KINDS]),
    exact: z.array(text).default(() => []), // field patterns compared for equality even when generated
  }).prefault({}),
  endpoints: z.array(z.string().regex(/^\//, 'must be a path template starting with "/" (e.g. "/api/profiles/:username")')).default(() => []),
  settleMs: z.number().int().min(0).max(60_000).default(0), // after a second write lands, reads wait this long before the shadow copy
  // Bounded cardinality: endpoints per route and fields per endpoint; the overflow counts under "(other)".
  maxEndpoints: z.number().int().min(1).max(100_000).default(500),
  maxFieldsPerEndpoint: z.number().int().min(1).max(100_000).default(1000),
  // What breaks a client when it changes: the media type, a redirect, caching, a download's name, CORS.
  headers: z.array(headerName).default(() => ['content-type', 'location', 'cache-control', 'content-disposition', 'access-control-allow-origin', 'access-control-allow-credentials']),
  cookies: z.array(text).default(() => []), // set-cookie compared by these cookie names
  ignore: z.array(z.strictObject({ path: text, reason: text })).default(() => []),
  normalizers: z.array(normalizer).default(() => []),
  redact: z.array(bodyPath).default(() => []),
});

// Writes the stage sends to both sides are buffered whole, up to their own cap (not the comparison's):
// past it the body is kept in a temporary file for both sides (`spool`, io/body-spool.ts), refused
// with 413 before either side gets it (`refuse`), or (`primary-only`) streamed to the primary alone
// and recorded as a divergence without its body. See docs/reference/divergences.md.
const dualWrite = z.strictObject({
  maxBodyBytes: z.number().int().positive().max(1_073_741_824).default(10_485_760),
  overCap: z.enum(['spool', 'refuse', 'primary-only']).default('spool'),
  // Unresolved divergences are never evicted; past this many stored bytes each new one warns loudly.
  warnStoredBytes: z.number().int().positive().default(1_073_741_824),
  // The order second writes go out in (io/write-order.ts): `causal` waits for every copy to the same
  // upstream answered before this write arrived; `resource` only for earlier copies of its resource.
  order: z.enum(['causal', 'resource']).default('causal'),
  // The longest a copy waits for those before it; then it goes anyway (a hung copy holds no queue for ever).
  orderWaitMs: z.number().int().positive().max(600_000).default(10_000),
  // The service works on the monolith's own data store (a shared database, the usual first step of an
  // extraction): a write goes to the stage's primary alone, never to both, or it would be applied twice.
  sharedStore: z.boolean().default(false),
});

const route = z
  .strictObject({
    name: z.string().regex(NAME, `must match ${NAME}`),
    match: z.strictObject({
      path: routePattern,
      methods: z.array(method).min(1).optional(),
      host: text.optional(),
    }),
    service: text,
    fallback: z.boolean().default(false),
    // At `complete` the service alone answers: falling back there is a choice the route makes itself.
    fallbackAtComplete: z.boolean().default(false),
    // Absent: `routing.caseSensitive` decides.
    caseSensitive: z.boolean().optional(),
    flagKey: text.optional(),
    defaultStage: z.enum(STAGES).default('off'),
    compare: compare.prefault({}),
    dualWrite: dualWrite.prefault({}),
    // This route's deadlines for both sides (primary, second write, WebSocket handshake); absent: the upstream's.
    timeouts: z.strictObject(deadlineFields).optional(),
    // Request bodies over this are refused with 413 (absent: listen.maxRequestBodyBytes).
    maxRequestBodyBytes: z.number().int().positive().optional(),
    // Paths the stage's primary answers alone, copied nowhere (pipeline/primary-alone.ts): a session
    // the other side cannot know (a long poll of its own), what must not run twice.
    primaryOnly: z.array(routePattern).default(() => []),
    // POSTs that only read (pipeline/post-reads.ts): GraphQL queries (a mutation stays a write), and
    // these paths (a search, a JSON-RPC read), route patterns as in match.path.
    reads: z.strictObject({
      // On paths whose last segment is `graphql` or `gql`, and on graphqlPaths.
      graphql: z.boolean().default(true),
      graphqlPaths: z.array(routePattern).default(() => []),
      postPaths: z.array(routePattern).default(() => []),
      // JSON-RPC methods that only read, by name or by a prefix ending in `*` (`eth_get*`), wherever
      // the route takes a POST whose JSON body calls them (core/json-rpc.ts).
      jsonRpcMethods: z.array(z.string().regex(/^[A-Za-z0-9_.:/-]{1,100}\*?$/, 'a JSON-RPC method name (letters, digits, _ . : / -), or a prefix of one ending in *'))
        .default(() => []),
    }).prefault({}),
  })
  .transform((r) => ({ ...r, flagKey: r.flagKey ?? `strangler-${r.name}` }));

const flags = z.discriminatedUnion('provider', [
  z.strictObject({ provider: z.literal('sqlite'), pollMs: ms(500) }),
  z.strictObject({
    provider: z.literal('launchdarkly'),
    sdkKey: text.optional(), // the caller falls back to LAUNCHDARKLY_SDK_KEY
    dataFile: text.optional(),
    flagKeyPrefix: z.string().optional(),
    startWaitMs: ms(5000),
  }),
]);

// An admin API token: `token` itself or `tokenEnv`, the environment variable holding it. Its name is the audit actor.
const adminToken = z
  .strictObject({
    name: z.string().regex(NAME, `must match ${NAME}`),
    token: z.string().refine((t) => t.length >= 16, 'must be at least 16 characters').optional(),
    tokenEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name').optional(),
    role: z.enum(['read', 'write']),
  })
  .refine((t) => (t.token === undefined) !== (t.tokenEnv === undefined), 'give exactly one of "token" and "tokenEnv"');

const contextKey = z.union(
  [z.strictObject({ header: headerName }), z.strictObject({ cookie: text })],
  { error: 'must be { "header": "<name>" } or { "cookie": "<name>" }' },
);

const schema = z.strictObject({
  // The monolith's total deadline is nginx's proxy_read_timeout (60 s): a legacy app's slow report or
  // long poll that works behind nginx must not get a 504 only because the facade stands there.
  monolith: upstream(60_000),
  services: z.record(z.string(), upstream(60_000)).default(() => ({})),
  routes: z.array(route).default(() => []),
  contextKey: contextKey.default(() => ({ header: 'x-user-id' })),
  flags: flags.prefault({ provider: 'sqlite' }),
  // `db`: a SQLite file, or a postgres:// URL shared by several replicas (env STRANGLER_DATABASE_URL overrides it);
  // `localDir`: with PostgreSQL, where each replica keeps what stays its own (recorded cases, key files;
  // default .strangler in the working directory).
  state: z.strictObject({ db: text.default('.strangler/state.db'), localDir: text.optional() }).prefault({}),
  // This facade process's name among replicas (recorded on each comparison); default <hostname>:<listen port>.
  replica: z.strictObject({ id: z.string().regex(/^[A-Za-z0-9._:@-]{1,100}$/, 'must be 1-100 letters, digits or . _ : @ -').optional() }).prefault({}),
  // Comparison detail retention (noise evidence, minute counts and divergences are kept apart and never evicted by it).
  diffStore: z.strictObject({
    rowsPerRoute: z.number().int().min(100).max(10_000_000).default(20_000),
    diffsPerRoute: z.number().int().min(0).max(1_000_000).default(500),
    // SQLite: write comparisons on a thread of its own (io/diff-store/thread-writer.ts), off the event loop.
    writerThread: z.boolean().default(true),
  }).prefault({}),
  // Recorded cases (docs/reference/cases.md): per endpoint a sample of exchanges and every one with a real
  // difference, redacted, within maxBytes; exported as files and replayed against any build (`strangler replay`).
  cases: z.strictObject({
    enabled: z.boolean().default(true),
    perEndpoint: z.number().int().min(0).max(10_000).default(20), // sampled distinct requests kept per endpoint
    realPerEndpoint: z.number().int().min(0).max(100_000).default(100), // newest exchanges with a real difference per endpoint
    maxBytes: z.number().int().min(0).max(1_099_511_627_776).default(67_108_864), // all cases; past it the oldest samples go first
    maxBodyBytes: z.number().int().min(0).max(1_073_741_824).default(262_144), // a larger body is kept as its size only
  }).prefault({}),
  // How long history is kept (docs/reference/retention.md): minute counts → hour counts → day counts,
  // comparison records by age; the facade applies it on a timer, `strangler db prune` at once.
  retention: z.strictObject({
    minuteCountsDays: z.number().int().min(1).max(3650).default(7),
    hourCountsDays: z.number().int().min(1).max(36_500).default(90),
    comparisonDays: z.number().int().min(1).max(36_500).default(30),
    intervalMs: z.number().int().min(1000).max(MAX_TIMEOUT_MS).default(600_000),
    batchRows: z.number().int().min(100).max(100_000).default(2000),
  }).refine((r) => r.hourCountsDays >= r.minuteCountsDays, { message: 'hourCountsDays must be >= minuteCountsDays', path: ['hourCountsDays'] })
    .prefault({}),
  listen: z
    .strictObject({
      host: text.default('127.0.0.1'),
      port: port(8080),
      maxHeaderBytes: z.number().int().min(1024).max(16_777_216).default(65_536), // request line and headers
      headersTimeoutMs: ms(30_000), // to receive a request's headers
      // To receive a whole request, body included; 0 (the default, as nginx): none, a long upload
      // is bounded by bodyIdleTimeoutMs and the body cap instead.
      requestTimeoutMs: z.number().int().min(0).max(MAX_TIMEOUT_MS).default(0),
      bodyIdleTimeoutMs: ms(60_000), // a request body that stalls this long is answered 408 (nginx's client_body_timeout)
      maxRequestBodyBytes: z.number().int().positive().default(104_857_600), // default cap of every route
      // Peers whose X-Forwarded-For/-Proto/-Host are passed on (a load balancer); others get the facade's own.
      trustForwardedFrom: z.array(forwardedPeer).default(() => [...PRIVATE_NETWORKS]),
    })
    .refine((l) => l.requestTimeoutMs === 0 || l.headersTimeoutMs <= l.requestTimeoutMs, { message: 'headersTimeoutMs must be <= requestTimeoutMs (or requestTimeoutMs 0: none)', path: ['headersTimeoutMs'] })
    .prefault({}),
  // SIGTERM/SIGINT: stop accepting, finish what is in flight (second writes, comparisons) within drainTimeoutMs.
  shutdown: z.strictObject({ drainTimeoutMs: ms(30_000) }).prefault({}),
  // Comparisons of large bodies run in worker threads (default: one per spare CPU, 1 to 4); at most
  // maxQueued wait for a thread, the rest are skipped and counted (never queued without bound).
  comparePool: z
    .strictObject({ threads: z.number().int().min(1).max(64).optional(), maxQueued: z.number().int().min(0).max(10_000).default(32) })
    .prefault({}),
  admin: z
    .strictObject({
      host: text.default('127.0.0.1'), port: port(8081), tokens: z.array(adminToken).default(() => []),
      // Token guessing: past `max` 401s from one address within `windowMs`, it gets 429 until the window ends (io/admin-throttle.ts).
      authFailures: z.strictObject({ max: z.number().int().min(1).max(1_000_000).default(20), windowMs: ms(60_000) }).prefault({}),
    })
    .prefault({}),
  routing: z.strictObject({ caseSensitive: z.boolean().default(false) }).prefault({}),
  redaction: z
    .strictObject({
      headers: z.array(headerName).default(() => []),
      queryParams: z.array(text).default(() => []),
      fields: z.array(text).default(() => []),
      jwt: z.boolean().default(true),
      fingerprint: z.boolean().default(true),
      keyFile: text.optional(), // default: redaction.key beside the state database
    })
    .prefault({}),
  gate: z
    .strictObject({
      minComparisons: z.number().int().min(0).default(100),
      maxMismatchRate: rate(0.01),
      confidence: z.number().gt(0).lt(1).default(0.95),
      // Refuse a promotion while the route's service breaker is open, or if it opened within this long (and at the stage).
      breakerWindowMs: ms(3_600_000),
    })
    .prefault({}),
  // Deadline propagation (docs/reference/resilience.md): each attempt tells the upstream the whole
  // milliseconds it has left in this header; a client's own value lowers the budget, never raises it.
  deadline: z
    .strictObject({
      header: z.union([headerName, z.literal(false)], { error: 'must be a header name, or false to send and read no deadline header' }).default('x-request-timeout-ms'),
      acceptFromClient: z.boolean().default(true),
      minAttemptMs: z.number().int().min(1).max(MAX_TIMEOUT_MS).default(50), // an attempt with less left is not started
    })
    .prefault({}),
  autoRollback: z
    .strictObject({
      enabled: z.boolean().default(true),
      windowMs: ms(60_000),
      minRequests: z.number().int().min(1).default(20),
      maxErrorRate: rate(0.2),
    })
    .prefault({}),
});

type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** The parsed, defaulted, deep-frozen config. */
export type FacadeConfig = DeepReadonly<z.output<typeof schema>>;
/** One route as parsed (flagKey and compare filled in). */
export type RouteConfig = FacadeConfig['routes'][number];
/** The monolith or one service: where it is and how the facade talks to it. */
export type UpstreamConfig = FacadeConfig['monolith'];
export type CompareConfig = RouteConfig['compare'];
export type DualWriteConfig = RouteConfig['dualWrite'];
export type NormalizerConfig = CompareConfig['normalizers'][number];
export type IgnoreRuleConfig = CompareConfig['ignore'][number];
export type FlagsConfig = FacadeConfig['flags'];
export type ContextKeyConfig = FacadeConfig['contextKey'];
export type AdminTokenConfig = FacadeConfig['admin']['tokens'][number];
export type RedactionConfig = FacadeConfig['redaction'];
export type CasesConfig = FacadeConfig['cases'];
export type BreakerConfig = UpstreamConfig['breaker'];
export type BulkheadConfig = UpstreamConfig['bulkhead'];
export type DeadlineConfig = FacadeConfig['deadline'];
/** What a config file may contain (defaults omitted). */
export type FacadeConfigInput = z.input<typeof schema>;

/** With LaunchDarkly's `flagKeyPrefix`, routes without an explicit `flagKey` use `<prefix><name>`. */
function applyFlagKeyPrefix(config: z.output<typeof schema>, json: unknown): void {
  const flags = config.flags;
  if (flags.provider !== 'launchdarkly' || flags.flagKeyPrefix === undefined) return;
  const raw = (json as { routes?: Array<{ flagKey?: unknown }> }).routes ?? [];
  config.routes.forEach((route, i) => {
    if (raw[i]?.flagKey === undefined) route.flagKey = `${flags.flagKeyPrefix}${route.name}`;
  });
}

/**
 * Validates `json` (already parsed) and returns the deep-frozen config. `source` names it in errors;
 * with `baseDir`, relative file paths (`state.db`, `flags.dataFile`) are resolved against it.
 * @throws ConfigError listing every problem as `<field path>: <why>`.
 */
export function parseConfig(json: unknown, source: string, baseDir?: string): FacadeConfig {
  const result = schema.safeParse(json, { reportInput: true });
  const schemaProblems = result.success ? [] : result.error.issues.flatMap(describeIssue);
  const problems = [...schemaProblems, ...crossFieldProblems(json)];
  if (!result.success || problems.length > 0) throw new ConfigError(source, problems);
  const config = result.data;
  applyFlagKeyPrefix(config, json);
  if (baseDir !== undefined) {
    // A postgres:// URL is not a path (the state is shared by several replicas): leave it as written.
    if (config.state.db !== ':memory:' && !/^postgres(ql)?:\/\//i.test(config.state.db)) config.state.db = resolveFrom(baseDir, config.state.db);
    if (config.state.localDir !== undefined) config.state.localDir = resolveFrom(baseDir, config.state.localDir);
    const flags = config.flags;
    if (flags.provider === 'launchdarkly' && flags.dataFile) flags.dataFile = resolveFrom(baseDir, flags.dataFile);
    if (config.redaction.keyFile !== undefined) config.redaction.keyFile = resolveFrom(baseDir, config.redaction.keyFile);
  }
  return deepFreeze(config);
}

/** Reads and parses a config file (the only file access here); relative paths resolve against its directory. */
export function loadConfig(path: string): FacadeConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).code;
    const why = errno ? `cannot read the file (${errno})` : `not valid JSON: ${(err as Error).message}`;
    throw new ConfigError(path, [`(file): ${why}`]);
  }
  return parseConfig(json, path, dirname(resolve(path)));
}

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.search === '' && url.hash === '';
}

function resolveFrom(baseDir: string, file: string): string {
  return isAbsolute(file) ? file : resolve(baseDir, file);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
