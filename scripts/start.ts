// `npm start`: the whole demo stack on loopback. Starts the monolith (seeding an empty database),
// backfills both services' databases, starts the services and the facade as separate processes,
// keeps the backfill following the monolith's change log, and stops everything on Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { followBackfill, runBackfill } from './backfill/engine';

const root = path.resolve(__dirname, '..');
const env = process.env;
const host = env.HOST || '127.0.0.1';
const ports = {
  monolith: env.MONOLITH_PORT || '3000', catalog: env.CATALOG_PORT || '4001', inventory: env.INVENTORY_PORT || '4002',
  facade: env.FACADE_PORT || '8080', admin: env.ADMIN_PORT || '8081',
};
const dbs = {
  monolith: path.resolve(root, env.MONOLITH_DB || 'data/monolith.db'),
  catalog: path.resolve(root, env.CATALOG_DB || 'data/catalog.db'),
  inventory: path.resolve(root, env.INVENTORY_DB || 'data/inventory.db'),
};
const token = env.STRANGLER_ADMIN_TOKEN || randomBytes(12).toString('hex');
const children = new Map<string, ChildProcess>();
const follows = new AbortController();
let stopping = false;

function launch(name: string, script: string, extraEnv: Record<string, string>, args: string[] = []): ChildProcess {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(root, script), ...args], {
    cwd: root, env: { ...env, ...extraEnv, TS_NODE_PROJECT: path.join(root, 'tsconfig.json') }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[${name}] ${d}`));
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      console.error(`\n${name} exited unexpectedly (code ${code}, signal ${signal}); stopping the stack`);
      void stop(1);
    }
  });
  children.set(name, child);
  return child;
}

async function waitFor(name: string, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) throw new Error('stopping');
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not answer ${url} within ${timeoutMs / 1000} s`);
}

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  follows.abort();
  const exits = [...children.values()].map((c) => new Promise<void>((r) => { c.once('exit', () => r()); c.kill('SIGTERM'); }));
  await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 5000))]);
  for (const c of children.values()) c.kill('SIGKILL');
  process.exit(code);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  console.log('Starting the demo stack (first run seeds 10,000 products)...');
  launch('monolith', 'monolith/src/main.ts', { MONOLITH_PORT: ports.monolith, HOST: host, MONOLITH_DB: dbs.monolith });
  await waitFor('monolith', `http://${host}:${ports.monolith}/api/products?per_page=1`);
  for (const capability of ['catalog', 'inventory'] as const) {
    const r = await runBackfill({ capability, monolithDb: dbs.monolith, serviceDb: dbs[capability] });
    console.log(`backfill ${capability}: ${r.copied} copied, ${r.changesApplied} changes applied, ${r.targetCount}/${r.sourceCount} rows, ${r.sampleMismatches.length} sample mismatches`);
  }
  launch('catalog', 'extracted/catalog/src/main.ts', { CATALOG_PORT: ports.catalog, HOST: host, CATALOG_DB: dbs.catalog });
  launch('inventory', 'extracted/inventory/src/main.ts', { INVENTORY_PORT: ports.inventory, HOST: host, INVENTORY_DB: dbs.inventory });
  await waitFor('catalog', `http://${host}:${ports.catalog}/healthz`);
  await waitFor('inventory', `http://${host}:${ports.inventory}/healthz`);
  for (const capability of ['catalog', 'inventory'] as const) {
    // The monolith keeps changing this data (an order decrements stock): keep copying until stopped.
    followBackfill({ capability, monolithDb: dbs.monolith, serviceDb: dbs[capability], signal: follows.signal })
      .catch((err: Error) => { if (!stopping) console.error(`backfill follow ${capability} stopped: ${err.message}`); });
  }
  launch('facade', 'facade/src/main.ts', { STRANGLER_ADMIN_TOKEN: token }, ['--config', env.STRANGLER_CONFIG || path.join(root, 'strangler.config.json')]);
  await waitFor('facade', `http://${host}:${ports.admin}/readyz`);
  printWelcome();
}

function printWelcome(): void {
  const f = `http://${host}:${ports.facade}`;
  const a = `http://${host}:${ports.admin}`;
  console.log(`
The demo stack is up (Ctrl-C stops everything):
  facade     ${f}        <- send traffic here
  admin API  ${a}        (token: ${token})
  monolith   http://${host}:${ports.monolith}
  catalog    http://${host}:${ports.catalog}
  inventory  http://${host}:${ports.inventory}

Try next:
  curl ${f}/api/products/3                          # answered by the monolith (every route starts at off)
  curl ${a}/routes                                  # routes, stages and request counts
  curl -X PUT ${a}/routes/catalog -H 'authorization: Bearer ${token}' \\
       -H 'content-type: application/json' -d '{"stage":"dualwrite","reason":"first step"}'
  curl -X PUT ${a}/routes/catalog -H 'authorization: Bearer ${token}' \\
       -H 'content-type: application/json' -d '{"stage":"shadow"}'
  curl ${f}/api/products/3; curl ${a}/routes/catalog/comparisons   # product 3's price differs by a cent
  curl -X PUT ${a}/routes/catalog -H 'authorization: Bearer ${token}' \\
       -H 'content-type: application/json' -d '{"stage":"complete","force":true,"reason":"demo"}'
  curl -i ${f}/api/products/3                       # x-strangler-side: service
  open ${f}/ in a browser: the shop's HTML pages, through the facade
`);
}

main().catch((err: Error) => {
  console.error(`npm start failed: ${err.message}`);
  void stop(1);
});
