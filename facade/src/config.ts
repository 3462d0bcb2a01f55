// The facade's config file: one zod schema with its defaults beside it, parsed once at start-up into a
// deep-frozen FacadeConfig. Every problem (schema and cross-field) is reported in one ConfigError.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { crossFieldProblems, describeIssue, NAME } from './config-checks';
import { validatePattern } from './core/routing';
import { STAGES } from './core/stages';
import { ConfigError } from './errors';

/** Config file used when neither `--config` nor the environment names one. */
export const DEFAULT_CONFIG_PATH = 'strangler.config.json';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const text = z.string().min(1);
const ms = (byDefault: number) => z.number().int().positive().default(byDefault);
const percent = (byDefault: number) => z.number().min(0).max(100).default(byDefault);
const rate = (byDefault: number) => z.number().min(0).max(1).default(byDefault);
const port = (byDefault: number) => z.number().int().min(0).max(65535).default(byDefault);
const httpUrl = z.string().refine(isHttpUrl, 'must be an http(s) URL without query or fragment');
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

const upstream = (timeoutMs: number) =>
  z.strictObject({
    url: httpUrl,
    connectTimeoutMs: ms(2000),
    timeoutMs: ms(timeoutMs),
    maxSockets: z.number().int().min(1).default(256),
  });

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
  noiseSample: percent(5), // % of compared requests also sent twice to the primary side
  headers: z.array(headerName).default(() => ['content-type', 'location', 'cache-control']),
  cookies: z.array(text).default(() => []), // set-cookie compared by these cookie names
  ignore: z.array(z.strictObject({ path: text, reason: text })).default(() => []),
  normalizers: z.array(normalizer).default(() => []),
  redact: z.array(bodyPath).default(() => []),
});

const route = z
  .strictObject({
    name: z.string().regex(NAME, `must match ${NAME}`),
    match: z.strictObject({
      path: z.string().superRefine((p, ctx) => {
        const problem = validatePattern(p);
        if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
      }),
      methods: z.array(method).min(1).optional(),
      host: text.optional(),
    }),
    service: text,
    fallback: z.boolean().default(false),
    flagKey: text.optional(),
    defaultStage: z.enum(STAGES).default('off'),
    compare: compare.prefault({}),
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

const contextKey = z.union(
  [z.strictObject({ header: headerName }), z.strictObject({ cookie: text })],
  { error: 'must be { "header": "<name>" } or { "cookie": "<name>" }' },
);

const schema = z.strictObject({
  monolith: upstream(30_000),
  services: z.record(z.string(), upstream(10_000)).default(() => ({})),
  routes: z.array(route).default(() => []),
  contextKey: contextKey.default(() => ({ header: 'x-user-id' })),
  flags: flags.prefault({ provider: 'sqlite' }),
  state: z.strictObject({ db: text.default('.strangler/state.db') }).prefault({}),
  listen: z.strictObject({ host: text.default('127.0.0.1'), port: port(8080) }).prefault({}),
  admin: z.strictObject({ host: text.default('127.0.0.1'), port: port(8081) }).prefault({}),
  gate: z
    .strictObject({
      minComparisons: z.number().int().min(0).default(100),
      maxMismatchRate: rate(0.01),
      confidence: z.number().gt(0).lt(1).default(0.95),
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
export type NormalizerConfig = CompareConfig['normalizers'][number];
export type IgnoreRuleConfig = CompareConfig['ignore'][number];
export type FlagsConfig = FacadeConfig['flags'];
export type ContextKeyConfig = FacadeConfig['contextKey'];
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
    if (config.state.db !== ':memory:') config.state.db = resolveFrom(baseDir, config.state.db);
    const flags = config.flags;
    if (flags.provider === 'launchdarkly' && flags.dataFile) flags.dataFile = resolveFrom(baseDir, flags.dataFile);
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
