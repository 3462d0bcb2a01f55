// The `launchdarkly` flag provider: one LaunchDarkly flag per route, its variations named after the stages,
// evaluated per request with the request's context key by the real Node server SDK (cloud, or its own
// TestData / file data sources offline). If LaunchDarkly can't be reached it serves the last known stages.
import { format } from 'node:util';
import { init, type LDContext, type LDLogger, type LDOptions } from '@launchdarkly/node-server-sdk';
import { FileDataSourceFactory, type TestData } from '@launchdarkly/node-server-sdk/integrations';
import { isStage, type Stage } from '../core/stages';
import type { FlagProvider, FlagRoute, RouteState } from './provider';
import { steadyFlagFilesystem, type FlagFilesystem } from './ld-file-watch';
import { loadLastKnown, saveLastKnown, type KnownStage } from './ld-last-known';

export type LaunchDarklyDataSource =
  | { readonly kind: 'testData'; readonly testData: TestData }
  | { readonly kind: 'file'; readonly path: string }
  /** LaunchDarkly's service (or a Relay Proxy); the URIs default to LaunchDarkly's own. */
  | { readonly kind: 'cloud'; readonly baseUri?: string; readonly streamUri?: string; readonly eventsUri?: string };

/** Satisfied by pino and by console. */
export interface ProviderLogger {
  info(msg: string): void;
  warn(msg: string): void;
  error?(msg: string): void;
}

export interface LaunchDarklyProviderOptions {
  readonly sdkKey: string;
  readonly routes: readonly FlagRoute[];
  /** Context kind of per-request contexts (and of rollouts bucketing them). Default `user`. */
  readonly contextKind?: string;
  /** Default `{ kind: 'cloud' }`. */
  readonly dataSource?: LaunchDarklyDataSource;
  /** How long `ready()` waits for the first flag data. Default 5000 ms. */
  readonly startWaitMs?: number;
  readonly logger?: ProviderLogger;
  /** JSON file of the last known stages, rewritten whenever a flag changes. */
  readonly lastKnownPath?: string;
}

/** Key of the fixed context `describe()` reports: it matches no individual targeting. */
export const DESCRIBE_CONTEXT_KEY = 'strangler-describe';

/**
 * Creates the provider and starts the SDK client (connecting is asynchronous; `ready()` waits for it).
 * `stageFor` never throws: before the first flag data, for a missing flag or a variation that is not a
 * stage, it answers the last known stage of the flag, else the route's `defaultStage`.
 *
 * `describe()` reports the stage the flag serves the fixed describe context, with `rollout: null`:
 * the SDK evaluates flags but exposes no flag configuration, so a percentage rollout defined in
 * LaunchDarkly shows as whichever variation that one context falls into.
 */
export function createLaunchDarklyProvider(opts: LaunchDarklyProviderOptions): FlagProvider {
  const logger = opts.logger ?? console;
  const kind = opts.contextKind ?? 'user';
  const startWaitMs = opts.startWaitMs ?? 5000;
  const describeContext: LDContext = { kind, key: DESCRIBE_CONTEXT_KEY };
  const flagKeys = new Set(opts.routes.map((r) => r.flagKey));
  const known = loadLastKnown(opts.lastKnownPath, (m) => logger.warn(m));
  const missing = new Set<string>(); // flags LaunchDarkly doesn't have: not evaluated per request
  const listeners = new Set<() => void>();
  const pending = new Set<Promise<void>>();
  let startFailed = false;
  let closed = false;

  const client = init(opts.sdkKey, {
    ...dataSourceOptions(opts.dataSource ?? { kind: 'cloud' }, logger, () => reloaded()),
    sendEvents: false,
    diagnosticOptOut: true,
    logger: sdkLogger(logger),
  });

  /** Evaluates flags for the describe context, updates `known` (and its file), warns about bad flags; true when a stage changed. */
  async function refresh(keys: Iterable<string>, changed: boolean): Promise<boolean> {
    let dirty = false;
    for (const key of keys) {
      const detail = await client.variationDetail(key, describeContext, null);
      if (detail.reason.kind === 'ERROR' && detail.reason.errorKind === 'FLAG_NOT_FOUND') {
        if (!missing.has(key)) logger.warn(`launchdarkly: flag ${key} does not exist; serving ${fallbackText(key)}`);
        missing.add(key);
        continue;
      }
      missing.delete(key);
      if (!isStage(detail.value)) {
        logger.warn(`launchdarkly: flag ${key} serves ${JSON.stringify(detail.value)}, not a stage; serving ${fallbackText(key)}`);
        continue;
      }
      const before = known.get(key);
      if (changed || before?.stage !== detail.value) {
        known.set(key, { stage: detail.value, updatedAt: new Date().toISOString() });
        dirty = true;
      }
    }
    if (dirty && opts.lastKnownPath) {
      try {
        saveLastKnown(opts.lastKnownPath, known);
      } catch (err) {
        logger.warn(`launchdarkly: could not save last known stages to ${opts.lastKnownPath}: ${(err as Error).message}`);
      }
    }
    return dirty;
  }

  /**
   * The flags file was loaded again. A flag rewritten with the version it had (a file written by hand
   * or by a tool that starts versions over) is served by the SDK at once but raises no `update`
   * event, so `route list` and the admin API showed the old stage while traffic ran at the new one.
   */
  function reloaded(): void {
    if (closed || started === undefined || startFailed) return;
    track(async () => {
      if (await refresh(flagKeys, false)) notify();
    });
  }

  function fallbackText(key: string): string {
    const last = known.get(key);
    if (last) return `its last known stage ${last.stage}`;
    const route = opts.routes.find((r) => r.flagKey === key);
    return route ? `the default stage ${route.defaultStage}` : 'the default stage';
  }

  /** Runs `work` in the background, tracked so that `ready()` can wait for it; never rejects. */
  function track(work: () => Promise<void>): void {
    const p = work().catch((err: Error) => logger.warn(`launchdarkly: flag refresh failed: ${err.message}`));
    pending.add(p);
    void p.finally(() => pending.delete(p));
  }

  function notify(): void {
    for (const listener of listeners) {
      try {
        listener();
      } catch (err) {
        logger.warn(`launchdarkly: change listener threw: ${(err as Error).message}`);
      }
    }
  }

  // One event per changed flag (a flags-file edit, a TestData update, a stream patch). The first load
  // of the file source also arrives this way; ready() waits for those refreshes to settle.
  client.on('update', ({ key }: { key: string }) => {
    if (closed || !flagKeys.has(key)) return;
    track(async () => {
      await refresh([key], true);
      notify();
    });
  });
  // LaunchDarkly became reachable after ready() gave up: leave the last known stages behind.
  client.on('ready', () => {
    if (closed || !startFailed) return;
    startFailed = false;
    track(async () => {
      await refresh(flagKeys, false);
      logger.info(`launchdarkly: connected; routes now follow their flags (${summary()})`);
      notify();
    });
  });

  function summary(): string {
    return opts.routes.map((r) => `${r.name}=${known.get(r.flagKey)?.stage ?? `${r.defaultStage} (default)`}`).join(', ');
  }

  async function start(): Promise<void> {
    try {
      // The SDK's timeout is in seconds; 0 would mean "no timeout".
      await client.waitForInitialization({ timeout: Math.max(startWaitMs, 1) / 1000 });
    } catch (err) {
      startFailed = true;
      logger.warn(
        `launchdarkly: no flag data after ${startWaitMs} ms (${(err as Error).message}); serving last known ` +
          `or default stages until it connects: ${summary()}`,
      );
      return;
    }
    track(async () => { await refresh(flagKeys, false); });
    await Promise.all([...pending]);
    logger.info(`launchdarkly: flags loaded: ${summary()}`);
  }

  let started: Promise<void> | undefined;
  return {
    kind: 'launchdarkly',
    ready: () => (started ??= start()),
    stageFor(route: FlagRoute, contextKey: string | null, sample: () => number): Stage | Promise<Stage> {
      const fallback = known.get(route.flagKey)?.stage ?? route.defaultStage;
      // Before the first data (or with LD unreachable) the SDK would answer the default and log a
      // warning per call; a flag LD doesn't have would log an error per call. Answer directly instead.
      if (!client.initialized() || missing.has(route.flagKey)) return fallback;
      try {
        const context: LDContext = contextKey
          ? { kind, key: contextKey }
          : { kind, key: `anon-${Math.floor(sample() * 0x1_0000_0000).toString(36)}`, anonymous: true };
        // variation(), not migrationVariation(): the latter builds a MigrationOpTracker per call for the
        // SDK's consistency/latency events (they go nowhere with sendEvents: false; we record comparisons
        // ourselves), costs ~1.6-2x as much here, and logs an error per call on a non-stage value.
        return client.variation(route.flagKey, context, fallback).then(
          (value: unknown) => (isStage(value) ? value : fallback),
          () => fallback,
        );
      } catch {
        return fallback;
      }
    },
    describe(route: FlagRoute): RouteState {
      const last: KnownStage | undefined = known.get(route.flagKey);
      return { stage: last?.stage ?? route.defaultStage, rollout: null, updatedAt: last?.updatedAt || null };
    },
    onChange(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close(): Promise<void> {
      closed = true;
      listeners.clear();
      client.close();
    },
  };
}

function dataSourceOptions(source: LaunchDarklyDataSource, logger: ProviderLogger, loaded: () => void): LDOptions {
  switch (source.kind) {
    case 'testData':
      return { updateProcessor: source.testData.getFactory() };
    case 'file': {
      const make = new FileDataSourceFactory({ paths: [source.path], autoUpdate: true }).getFactory();
      // The same file data source, reading through a filesystem that survives removal and rename,
      // into the SDK's store, told to us after each load (`reloaded`).
      const updateProcessor: typeof make = (context, featureStore, ...rest) => {
        const fileSystem = steadyFlagFilesystem(context.platform.fileSystem as FlagFilesystem, (m) => logger.warn(m));
        const platform = new Proxy(context.platform, { get: (t, k) => (k === 'fileSystem' ? fileSystem : Reflect.get(t, k)) });
        const store = new Proxy(featureStore, {
          get: (t, k) => {
            const v: unknown = Reflect.get(t, k);
            if (k === 'init') return (data: Parameters<typeof t.init>[0], done: () => void) => t.init(data, () => { done(); loaded(); });
            return typeof v === 'function' ? v.bind(t) : v;
          },
        });
        return make({ ...context, platform }, store, ...rest);
      };
      return { updateProcessor };
    }
    case 'cloud': {
      const { baseUri, streamUri, eventsUri } = source;
      return { ...(baseUri && { baseUri }), ...(streamUri && { streamUri }), ...(eventsUri && { eventsUri }) };
    }
  }
}

/** The SDK's own messages, through our logger and prefixed; its debug output is dropped. */
function sdkLogger(logger: ProviderLogger): LDLogger {
  const text = (args: unknown[]): string => `launchdarkly sdk: ${format(...args)}`;
  return {
    debug: () => undefined,
    info: (...args: unknown[]) => logger.info(text(args)),
    warn: (...args: unknown[]) => logger.warn(text(args)),
    error: (...args: unknown[]) => (logger.error ? logger.error(text(args)) : logger.warn(text(args))),
  };
}
