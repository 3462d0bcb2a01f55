// Tiny builders for facade tests: a valid config (raw JSON) to tweak, a parsed route, request facts,
// a stored route state, and the SHA-1 hash the rollout bucketing expects to be given.
import { createHash } from 'node:crypto';
import { parseConfig, type RouteConfig } from '../../src/config';
import type { RoutingFacts } from '../../src/core/routing';
import type { Stage } from '../../src/core/stages';
import type { RouteState } from '../../src/flags/provider';

/** Raw (unparsed) config JSON, as a user would write it. */
export type ConfigJson = Record<string, unknown>;

/** The fields of a route a test usually cares about; everything else takes the config defaults. */
export interface RouteSpec {
  name?: string;
  path?: string;
  methods?: string[];
  host?: string;
  service?: string;
  fallback?: boolean;
  flagKey?: string;
  defaultStage?: Stage;
  compare?: Record<string, unknown>;
}

/** The raw JSON of one route (defaults: `catalog`, `/api/products/**`, service `catalog`). */
export function aRouteJson(spec: RouteSpec = {}): ConfigJson {
  const { name = 'catalog', path = '/api/products/**', methods, host, service = 'catalog', ...rest } = spec;
  const match: ConfigJson = { path };
  if (methods !== undefined) match.methods = methods;
  if (host !== undefined) match.host = host;
  return { name, match, service, ...rest };
}

/**
 * A valid config: the demo monolith, services `catalog` and `inventory`, and the demo routes.
 * `overrides` replace top-level sections wholesale.
 */
export function aConfig(overrides: ConfigJson = {}): ConfigJson {
  return {
    monolith: { url: 'http://127.0.0.1:3000' },
    services: { catalog: { url: 'http://127.0.0.1:4001' }, inventory: { url: 'http://127.0.0.1:4002' } },
    routes: [aRouteJson(), aRouteJson({ name: 'inventory', path: '/api/inventory/**', service: 'inventory' })],
    ...overrides,
  };
}

/** A parsed route (defaults filled in, frozen), as the route table and the pipeline see it. */
export function aRoute(spec: RouteSpec = {}): RouteConfig {
  const service = spec.service ?? 'catalog';
  const config = parseConfig(
    aConfig({ services: { [service]: { url: 'http://127.0.0.1:4001' } }, routes: [aRouteJson(spec)] }),
    'aRoute',
  );
  return config.routes[0];
}

/** Request facts for routing and decisions; `path` is used as given (normalize it first if needed). */
export function aRequest(method = 'GET', path = '/', host?: string): RoutingFacts {
  return host === undefined ? { method, path } : { method, path, host };
}

/** A stored route state; `rollout` holds `percent` % of contexts at `rollout.stage`. */
export function aState(stage: Stage = 'off', rollout: { stage: Stage; percent: number } | null = null): RouteState {
  return { stage, rollout, updatedAt: null };
}

/** The hash the facade injects into rollout bucketing. */
export function sha1Hex(s: string): string {
  return createHash('sha1').update(s).digest('hex');
}
