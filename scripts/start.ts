// `npm start`: the whole demo stack on loopback (scripts/stack.ts on the fixed default ports, data/
// and the repository's strangler.config.json): seeds an empty monolith database, backfills both
// services, starts them and the facade, keeps the backfill following the monolith, stops on Ctrl-C.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startStack, type Stack } from './stack';

const root = path.resolve(__dirname, '..');
const env = process.env;
const host = env.HOST || '127.0.0.1';
const token = env.STRANGLER_ADMIN_TOKEN || randomBytes(12).toString('hex');
const starting = new AbortController();
let stack: Stack | null = null;
let stopping = false;

function port(name: string, fallback: number): number {
  return env[name] ? Number(env[name]) : fallback;
}

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  starting.abort();
  await stack?.stop();
  process.exit(code);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  console.log('Starting the demo stack (first run seeds 10,000 products)...');
  stack = await startStack({
    dataDir: path.join(root, 'data'),
    config: env.STRANGLER_CONFIG || path.join(root, 'strangler.config.json'),
    ports: { monolith: port('MONOLITH_PORT', 3000), catalog: port('CATALOG_PORT', 4001), inventory: port('INVENTORY_PORT', 4002) },
    dbs: {
      monolith: path.resolve(root, env.MONOLITH_DB || 'data/monolith.db'),
      catalog: path.resolve(root, env.CATALOG_DB || 'data/catalog.db'),
      inventory: path.resolve(root, env.INVENTORY_DB || 'data/inventory.db'),
    },
    host,
    adminToken: token,
    follow: true,
    signal: starting.signal,
    log: (line) => process.stderr.write(`${line}\n`),
    onBackfill: (r) => console.log(`backfill ${r.capability}: ${r.copied} copied, ${r.changesApplied} changes applied, ${r.targetCount}/${r.sourceCount} rows, ${r.sampleMismatches.length} sample mismatches`),
    onUnexpectedExit: (name, code, signal) => {
      if (stopping) return;
      console.error(`\n${name} exited unexpectedly (code ${code}, signal ${signal}); stopping the stack`);
      void stop(1);
    },
  });
  if (stopping) return;
  printWelcome(stack);
}

function printWelcome(s: Stack): void {
  const f = s.urls.facade;
  const a = s.urls.admin;
  console.log(`
The demo stack is up (Ctrl-C stops everything):
  facade     ${f}        <- send traffic here
  admin API  ${a}        (token: ${token})
  monolith   ${s.urls.monolith}
  catalog    ${s.urls.catalog}
  inventory  ${s.urls.inventory}

Try next:
  curl ${f}/api/products/3                          # answered by the monolith (every route starts at off)
  curl ${a}/routes -H 'authorization: Bearer ${token}'   # routes, stages and request counts
  curl -X PUT ${a}/routes/catalog -H 'authorization: Bearer ${token}' \\
       -H 'content-type: application/json' -d '{"stage":"dualwrite","reason":"first step"}'
  curl -X PUT ${a}/routes/catalog -H 'authorization: Bearer ${token}' \\
       -H 'content-type: application/json' -d '{"stage":"shadow"}'
  curl ${f}/api/products/3; curl ${a}/routes/catalog/comparisons -H 'authorization: Bearer ${token}'   # product 3's price differs by a cent
  curl -X PUT ${a}/routes/catalog -H 'authorization: Bearer ${token}' \\
       -H 'content-type: application/json' -d '{"stage":"complete","force":true,"reason":"demo"}'
  curl -i ${f}/api/products/3                       # x-strangler-side: service
  open ${f}/ in a browser: the shop's HTML pages, through the facade
`);
}

main().catch((err: Error) => {
  if (stopping) return;
  console.error(`npm start failed: ${err.message}`);
  void stop(1);
});
