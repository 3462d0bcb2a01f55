// startMonolith's lifecycle: seeds only an empty database, reports its real port, and
// close() returns promptly even with a client holding an idle keep-alive socket.
import http from 'node:http';
import { join } from 'node:path';
import { startMonolith } from '../src/server';
import { freshDir, removeTempDirs } from './helpers/fixtures';

afterAll(() => removeTempDirs());

function getWith(agent: http.Agent, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

it('seeds an empty database and does not seed it again on the next start', async () => {
  const dbPath = join(freshDir(), 'data', 'monolith.db');
  const first = await startMonolith({ dbPath, port: 0, seedProducts: 15 });
  expect(first.url).toBe(`http://127.0.0.1:${first.port}`);
  expect(((await (await fetch(`${first.url}/api/products`)).json()) as { total: number }).total).toBe(15);
  first.db.prepare("UPDATE products SET name = 'Kept' WHERE id = 1").run();
  await first.close();
  expect(first.db.open).toBe(false);

  const second = await startMonolith({ dbPath, port: 0, seedProducts: 30 });
  try {
    const body = (await (await fetch(`${second.url}/api/products?per_page=1`)).json()) as {
      total: number;
      products: Array<{ name: string }>;
    };
    expect(body.total).toBe(15);
    expect(body.products[0]?.name).toBe('Kept');
  } finally {
    await second.close();
  }
});

it('close() does not wait for idle keep-alive sockets', async () => {
  const shop = await startMonolith({ dbPath: join(freshDir(), 'm.db'), port: 0, seedProducts: 5 });
  const agent = new http.Agent({ keepAlive: true });
  try {
    expect(await getWith(agent, `${shop.url}/api/products/1`)).toBe(200);
    const started = Date.now();
    await shop.close();
    expect(Date.now() - started).toBeLessThan(1000); // well under the 5 s keep-alive timeout
  } finally {
    agent.destroy();
  }
});

it('close() is safe to call twice', async () => {
  const shop = await startMonolith({ dbPath: join(freshDir(), 'm.db'), port: 0 });
  await Promise.all([shop.close(), shop.close()]);
  expect(shop.db.open).toBe(false);
});

it('fails to start with a clear error when the port is taken, and closes its database', async () => {
  const shop = await startMonolith({ dbPath: join(freshDir(), 'a.db'), port: 0 });
  try {
    await expect(startMonolith({ dbPath: join(freshDir(), 'b.db'), port: shop.port })).rejects.toThrow(/EADDRINUSE/);
  } finally {
    await shop.close();
  }
});
