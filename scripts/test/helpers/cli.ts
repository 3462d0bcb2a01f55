// Runs the `strangler` CLI in-process for tests: a temp folder with a config file, output captured
// through CliDeps, a clock the test moves, and a builder for comparison records written straight
// into the diff store, so the gate and the report judge real rows.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FacadeConfigInput } from '../../../facade/src/config';
import type { ComparisonRecord } from '../../../facade/src/core/comparison';
import { StateStore } from '../../../facade/src/io/state-store';
import { runCli, type CliDeps } from '../../cli';

/** A Writable that keeps what was written; `isTTY` as asked. */
export class Capture extends Writable {
  text = '';
  constructor(readonly isTTY = false) {
    super();
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A temp folder with a clock; `run` executes the CLI there. */
export interface Workspace {
  readonly dir: string;
  readonly configFile: string;
  readonly db: string;
  /** The CLI's clock; move it with `advance`. */
  now: Date;
  advance(ms: number): Date;
  run(argv: readonly string[], deps?: Partial<CliDeps>): Promise<CliRun>;
  close(): void;
}

/** Two routes on two services, like the demo shop; `gate` overrides the config's thresholds. */
export function testConfig(extra: Partial<FacadeConfigInput> = {}): FacadeConfigInput {
  return {
    monolith: { url: 'http://127.0.0.1:3999' },
    services: { catalog: { url: 'http://127.0.0.1:4999' }, inventory: { url: 'http://127.0.0.1:4998' } },
    routes: [
      { name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog', compare: { ignore: [{ path: '$.etag', reason: 'per implementation' }] } },
      { name: 'inventory', match: { path: '/api/inventory/**' }, service: 'inventory' },
    ],
    state: { db: 'state.db' },
    ...extra,
  };
}

export function workspace(config: FacadeConfigInput = testConfig()): Workspace {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-cli-'));
  const configFile = path.join(dir, 'strangler.config.json');
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  // The CLI never creates a state database by accident: make it here, as `strangler init` would.
  new StateStore(path.join(dir, 'state.db')).close();
  const ws: Workspace = {
    dir, configFile, db: path.join(dir, 'state.db'),
    now: new Date('2030-01-01T10:00:00.000Z'),
    advance(ms: number): Date {
      ws.now = new Date(ws.now.getTime() + ms);
      return ws.now;
    },
    async run(argv, deps = {}) {
      const stdout = new Capture();
      const stderr = new Capture();
      const code = await runCli(argv, { stdout, stderr, env: {}, cwd: dir, now: () => ws.now, ...deps });
      return { code, stdout: stdout.text, stderr: stderr.text };
    },
    close: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
  return ws;
}

let seq = 0;

/** One comparison record (a matching GET at `shadow`, monolith primary) with overrides. */
export function aComparison(overrides: Partial<ComparisonRecord> = {}): ComparisonRecord {
  seq++;
  return {
    at: new Date().toISOString(), route: 'catalog', stage: 'shadow', kind: 'read', method: 'GET', path: `/api/products/${seq}`,
    requestId: `req-${seq}`, primarySide: 'monolith', primaryStatus: 200, shadowStatus: 200, primaryMs: 5, shadowMs: 6,
    endpoint: 'GET /api/products/:id', outcome: 'match', reason: null, facts: [], reasked: false, selfFields: [], diff: '', detail: null,
    ...overrides,
  };
}

/** A mismatching comparison at `$.price`, with the detail the recorder stores. */
export function aMismatch(overrides: Partial<ComparisonRecord> = {}): ComparisonRecord {
  return aComparison({
    outcome: 'mismatch', reasked: true, reasks: 3, selfFields: [],
    facts: [{ path: '$.price', field: '$.price', kind: 'changed', primary: 10, shadow: 11, primaryHash: 'p10', generated: null }],
    ...overrides,
  });
}

/** The only line of a one-line message (fails the test when there are more). */
export function oneLine(text: string): string {
  const lines = text.trimEnd().split('\n');
  if (lines.length !== 1) throw new Error(`expected one line, got ${lines.length}:\n${text}`);
  return lines[0];
}
