// Facade replicas as an operator runs them: `facade/src/main.ts --config <file>` in child processes,
// each on its own ports and local dir, all on one state database (a postgres:// URL). Resolves once
// every replica logged "facade listening"; the processes are killed by killAll (helpers/processes.ts).
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from './net';
import { spawnTs } from './processes';
import { within } from './raw-http';

export interface ReplicaProcess {
  readonly id: string;
  readonly url: string;
  readonly adminUrl: string;
  readonly child: ChildProcess;
  /** stdout and stderr so far (for failure messages). */
  log: string;
}

export interface ReplicaSpec {
  /** The shared state database (postgres://…). */
  readonly database: string;
  /** Folder for the config files and the replicas' local dirs. */
  readonly dir: string;
  /** Config without state, replica, listen and admin (filled in per replica). */
  readonly config: Record<string, unknown>;
  /** Environment of every replica (admin token, shared keys). */
  readonly env: NodeJS.ProcessEnv;
}

/** Starts one replica per id (in parallel) and waits until each is listening. */
export async function startReplicaProcesses(ids: readonly string[], spec: ReplicaSpec): Promise<ReplicaProcess[]> {
  return Promise.all(ids.map((id) => startReplica(id, spec)));
}

/**
 * One replica on ports picked just before it starts. Another test file's process can take a picked
 * port before the replica binds it: the replica then says so and exits, and it is tried on new ports.
 */
async function startReplica(id: string, spec: ReplicaSpec, attempts = 3): Promise<ReplicaProcess> {
  const [port, adminPort] = [await freePort(), await freePort()];
  const configFile = path.join(spec.dir, `${id}.json`);
  fs.writeFileSync(configFile, JSON.stringify({
    ...spec.config,
    state: { db: spec.database, localDir: path.join(spec.dir, id) },
    replica: { id },
    listen: { host: '127.0.0.1', port },
    admin: { host: '127.0.0.1', port: adminPort },
  }));
  const child = spawnTs(path.join('facade', 'src', 'main.ts'), ['--config', configFile], spec.env);
  const r: ReplicaProcess = { id, url: `http://127.0.0.1:${port}`, adminUrl: `http://127.0.0.1:${adminPort}`, child, log: '' };
  const listening = new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer): void => { r.log += c.toString(); if (r.log.includes('"msg":"facade listening"')) resolve(); };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`replica ${id} exited (${code ?? signal}):\n${r.log.slice(-4000)}`)));
  });
  try {
    await within(listening, 60_000, `replica ${id} listening`);
  } catch (err) {
    if (attempts > 1 && r.log.includes('already in use')) return startReplica(id, spec, attempts - 1);
    throw err;
  }
  return r;
}
