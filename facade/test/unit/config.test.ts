// Config parsing: defaults filled in, the result frozen, and every problem reported in one pass
// as `<field path>: <why>`, including the cross-field checks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig, parseConfig } from '../../src/config';
import { configWarnings } from '../../src/config-checks';
import { ConfigError } from '../../src/errors';
import { aConfig, aRouteJson, type ConfigJson } from '../helpers/builders';

function problemsOf(json: unknown): readonly string[] {
  try {
    parseConfig(json, 'test.json');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('fills in every default beside the schema', () => {
    const config = parseConfig(aConfig(), 'test.json');
    const retry = { idempotentMethods: ['GET', 'HEAD', 'OPTIONS'], delayMs: 250, budgetMs: 3000 };
    const breaker = { enabled: true, windowMs: 10_000, minRequests: 20, failureRate: 0.5, coolDownMs: 5000, halfOpenProbes: 3, failureStatuses: [502, 503, 504], statusFailureEndpoints: 2 };
    const bulkhead = { enabled: true, maxConcurrent: 256, maxQueue: 128, maxWaitMs: 1000, maxUploadShare: 0.5 };
    expect(config.monolith).toEqual({
      url: 'http://127.0.0.1:3000', connectTimeoutMs: 2000, headersTimeoutMs: 60000, idleTimeoutMs: 60000, timeoutMs: 600000, streamIdleTimeoutMs: 300000,
      maxSockets: 256, maxHeaderBytes: 65536, parser: 'auto', retry, breaker, bulkhead,
    });
    expect(config.services.catalog).toEqual({
      url: 'http://127.0.0.1:4001', connectTimeoutMs: 2000, headersTimeoutMs: 60000, idleTimeoutMs: 60000, timeoutMs: 600000, streamIdleTimeoutMs: 300000,
      maxSockets: 256, maxHeaderBytes: 65536, parser: 'auto', retry, breaker, bulkhead,
    });
    expect(config.routes[0]).toEqual({
      name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog', fallback: false, fallbackAtComplete: false, flagKey: 'strangler-catalog', defaultStage: 'off', primaryOnly: [], reads: { graphql: true, graphqlPaths: [], postPaths: [], jsonRpcMethods: [] },
      compare: {
        sample: 100, maxBodyBytes: 1048576, maxInFlight: 64, shadowTimeoutMs: 5000,
        reask: { enabled: true, perSecond: 50, burst: 500, maxInFlight: 8, enough: 5, methods: ['GET', 'HEAD', 'OPTIONS', 'PROPFIND', 'REPORT', 'SEARCH', 'QUERY'], sessions: false, exclude: [] },
        generated: { toleranceMs: 60000, kinds: ['timestamp', 'jwt', 'uuid', 'ulid', 'objectid', 'encoded', 'sequence', 'instance', 'token', 'position', 'estimate'], exact: [] },
        endpoints: [], settleMs: 0, maxEndpoints: 500, maxFieldsPerEndpoint: 1000,
        headers: ['content-type', 'location', 'cache-control', 'content-disposition', 'access-control-allow-origin', 'access-control-allow-credentials'], cookies: [], ignore: [], normalizers: [], redact: [],
      },
      dualWrite: config.routes[0].dualWrite,
    });
    expect(config.routes[0].dualWrite).toEqual({ maxBodyBytes: 10485760, overCap: 'spool', warnStoredBytes: 1073741824, order: 'causal', orderWaitMs: 10000, sharedStore: false });
    expect(config.diffStore).toEqual({ rowsPerRoute: 20000, diffsPerRoute: 500, writerThread: true });
    expect(config.retention).toEqual({ minuteCountsDays: 7, hourCountsDays: 90, comparisonDays: 30, intervalMs: 600000, batchRows: 2000 });
    expect(config.contextKey).toEqual({ header: 'x-user-id' });
    expect(config.flags).toEqual({ provider: 'sqlite', pollMs: 500 });
    expect(config.state).toEqual({ db: '.strangler/state.db' });
    expect(config.listen).toEqual({
      host: '127.0.0.1', port: 8080, maxHeaderBytes: 65536, headersTimeoutMs: 30000, requestTimeoutMs: 0,
      bodyIdleTimeoutMs: 60000, maxRequestBodyBytes: 104857600,
      trustForwardedFrom: ['127.0.0.0/8', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '::1/128', 'fc00::/7', 'fe80::/10'],
    });
    expect(config.shutdown).toEqual({ drainTimeoutMs: 30000 });
    expect(config.comparePool).toEqual({ maxQueued: 32 });
    expect(config.admin).toEqual({ host: '127.0.0.1', port: 8081, tokens: [], authFailures: { max: 20, windowMs: 60_000 } });
    expect(config.routing).toEqual({ caseSensitive: false });
    expect(config.redaction).toEqual({ headers: [], queryParams: [], fields: [], jwt: true, fingerprint: true });
    expect(config.gate).toEqual({ minComparisons: 100, maxMismatchRate: 0.01, confidence: 0.95, breakerWindowMs: 3_600_000 });
    expect(config.autoRollback).toEqual({ enabled: true, windowMs: 60000, minRequests: 20, maxErrorRate: 0.2 });
  });

  it('freezes the whole config so no one changes it after start-up', () => {
    const config = parseConfig(aConfig(), 'test.json');
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.routes[0].compare.headers)).toBe(true);
    expect(Object.isFrozen(config.services.catalog)).toBe(true);
  });

  it('keeps explicit values and normalizes case where HTTP is case-insensitive', () => {
    const config = parseConfig(
      aConfig({
        routes: [aRouteJson({ methods: ['get', 'Put'], flagKey: 'ld-catalog', compare: { headers: ['Content-Type'], normalizers: [{ kind: 'arrayOrder', path: '$.products', key: 'id' }] } })],
        contextKey: { header: 'X-User-Id' },
        flags: { provider: 'launchdarkly', flagKeyPrefix: 'shop-' },
      }),
      'test.json',
    );
    expect(config.routes[0].match.methods).toEqual(['GET', 'PUT']);
    expect(config.routes[0].flagKey).toBe('ld-catalog');
    expect(config.routes[0].compare.headers).toEqual(['content-type']);
    expect(config.contextKey).toEqual({ header: 'x-user-id' });
    expect(config.flags).toEqual({ provider: 'launchdarkly', flagKeyPrefix: 'shop-', startWaitMs: 5000 });
  });

  it('names LaunchDarkly flags <flagKeyPrefix><route name> unless a route gives its own flagKey', () => {
    const config = parseConfig(
      aConfig({
        routes: [aRouteJson({ flagKey: 'ld-catalog' }), aRouteJson({ name: 'inventory', path: '/api/inventory/**', service: 'inventory' })],
        flags: { provider: 'launchdarkly', flagKeyPrefix: 'shop-' },
      }),
      'test.json',
    );
    expect(config.routes.map((r) => r.flagKey)).toEqual(['ld-catalog', 'shop-inventory']);
  });

  it('reports all three problems of a config with three errors, in one ConfigError', () => {
    const json = aConfig({ monolith: { url: 'localhost:3000' }, routes: [aRouteJson(), aRouteJson({ name: 'billing', path: '/api/billing/**', service: 'billing' })], colour: 'blue' });
    let error: unknown;
    try {
      parseConfig(json, 'strangler.config.json');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', exitCode: 2 });
    const { problems, message } = error as ConfigError;
    expect(problems).toEqual([
      'monolith.url: must be an http(s) URL without query or fragment',
      'colour: unknown key',
      'routes[1].service: unknown service "billing" (known: catalog, inventory)',
    ]);
    expect(message).toContain('strangler.config.json (3 problems)');
    for (const p of problems) expect(message).toContain(p);
  });

  it.each<[string, ConfigJson, string]>([
    ['a missing monolith', aConfig({ monolith: undefined }), 'monolith: required'],
    ['a non-http monolith URL', aConfig({ monolith: { url: 'ftp://legacy' } }), 'monolith.url: must be an http(s) URL'],
    // They were dropped in silence (undici's pools take the origin): the upstream got no Authorization.
    ['credentials in an upstream URL', aConfig({ services: { catalog: { url: 'http://svc:s3cret@catalog.internal' } } }), 'services.catalog.url: must not carry credentials (user:password@)'],
    ['a fractional timeout', aConfig({ services: { catalog: { url: 'http://x', timeoutMs: 1.5 } } }), 'services.catalog.timeoutMs: must be an integer'],
    ['a string where a number belongs', aConfig({ listen: { port: '8080' } }), 'listen.port: expected number, got string'],
    ['a port out of range', aConfig({ admin: { port: 70000 } }), 'admin.port: must be <= 65535'],
    ['an unknown key in a route', aConfig({ routes: [{ ...aRouteJson(), stage: 'live' }] }), 'routes[0].stage: unknown key'],
    ['an unknown key deep in compare', aConfig({ routes: [aRouteJson({ compare: { sampel: 5 } })] }), 'routes[0].compare.sampel: unknown key'],
    ['a bad route name', aConfig({ routes: [aRouteJson({ name: 'Catalog Route' })] }), 'routes[0].name: must match'],
    ['an unknown service', aConfig({ routes: [aRouteJson({ service: 'billing' })] }), 'routes[0].service: unknown service "billing" (known: catalog, inventory)'],
    ['duplicate route names', aConfig({ routes: [aRouteJson(), aRouteJson({ path: '/x/**' })] }), 'routes[1].name: duplicate route name "catalog" (also routes[0])'],
    ['duplicate flag keys', aConfig({ routes: [aRouteJson(), aRouteJson({ name: 'b', path: '/b', flagKey: 'strangler-catalog' })] }), 'routes[1].flagKey: flag key "strangler-catalog" is already used'],
    ['duplicate patterns', aConfig({ routes: [aRouteJson(), aRouteJson({ name: 'again', methods: ['GET'] })] }), 'routes[1].match.path: route "again": same pattern "/api/products/**" of route "catalog" (routes[0])'],
    ['equivalent patterns', aConfig({ routes: [aRouteJson({ path: '/api/products/:id' }), aRouteJson({ name: 'again', path: '/api/products/*' })] }),
      'routes[1].match.path: route "again": pattern "/api/products/*" is equivalent to "/api/products/:id" of route "catalog" (routes[0])'],
    ['patterns equal but for case', aConfig({ routes: [aRouteJson({ path: '/api/Products/**' }), aRouteJson({ name: 'again', path: '/api/products/**' })] }),
      'routes[1].match.path: route "again": pattern "/api/products/**" is equivalent to "/api/Products/**" of route "catalog" (routes[0])'],
    ['an admin token given twice', aConfig({ admin: { tokens: [{ name: 'ci', token: 'x'.repeat(16), role: 'read' }, { name: 'ci', tokenEnv: 'T', role: 'write' }] } }),
      'admin.tokens[1].name: duplicate token name "ci" (also admin.tokens[0])'],
    ['a short admin token', aConfig({ admin: { tokens: [{ name: 'ci', token: 'short', role: 'read' }] } }), 'admin.tokens[0].token: must be at least 16 characters'],
    ['an admin token with neither token nor tokenEnv', aConfig({ admin: { tokens: [{ name: 'ci', role: 'read' }] } }), 'give exactly one of "token" and "tokenEnv"'],
    ['an admin token of no known role', aConfig({ admin: { tokens: [{ name: 'ci', token: 'x'.repeat(16), role: 'owner' }] } }), 'admin.tokens[0].role: must be one of "read", "write"'],
    ['** in the middle', aConfig({ routes: [aRouteJson({ path: '/api/**/reviews' })] }), 'routes[0].match.path: "**" is allowed only as the last segment'],
    ['an empty segment', aConfig({ routes: [aRouteJson({ path: '/api//x' })] }), 'routes[0].match.path: empty segment'],
    ['a sample over 100 %', aConfig({ routes: [aRouteJson({ compare: { sample: 120 } })] }), 'routes[0].compare.sample: must be <= 100'],
    ['a negative re-ask rate', aConfig({ routes: [aRouteJson({ compare: { reask: { perSecond: -1 } } })] }), 'routes[0].compare.reask.perSecond:'],
    ['an ignore rule without a reason', aConfig({ routes: [aRouteJson({ compare: { ignore: [{ path: '$.updated_at' }] } })] }), 'routes[0].compare.ignore[0].reason: required'],
    ['an unknown normalizer', aConfig({ routes: [aRouteJson({ compare: { normalizers: [{ kind: 'sorted', path: '$.x' }] } })] }), 'routes[0].compare.normalizers[0].kind: must be one of "arrayOrder"'],
    ['a redact path without $', aConfig({ routes: [aRouteJson({ compare: { redact: ['password'] } })] }), 'routes[0].compare.redact[0]: must be a body path starting with "$"'],
    ['comparing the date header', aConfig({ routes: [aRouteJson({ compare: { headers: ['Date'] } })] }), 'routes[0].compare.headers[0]: "date" is never compared'],
    ['an unknown stage', aConfig({ routes: [aRouteJson({ defaultStage: 'half' as never })] }), 'routes[0].defaultStage: must be one of "off", "dualwrite"'],
    ['an unknown flag provider', aConfig({ flags: { provider: 'consul' } }), 'flags.provider: must be one of "sqlite", "launchdarkly"'],
    ['an option of the other provider', aConfig({ flags: { provider: 'launchdarkly', pollMs: 100 } }), 'flags.pollMs: unknown key'],
    ['a context key from nowhere', aConfig({ contextKey: { query: 'uid' } }), 'contextKey: must be { "header": "<name>" } or { "cookie": "<name>" }'],
    ['a service named monolith', aConfig({ services: { monolith: { url: 'http://x' } }, routes: [] }), 'services.monolith: "monolith" names the monolith'],
    ['listen and admin on one port', aConfig({ listen: { port: 9000 }, admin: { port: 9000 } }), 'admin.port: same port as listen.port (9000)'],
    ['a mismatch rate above 1', aConfig({ gate: { maxMismatchRate: 5 } }), 'gate.maxMismatchRate: must be <= 1'],
    ['hour counts kept for less time than minute counts', aConfig({ retention: { minuteCountsDays: 30, hourCountsDays: 7 } }), 'retention.hourCountsDays: hourCountsDays must be >= minuteCountsDays'],
    ['a retention batch too small', aConfig({ retention: { batchRows: 10 } }), 'retention.batchRows: must be >= 100'],
  ])('names the field and why for %s', (_case, json, expected) => {
    expect(problemsOf(json).join('\n')).toContain(expected);
  });

  it('accepts two routes on one pattern when their methods do not overlap', () => {
    const routes = [aRouteJson({ methods: ['GET'] }), aRouteJson({ name: 'writes', methods: ['POST'] })];
    expect(() => parseConfig(aConfig({ routes }), 'test.json')).not.toThrow();
  });

  it('accepts patterns that differ only in case when both routes are case-sensitive', () => {
    const routes = [aRouteJson({ path: '/api/Products/**' }), aRouteJson({ name: 'lower', path: '/api/products/**' })].map((r) => ({ ...r, caseSensitive: true }));
    expect(() => parseConfig(aConfig({ routes }), 'test.json')).not.toThrow();
  });

  it('warns about an admin API bound beyond loopback, and only then', () => {
    expect(configWarnings(parseConfig(aConfig({ admin: { host: '0.0.0.0' } }), 'test.json'))).toEqual([
      expect.stringContaining('admin.host is "0.0.0.0": the admin API (stages, comparisons, audit log) is reachable from other machines'),
    ]);
    for (const host of ['127.0.0.1', 'localhost', '::1', '127.1.2.3']) {
      expect(configWarnings(parseConfig(aConfig({ admin: { host } }), 'test.json'))).toEqual([]);
    }
  });

  it('warns about a service at the monolith\'s own address (writes would run twice on one application)', () => {
    const same = parseConfig(aConfig({ monolith: { url: 'http://127.0.0.1:3000/' }, services: { catalog: { url: 'http://127.0.0.1:3000' }, inventory: { url: 'http://127.0.0.1:4002' } } } as ConfigJson), 'test.json');
    expect(configWarnings(same)).toEqual([expect.stringContaining('services.catalog.url is the monolith\'s own address')]);
    const other = parseConfig(aConfig({ monolith: { url: 'http://127.0.0.1:3000' }, services: { catalog: { url: 'http://127.0.0.1:3001' }, inventory: { url: 'http://127.0.0.1:4002' } } } as ConfigJson), 'test.json');
    expect(configWarnings(other)).toEqual([]);
  });

  it('warns about an upstream at the facade\'s own listen or admin address (each request would loop back to the facade)', () => {
    const at = (monolith: string, listen: { host: string; port: number }) =>
      configWarnings(parseConfig(aConfig({ monolith: { url: monolith }, listen, admin: { host: '127.0.0.1', port: 9181 } } as ConfigJson), 'test.json'));
    expect(at('http://localhost:9180', { host: '127.0.0.1', port: 9180 })).toEqual([expect.stringContaining("monolith.url (http://localhost:9180) is the facade's own listen address")]);
    expect(at('http://127.0.0.1:9180', { host: '0.0.0.0', port: 9180 })).toEqual([expect.stringContaining("is the facade's own listen address")]);
    expect(at('http://127.0.0.1:9181', { host: '127.0.0.1', port: 9180 })).toEqual([expect.stringContaining("is the facade's own admin address")]);
    // Another port, or another machine on the same port: no warning.
    expect(at('http://127.0.0.1:9182', { host: '127.0.0.1', port: 9180 })).toEqual([]);
    expect(at('http://monolith.internal:9180', { host: '127.0.0.1', port: 9180 })).toEqual([]);
    expect(at('http://127.0.0.1:9180', { host: '10.0.0.5', port: 9180 })).toEqual([]);
  });

  it('refuses a config that is not an object', () => {
    expect(problemsOf(42)).toEqual(['(root): expected object, got number']);
  });
});

describe('loadConfig', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    dirs.push(mkdtempSync(join(tmpdir(), 'strangler-config-')));
    return dirs[dirs.length - 1];
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('loads the demo config shipped at the repository root', () => {
    const config = loadConfig(resolve(__dirname, '../../../strangler.config.json'));
    expect(config.routes.map((r) => [r.name, r.match.path, r.service, r.fallback])).toEqual([
      ['catalog', '/api/products/**', 'catalog', true],
      ['inventory', '/api/inventory/**', 'inventory', false],
    ]);
    expect(config.flags.provider).toBe('sqlite');
    expect(config.contextKey).toEqual({ header: 'x-user-id' });
  });

  it('resolves relative file paths against the config file directory', () => {
    const dir = tempDir();
    const file = join(dir, 'facade.json');
    writeFileSync(file, JSON.stringify(aConfig({ state: { db: 'state/s.db' }, flags: { provider: 'launchdarkly', dataFile: 'flags.json' } })));
    const config = loadConfig(file);
    expect(config.state.db).toBe(join(dir, 'state/s.db'));
    expect(config.flags).toMatchObject({ dataFile: join(dir, 'flags.json') });
  });

  it.each([
    ['a missing file', (dir: string) => join(dir, 'nope.json'), '(file): cannot read the file (ENOENT)'],
    ['invalid JSON', (dir: string) => (writeFileSync(join(dir, 'bad.json'), '{ "monolith": '), join(dir, 'bad.json')), '(file): not valid JSON'],
  ])('reports %s as a ConfigError', (_case, makePath, expected) => {
    const path = makePath(tempDir());
    expect(() => loadConfig(path)).toThrow(ConfigError);
    expect(() => loadConfig(path)).toThrow(expected);
  });
});
