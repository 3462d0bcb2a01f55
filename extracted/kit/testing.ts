// Service kit: platform code every extracted service shares, like an internal library. It holds
// what is the same in every service and owned by none of them; a service's domain model,
// repository and anti-corruption mapping stay in that service's own folder. The kit imports
// nothing from monolith/ and nothing from a service folder (extracted/test/independence.test.ts).
//
// This module: test support. A real service on 127.0.0.1:0 over a fresh SQLite file in its own
// temp dir, with fetch shorthands and a close() that also removes the dir. Used only by tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningService } from './serve';

export interface TestService {
  service: RunningService;
  get(path: string): Promise<Response>;
  /** A body that is not a string is sent as JSON text; `contentType` defaults to application/json. */
  send(method: 'PUT' | 'POST', path: string, body: unknown, contentType?: string): Promise<Response>;
  /** Stops the service and removes its temp dir. */
  close(): Promise<void>;
}

/** Makes a temp dir named `prefix`..., starts a service in it through `start(dir)`, and wraps it. */
export async function startInTempDir(prefix: string, start: (dir: string) => Promise<RunningService>): Promise<TestService> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const service = await start(dir);
  return {
    service,
    get: (path) => fetch(service.url + path),
    send: (method, path, body, contentType = 'application/json') =>
      fetch(service.url + path, {
        method,
        headers: { 'content-type': contentType },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    async close() {
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The JSON body of a response, typed by the caller (fetch types it as unknown). */
export async function jsonOf<T>(res: Response | Promise<Response>): Promise<T> {
  return (await (await res).json()) as T;
}
