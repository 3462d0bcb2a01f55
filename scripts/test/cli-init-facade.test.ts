// `strangler init`, `facade`, `backfill` and `walkthrough`: the starter config passes loadConfig and
// is never overwritten by accident; `facade` hands facade/src/main.ts the CLI's config; the two
// delegated verbs keep the CLI's exit-code rules.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../facade/src/config';
import { oneLine, workspace, type Workspace } from './helpers/cli';

let ws: Workspace;
beforeEach(() => (ws = workspace()));
afterEach(() => ws.close());

describe('init', () => {
  it('writes a starter config for the monolith that loadConfig accepts, with one example route at off', async () => {
    const r = await ws.run(['init', '--monolith', 'https://shop.example.com:8443', '--out', 'conf/strangler.json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote conf\/strangler\.json: monolith https:\/\/shop\.example\.com:8443/);
    expect(r.stdout).toContain('strangler --config conf/strangler.json facade');
    const config = loadConfig(path.join(ws.dir, 'conf', 'strangler.json'));
    expect(config.monolith.url).toBe('https://shop.example.com:8443');
    expect(config.routes).toEqual([expect.objectContaining({ name: 'example', service: 'example-service', defaultStage: 'off' })]);
    expect(config.services['example-service'].url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(config.state.db).toBe(path.join(ws.dir, 'conf', '.strangler', 'state.db'));
    // init makes the state database on purpose (other verbs never do by accident), owner-only.
    expect(fs.statSync(config.state.db).mode & 0o777).toBe(0o600);
  });

  it('keeps the facade and admin ports off the monolith\'s port', async () => {
    await ws.run(['init', '--monolith', 'http://127.0.0.1:8080', '--out', 'a.json']);
    const config = loadConfig(path.join(ws.dir, 'a.json'));
    expect([config.listen.port, config.admin.port]).toEqual([8081, 8082]);
  });

  it('the written config works with the other verbs straight away', async () => {
    await ws.run(['init', '--monolith', 'http://127.0.0.1:3000', '--out', 'mine.json']);
    const r = await ws.run(['--config', 'mine.json', 'route', 'list', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject([{ route: 'example', stage: 'off' }]);
  });

  it('refuses to overwrite a file without --force (exit 1), and overwrites with it', async () => {
    const before = fs.readFileSync(ws.configFile, 'utf8');
    const refused = await ws.run(['init', '--monolith', 'http://127.0.0.1:3000']);
    expect(refused.code).toBe(1);
    expect(oneLine(refused.stderr)).toMatch(/strangler\.config\.json already exists: pass --force to overwrite it$/);
    expect(fs.readFileSync(ws.configFile, 'utf8')).toBe(before);
    expect((await ws.run(['init', '--monolith', 'http://127.0.0.1:3000', '--force'])).code).toBe(0);
    expect(loadConfig(ws.configFile).routes[0].name).toBe('example');
  });

  it.each([
    ['not a URL', 'shop'],
    ['not http', 'ftp://shop.example.com'],
    ['a query string', 'http://shop.example.com/?a=1'],
  ])('refuses a monolith URL that is %s (exit 2)', async (_what, url) => {
    const r = await ws.run(['init', '--monolith', url, '--out', 'x.json']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toContain(`--monolith <url>' argument '${url}' is invalid`);
    expect(fs.existsSync(path.join(ws.dir, 'x.json'))).toBe(false);
  });
});

describe('facade', () => {
  it('runs facade/src/main.ts with the config and the worker count', async () => {
    const calls: string[][] = [];
    const r = await ws.run(['facade', '--workers', '3'], { runFacade: async (argv) => void calls.push(argv) });
    expect(r.code).toBe(0);
    expect(calls).toEqual([['node', 'strangler-facade', '--config', ws.configFile, '--workers', '3']]);
  });

  it('an invalid config is reported before the facade starts, every problem listed, exit 2', async () => {
    fs.writeFileSync(path.join(ws.dir, 'bad.json'), JSON.stringify({ monolith: { url: 'nope' }, routes: [{ name: 'x' }] }));
    const calls: string[][] = [];
    const r = await ws.run(['--config', 'bad.json', 'facade'], { runFacade: async (argv) => void calls.push(argv) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: invalid config .*bad\.json \(\d+ problems\):\n  - monolith\.url: /);
    expect(calls).toEqual([]);
  });

  it('a bad worker count is one line, exit 2', async () => {
    const r = await ws.run(['facade', '--workers', 'many']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toContain("--workers <n>' argument 'many' is invalid");
  });
});

describe('backfill and walkthrough', () => {
  it('backfill: an unknown capability is one line, exit 2', async () => {
    const r = await ws.run(['backfill', 'orders']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/'orders' is invalid for argument 'capability'. Allowed choices are catalog, inventory/);
  });

  it('backfill: its own exit code comes back (1 when the monolith database is missing)', async () => {
    const r = await ws.run(['backfill', 'catalog', '--monolith-db', path.join(ws.dir, 'none.db'), '--service-db', path.join(ws.dir, 'c.db')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('backfill failed [MONOLITH_DB_MISSING]');
  });

  it('walkthrough: --fast and --step are its options, and its help ends with examples', async () => {
    const r = await ws.run(['walkthrough', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--fast[\s\S]*--step[\s\S]*Examples:\n/);
  });
});
