// The real entry point as a process: env in, one URL line out, seeds an empty database,
// exits 0 on SIGTERM; a bad env value stops it with a message instead of a half start.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { spawnMonolith } from './helpers/child';
import { freshDir, removeTempDirs } from './helpers/fixtures';

afterAll(() => removeTempDirs());

it('starts on the port it prints, seeds SEED_PRODUCTS into an empty database, and exits 0 on SIGTERM', async () => {
  const dbPath = join(freshDir(), 'data', 'monolith.db');
  const monolith = await spawnMonolith(dbPath, { env: { SEED_PRODUCTS: '12' } });
  try {
    const res = await fetch(`${monolith.url}/api/products`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { total: number }).total).toBe(12);
  } finally {
    expect(await monolith.stop()).toBe(0);
  }
});

it('refuses a malformed MONOLITH_PORT with a message and exit code 1', () => {
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'monolith/src/main.ts'], {
    cwd: resolve(__dirname, '../..'),
    env: { ...process.env, MONOLITH_PORT: 'eighty', MONOLITH_DB: join(freshDir(), 'm.db') },
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(result.status).toBe(1);
  expect(result.stdout + result.stderr).toContain('MONOLITH_PORT must be a whole number from 0 to 65535');
});
