// Step 1: everything on the monolith. Starts the demo stack (scripts/stack.ts) on free ports in a
// fresh data directory, with the inventory service in its buggy default build, every route at
// `off`, and picks the SKUs the traffic will aim at (some of them out of stock).
import Database from 'better-sqlite3';
import { startStack, type Stack } from '../../stack';
import type { Narrator } from '../narrator';
import type { SkuPool } from '../traffic';

export interface StartOptions {
  readonly dataDir: string;
  readonly seedProducts: number;
  readonly adminToken: string;
  readonly signal: AbortSignal;
}

/** Starts the stack and returns it with the SKU pool; the caller owns stack.stop(). */
export async function startDemo(
  narrator: Narrator,
  opts: StartOptions,
  onStack: (stack: Stack) => void,
  onCrash: (name: string, code: number | null, signal: string | null) => void,
): Promise<{ stack: Stack; skus: SkuPool }> {
  narrator.say(
    `Every request to the shop goes to the legacy monolith. We start the demo system in ${opts.dataDir}: the monolith ` +
    `(seeding ${opts.seedProducts.toLocaleString('en-US')} products), the extracted catalog and inventory services, ` +
    'each with its own database, and the facade in front of them with every route at `off`. The inventory service ' +
    'runs the build that still has a bug (INVENTORY_OUT_OF_STOCK_WAREHOUSE=omit, its default). `npm start` starts the ' +
    'same stack on the fixed ports 3000-8081; the walkthrough picks free ports so it never collides with it.',
  );
  narrator.typed(`SEED_PRODUCTS=${opts.seedProducts} npm start`);
  const stack = await startStack({
    dataDir: opts.dataDir,
    ports: { monolith: 0, catalog: 0, inventory: 0, facade: 0, admin: 0 },
    seedProducts: opts.seedProducts,
    adminToken: opts.adminToken,
    // The inventory backfill is step 2, by hand; the catalog is not part of this story.
    backfill: ['catalog'],
    follow: false,
    signal: opts.signal,
    serviceEnv: { inventory: { INVENTORY_OUT_OF_STOCK_WAREHOUSE: 'omit' } },
    log: (line) => narrator.note(line),
    onUnexpectedExit: onCrash,
  });
  onStack(stack);
  const width = Math.max(...Object.keys(stack.urls).map((k) => k.length));
  for (const [name, url] of Object.entries(stack.urls)) narrator.note(`${name.padEnd(width)}  ${url}`);
  narrator.say('The commands below run against this stack; in your own shell they need these lines first:');
  narrator.typed(`export STRANGLER_CONFIG=${stack.configPath}`);
  for (const line of [`STRANGLER_ADMIN_TOKEN=${opts.adminToken}`, `MONOLITH_DB=${stack.dbs.monolith}`, `INVENTORY_DB=${stack.dbs.inventory}`]) {
    narrator.write(`$ export ${line}\n`);
  }
  return { stack, skus: pickSkus(stack.dbs.monolith) };
}

/** Out-of-stock SKUs and well-stocked ones (so that orders never empty them), read from the monolith's database. */
export function pickSkus(monolithDb: string): SkuPool {
  const db = new Database(monolithDb, { readonly: true, fileMustExist: true });
  try {
    const skus = (sql: string) => (db.prepare(sql).all() as { sku: string }[]).map((r) => r.sku);
    return {
      outOfStock: skus('SELECT sku FROM inventory WHERE on_hand = 0 ORDER BY sku LIMIT 60'),
      inStock: skus('SELECT sku FROM inventory WHERE on_hand - reserved >= 50 ORDER BY sku LIMIT 1000'),
    };
  } finally {
    db.close();
  }
}
