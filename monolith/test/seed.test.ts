// The seed: deterministic (same size, same rows), realistic enough to teach with, fast,
// skips a database that has products unless forced, and its CLI refuses bad arguments.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openMonolithDb } from '../src/schema';
import { runSeedCli, seed, seedMonolith } from '../src/seed';
import { freshDir, removeTempDirs } from './helpers/fixtures';

afterAll(() => removeTempDirs());

const dump = (path: string): Record<string, unknown[]> => {
  const db = new Database(path, { readonly: true });
  try {
    const all = (sql: string) => db.prepare(sql).all();
    return {
      products: all('SELECT * FROM products ORDER BY id'),
      inventory: all('SELECT * FROM inventory ORDER BY sku'),
      users: all('SELECT * FROM users ORDER BY id'),
    };
  } finally {
    db.close();
  }
};

it('two seeds of the same size produce identical rows', () => {
  const [a, b] = [join(freshDir(), 'a.db'), join(freshDir(), 'b.db')];
  expect(seed({ dbPath: a, products: 500 })).toEqual({ products: 500, users: 100, skipped: false });
  seed({ dbPath: b, products: 500 });
  const [rowsA, rowsB] = [dump(a), dump(b)];
  expect(rowsA.products).toHaveLength(500);
  expect(rowsA.users).toHaveLength(100);
  expect(rowsB).toEqual(rowsA);
});

it('seeds 10,000 products with realistic spread in well under 5 seconds', () => {
  const db = openMonolithDb(join(freshDir(), 'big.db'));
  try {
    const started = Date.now();
    expect(seedMonolith(db, { products: 10_000 }).products).toBe(10_000);
    expect(Date.now() - started).toBeLessThan(5000);
    const stats = db
      .prepare(
        `SELECT COUNT(DISTINCT p.category) AS categories, SUM(i.on_hand = 0) AS out_of_stock,
                SUM(i.reserved > 0) AS reserved, MIN(p.price_cents) AS min_price, MAX(p.price_cents) AS max_price,
                SUM(p.price_cents % 10 = 5) AS ends_in_5, COUNT(DISTINCT i.warehouse) AS warehouses,
                SUM(i.reserved > i.on_hand) AS over_reserved, MIN(p.created_at) AS first_created
           FROM products p JOIN inventory i ON i.sku = p.sku`,
      )
      .get() as Record<string, number | string>;
    expect(stats).toMatchObject({ categories: 12, warehouses: 3, over_reserved: 0, first_created: '2024-01-01 00:00:00' });
    expect(stats.out_of_stock).toBeGreaterThan(300); // about 5 %
    expect(stats.out_of_stock).toBeLessThan(700);
    expect(stats.reserved).toBeGreaterThan(50);
    expect(stats.min_price).toBeGreaterThanOrEqual(100);
    expect(stats.max_price).toBeLessThanOrEqual(50_000);
    expect(stats.ends_in_5).toBeGreaterThan(1000);
  } finally {
    db.close();
  }
});

it('skips a database that already has products, and force wipes and reseeds it', () => {
  const path = join(freshDir(), 'm.db');
  seed({ dbPath: path, products: 40 });
  const db = openMonolithDb(path);
  try {
    db.prepare("UPDATE products SET name = 'Changed' WHERE id = 1").run();
    db.prepare(
      "INSERT INTO orders (user_id, status, total_cents, created_at, updated_at) VALUES (1, 'placed', 100, 'x', 'x')",
    ).run();
    expect(seedMonolith(db, { products: 80 })).toEqual({ products: 40, users: 100, skipped: true });
    expect(db.prepare('SELECT name FROM products WHERE id = 1').pluck().get()).toBe('Changed');

    expect(seedMonolith(db, { products: 40, force: true })).toEqual({ products: 40, users: 100, skipped: false });
    expect(db.prepare('SELECT COUNT(*) FROM orders').pluck().get()).toBe(0);
  } finally {
    db.close();
  }
  const fresh = join(freshDir(), 'fresh.db');
  seed({ dbPath: fresh, products: 40 });
  expect(dump(path)).toEqual(dump(fresh));
});

describe('seed CLI', () => {
  const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const lines: string[] = [];
    const errors: string[] = [];
    const code = runSeedCli(argv, env, { log: (l) => lines.push(l), error: (l) => errors.push(l) });
    return { code, out: lines.join('\n'), err: errors.join('\n') };
  };

  it('seeds users only once even when asked for zero products', () => {
    const dbPath = join(freshDir(), 'empty.db');
    expect(run(['--products', '0'], { MONOLITH_DB: dbPath }).code).toBe(0);
    expect(run(['--products', '0'], { MONOLITH_DB: dbPath }).out).toContain('nothing changed');
  });

  it('creates the database directory, seeds, and says what it did; then skips', () => {
    const dbPath = join(freshDir(), 'nested', 'dir', 'monolith.db');
    const first = run(['--products', '25'], { MONOLITH_DB: dbPath });
    expect(first).toMatchObject({ code: 0, err: '' });
    expect(first.out).toContain(`wrote 25 products and 100 users to ${dbPath}`);
    expect(existsSync(dbPath)).toBe(true);
    expect(run(['--products', '25'], { MONOLITH_DB: dbPath }).out).toContain('nothing changed (use --force');
    expect(run(['--products', '30', '--force'], { MONOLITH_DB: dbPath }).out).toContain('wrote 30 products');
  });

  it.each([
    [['--products', 'many']],
    [['--products', '-5']],
    [['--products', '2000000']],
    [['--prodcts', '5']],
    [['extra']],
  ])('refuses %j with a message and exit code 2', (argv) => {
    const res = run(argv, { MONOLITH_DB: join(freshDir(), 'never.db') });
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/^seed: [\s\S]+\nusage: /);
  });
});
