// Deterministic demo data for the monolith: same product count in, same rows out (seeded
// PRNG, fixed timestamps), so a backfilled service can be compared row for row. Library
// function plus CLI: `npm run seed -- --products N [--force]` (env MONOLITH_DB).
import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { hashPasswordSync, SEED_COST } from './passwords';
import { legacyNow, openMonolithDb } from './schema';
import * as data from './seed-data';

export interface SeedOptions {
  products: number;
  /** Wipe orders, sessions, users, inventory and products first, then seed again. */
  force?: boolean;
}

export interface SeedResult {
  products: number;
  users: number;
  /** True when the database already had products and `force` was not set: nothing changed. */
  skipped: boolean;
}

export const SEED_USERS = 100;
export const MAX_SEED_PRODUCTS = 1_000_000;

const stamp = (offsetMs: number): string => legacyNow(new Date(data.SEED_BASE_MS + offsetMs));
const MINUTE = 60_000;

/** Price in cents, 1.00..499.99, log-skewed toward cheap items; a quarter end in 5 cents. */
function seedPrice(rand: data.Random): number {
  const dollars = Math.min(499, Math.max(1, Math.floor(Math.exp(rand() * Math.log(500)))));
  const kind = rand();
  let cents: number;
  if (kind < 0.25) cents = data.intBetween(rand, 0, 9) * 10 + 5; // .05 .. .95: where rounding bugs show
  else if (kind < 0.5) cents = 99;
  else if (kind < 0.6) cents = 0;
  else cents = data.intBetween(rand, 0, 99);
  return dollars * 100 + cents;
}

function seedProducts(db: Database.Database, count: number): void {
  const rand = data.mulberry32(20240101);
  const insertProduct = db.prepare(
    `INSERT INTO products (id, sku, name, description, category, price_cents, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertStock = db.prepare(
    'INSERT INTO inventory (sku, on_hand, reserved, warehouse, updated_at) VALUES (?, ?, ?, ?, ?)',
  );
  for (let id = 1; id <= count; id++) {
    const category = data.pick(rand, data.CATEGORIES);
    const noun = data.pick(rand, data.CATALOG[category]!);
    const adjective = data.pick(rand, data.ADJECTIVES);
    const sku = `SKU-${String(id).padStart(6, '0')}`;
    const name = `${adjective} ${noun}`;
    const description = `The ${name} from our ${category} range. ${data.pick(rand, data.SELLING_POINTS)}`;
    const createdMs = (id - 1) * 53 * MINUTE;
    const updated = stamp(createdMs + data.intBetween(rand, 0, 90 * 24 * 60) * MINUTE);
    insertProduct.run(id, sku, name, description, category, seedPrice(rand), stamp(createdMs), updated);

    const outOfStock = rand() < 0.05;
    const onHand = outOfStock ? 0 : data.intBetween(rand, 1, 250);
    const reserved = !outOfStock && rand() < 0.04 ? data.intBetween(rand, 1, Math.min(onHand, 5)) : 0;
    insertStock.run(sku, onHand, reserved, data.pick(rand, data.WAREHOUSES), updated);
  }
}

interface SeedUser {
  email: string;
  fullName: string;
  salt: string;
  hash: string;
  createdAt: string;
}

/** Users come from their own PRNG stream, so they are the same whatever the product count. */
function buildUsers(): SeedUser[] {
  const rand = data.mulberry32(1000003);
  return Array.from({ length: SEED_USERS }, (_, i) => {
    const n = i + 1;
    const fullName = `${data.pick(rand, data.FIRST_NAMES)} ${data.pick(rand, data.LAST_NAMES)}`;
    const salt = Array.from({ length: 4 }, () => Math.floor(rand() * 2 ** 32).toString(16).padStart(8, '0')).join('');
    const hash = hashPasswordSync(`password${n}`, salt, SEED_COST);
    return { email: `user${n}@shop.test`, fullName, salt, hash, createdAt: stamp(i * 60 * MINUTE) };
  });
}

const countProducts = (db: Database.Database): number =>
  (db.prepare('SELECT COUNT(*) AS n FROM products').get() as { n: number }).n;
const countUsers = (db: Database.Database): number =>
  (db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;

/** Seeds an open monolith database in one transaction; skips a database that has products (or users). */
export function seedMonolith(db: Database.Database, opts: SeedOptions): SeedResult {
  if (!Number.isInteger(opts.products) || opts.products < 0 || opts.products > MAX_SEED_PRODUCTS) {
    throw new RangeError(`products must be an integer 0..${MAX_SEED_PRODUCTS}, got ${opts.products}`);
  }
  const skippedResult = (): SeedResult => ({ products: countProducts(db), users: countUsers(db), skipped: true });
  // Users count too: a `--products 0` seed has none, and seeding its users twice would collide.
  const alreadySeeded = (): boolean => countProducts(db) > 0 || countUsers(db) > 0;
  if (!opts.force && alreadySeeded()) return skippedResult();
  const users = buildUsers(); // scrypt outside the write lock

  const run = db.transaction((): SeedResult => {
    // Checked again under the write lock: two processes starting on one empty file seed once.
    if (!opts.force && alreadySeeded()) return skippedResult();
    if (opts.force) {
      for (const table of ['order_items', 'orders', 'sessions', 'users', 'inventory', 'products']) {
        db.prepare(`DELETE FROM ${table}`).run();
      }
    }
    seedProducts(db, opts.products);
    const insertUser = db.prepare(
      'INSERT INTO users (id, email, full_name, password_salt, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    users.forEach((u, i) => insertUser.run(i + 1, u.email, u.fullName, u.salt, u.hash, u.createdAt));
    return { products: opts.products, users: users.length, skipped: false };
  });
  return run.immediate();
}

/** Opens (creating the directory if needed), seeds and closes a database file. */
export function seed(opts: SeedOptions & { dbPath: string }): SeedResult {
  mkdirSync(dirname(opts.dbPath), { recursive: true });
  const db = openMonolithDb(opts.dbPath);
  try {
    return seedMonolith(db, opts);
  } finally {
    db.close();
  }
}

const USAGE = 'usage: npm run seed -- [--products N] [--force]   (env MONOLITH_DB, default data/monolith.db)';

/**
 * The seed CLI, testable in-process: returns the exit code (0 done or skipped, 2 bad arguments,
 * 1 when the database can't be opened or written).
 * `--products` defaults to env SEED_PRODUCTS, then 10000.
 */
export function runSeedCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  out: { log(line: string): void; error(line: string): void } = console,
): number {
  let values: { products?: string; force?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { products: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    out.error(`seed: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    out.log(USAGE);
    return 0;
  }
  const raw = values.products ?? env.SEED_PRODUCTS ?? '10000';
  const products = /^\d{1,7}$/.test(raw) ? Number(raw) : NaN;
  if (!(products >= 0 && products <= MAX_SEED_PRODUCTS)) {
    out.error(`seed: --products must be a whole number from 0 to ${MAX_SEED_PRODUCTS}, got "${raw}"\n${USAGE}`);
    return 2;
  }
  const dbPath = env.MONOLITH_DB || 'data/monolith.db';
  const started = Date.now();
  let result: SeedResult;
  try {
    result = seed({ dbPath, products, force: values.force ?? false });
  } catch (err) {
    out.error(`seed: could not seed ${dbPath}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  if (result.skipped) {
    out.log(
      `seed: ${dbPath} already has ${result.products} products and ${result.users} users; nothing changed (use --force to reseed)`,
    );
  } else {
    out.log(`seed: wrote ${result.products} products and ${result.users} users to ${dbPath} in ${Date.now() - started} ms`);
  }
  return 0;
}

if (require.main === module) {
  process.exitCode = runSeedCli(process.argv.slice(2), process.env);
}
