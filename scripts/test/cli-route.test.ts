// `strangler route list|set|rollback|history` against a real state database in a temp folder:
// tables and --json, before → after, the stage-skip guard, and every typo or bad value giving
// one line on stderr naming it, with exit code 2.
import fs from 'node:fs';
import path from 'node:path';
import { StateStore } from '../../facade/src/io/state-store';
import { oneLine, workspace, type Workspace } from './helpers/cli';

let ws: Workspace;
beforeEach(() => (ws = workspace()));
afterEach(() => ws.close());

describe('route list', () => {
  it('prints every configured route as a table, at its default stage before any change', async () => {
    const r = await ws.run(['route', 'list']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const [header, , catalog, inventory] = r.stdout.trimEnd().split('\n');
    expect(header.split(/\s{2,}/)).toEqual(['ROUTE', 'PATTERN', 'SERVICE', 'STAGE', 'ROLLOUT', 'COMPARISONS', 'MISMATCH', 'LAST CHANGE', 'BREAKER']);
    expect(catalog.split(/\s{2,}/)).toEqual(['catalog', '/api/products/**', 'catalog', 'off', '-', '0', '-', '-', 'closed']);
    expect(inventory).toMatch(/^inventory\s+\/api\/inventory\/\*\*\s+inventory\s+off/);
  });

  it('--json is a stable array: route, pattern, service, stage, rollout, comparisons, mismatchRate, lastChange, breaker', async () => {
    await ws.run(['route', 'set', 'catalog', 'dualwrite', '--percent', '25']);
    const r = await ws.run(['route', 'list', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { route: 'catalog', pattern: '/api/products/**', service: 'catalog', stage: 'off', rollout: { stage: 'dualwrite', percent: 25 },
        comparisons: 0, mismatchRate: null, lastChange: '2030-01-01T10:00:00.000Z', breaker: 'closed' },
      { route: 'inventory', pattern: '/api/inventory/**', service: 'inventory', stage: 'off', rollout: null,
        comparisons: 0, mismatchRate: null, lastChange: null, breaker: 'closed' },
    ]);
  });

  it('reads the database named by --db (or STRANGLER_DB) instead of the config\'s state.db', async () => {
    const other = `${ws.dir}/other.db`;
    const store = new StateStore(other);
    store.change({ route: 'inventory', stage: 'dualwrite', actor: 'test', defaultStage: 'off' });
    store.close();
    const byFlag = JSON.parse((await ws.run(['route', 'list', '--json', '--db', other])).stdout);
    const byEnv = JSON.parse((await ws.run(['route', 'list', '--json'], { env: { STRANGLER_DB: other } })).stdout);
    const byConfig = JSON.parse((await ws.run(['route', 'list', '--json'])).stdout);
    expect([byFlag[1].stage, byEnv[1].stage, byConfig[1].stage]).toEqual(['dualwrite', 'dualwrite', 'off']);
  });
});

describe('route set', () => {
  it('prints before → after and writes the audit entry with the actor and reason', async () => {
    const r = await ws.run(['route', 'set', 'catalog', 'dualwrite', '--reason', 'service deployed'], { env: { USER: 'alice' } });
    expect(r).toEqual({ code: 0, stdout: 'catalog: off → dualwrite\n', stderr: '' });
    const store = new StateStore(ws.db);
    expect(store.history('catalog')).toMatchObject([{ from: 'off', to: 'dualwrite', actor: 'alice', reason: 'service deployed', forced: false }]);
    store.close();
  });

  it('--percent holds that share of contexts at the stage and says so', async () => {
    await ws.run(['route', 'set', 'catalog', 'dualwrite']);
    await ws.run(['route', 'set', 'catalog', 'shadow']);
    const r = await ws.run(['route', 'set', 'catalog', 'live', '--percent', '10']);
    expect(r.stdout).toBe('catalog: shadow → live (10 % of contexts; the rest at shadow)\n');
  });

  it('refuses to skip a stage without --force, with the store\'s message and exit 2', async () => {
    const r = await ws.run(['route', 'set', 'catalog', 'live']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe('error: off → live skips dualwrite, shadow; move one stage at a time or force it');
    expect(JSON.parse((await ws.run(['route', 'list', '--json'])).stdout)[0].stage).toBe('off');
  });

  it('--force skips and the audit entry says forced', async () => {
    const r = await ws.run(['route', 'set', 'catalog', 'live', '--force', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ route: 'catalog', from: 'off', to: 'live', forced: true });
  });
});

describe('route rollback and history', () => {
  it('rollback goes one stage back without a gate; a partial rollout is withdrawn first', async () => {
    await ws.run(['route', 'set', 'catalog', 'dualwrite']);
    await ws.run(['route', 'set', 'catalog', 'shadow', '--percent', '50']);
    expect((await ws.run(['route', 'rollback', 'catalog'])).stdout).toBe('catalog: dualwrite (50 % at shadow) → dualwrite\n');
    expect((await ws.run(['route', 'rollback', 'catalog', '--reason', 'oops'])).stdout).toBe('catalog: dualwrite → off\n');
    const r = await ws.run(['route', 'rollback', 'catalog']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe('error: catalog is at off: there is no earlier stage');
  });

  it('history lists the audit log newest first, per route or for all, limited and as JSON', async () => {
    await ws.run(['route', 'set', 'catalog', 'dualwrite', '--reason', 'first']);
    ws.advance(60_000);
    await ws.run(['route', 'set', 'inventory', 'dualwrite']);
    ws.advance(60_000);
    await ws.run(['route', 'set', 'catalog', 'shadow']);
    const all = await ws.run(['route', 'history']);
    expect(all.stdout.split('\n')[0].split(/\s{2,}/)).toEqual(['AT', 'ROUTE', 'CHANGE', 'PERCENT', 'ACTOR', 'FORCED', 'REASON']);
    expect(all.stdout.split('\n').slice(2, 5).map((l) => l.split(/\s{2,}/).slice(1, 3))).toEqual([
      ['catalog', 'dualwrite → shadow'], ['inventory', 'off → dualwrite'], ['catalog', 'off → dualwrite'],
    ]);
    const one = JSON.parse((await ws.run(['route', 'history', 'catalog', '--limit', '1', '--json'])).stdout);
    expect(one).toEqual([expect.objectContaining({ route: 'catalog', from: 'dualwrite', to: 'shadow', at: '2030-01-01T10:02:00.000Z' })]);
  });
});

describe('typos and bad values: one line on stderr, exit 2', () => {
  it.each([
    ['an unknown command', ['rout', 'list'], /^error: unknown command 'rout' \(Did you mean route\?\)$/],
    ['an unknown subcommand', ['route', 'lst'], /^error: unknown command 'lst' \(Did you mean list\?\)$/],
    ['an unknown option', ['route', 'list', '--jsn'], /^error: unknown option '--jsn'/],
    ['a bad stage', ['route', 'set', 'catalog', 'liv'], /'liv' is invalid for argument 'stage'. Allowed choices are off, dualwrite, shadow, live, rampdown, complete/],
    ['a non-numeric percent', ['route', 'set', 'catalog', 'dualwrite', '--percent', 'ten'], /--percent <n>' argument 'ten' is invalid. percent must be a whole number from 0 to 100, written in plain digits \(got "ten"\)/],
    ['a hexadecimal percent', ['route', 'set', 'catalog', 'dualwrite', '--percent', '0x10'], /--percent <n>' argument '0x10' is invalid. percent must be a whole number from 0 to 100/],
    ['a percent in exponent form', ['route', 'promote', 'catalog', '--percent', '1e1'], /argument '1e1' is invalid. percent must be a whole number/],
    ['a percent with a leading space', ['route', 'set', 'catalog', 'live', '--percent', ' 5'], /argument ' 5' is invalid. percent must be a whole number/],
    ['a percent with a decimal point', ['route', 'set', 'catalog', 'live', '--percent', '5.0'], /argument '5.0' is invalid. percent must be a whole number/],
    ['a limit in exponent form', ['route', 'history', '--limit', '1e1'], /--limit <n>' argument '1e1' is invalid. must be a whole number >= 1/],
    ['a percent above 100', ['route', 'promote', 'catalog', '--percent', '150'], /argument '150' is invalid/],
    ['a bad limit', ['route', 'history', '--limit', '0'], /--limit <n>' argument '0' is invalid/],
    ['an unknown route (set)', ['route', 'set', 'catalgo', 'dualwrite'], /^error: unknown route "catalgo" \(known: catalog, inventory\)$/],
    ['an unknown route (history)', ['route', 'history', 'nope'], /^error: unknown route "nope" \(known: catalog, inventory\)$/],
    ['a missing argument', ['route', 'set', 'catalog'], /missing required argument 'stage'/],
    ['a bad admin URL', ['--admin', 'localhost:8081', 'route', 'list'], /--admin <url>' argument 'localhost:8081' is invalid/],
  ])('%s', async (_what, argv, message) => {
    const r = await ws.run(argv);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it.each([
    ['a mistyped --db', ['--db', 'stat.db', 'route', 'set', 'catalog', 'dualwrite']],
    ['a mistyped --db on a read', ['--db', 'sub/stat.db', 'route', 'list']],
  ])('%s is refused (exit 2) and creates no database', async (_what, argv) => {
    const r = await ws.run(argv);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/^error: state database .*stat\.db does not exist \(a typo in --db, STRANGLER_DB or state\.db\?\): start the facade once, run `strangler init`, or pass --create to make it$/);
    expect(fs.readdirSync(ws.dir).filter((f) => f.includes('stat.db'))).toEqual([]);
    expect(fs.existsSync(path.join(ws.dir, 'sub'))).toBe(false);
  });

  it('a --db that is some other file is refused (exit 2) and left as it was: not made owner-only, not written', async () => {
    const other = path.join(ws.dir, 'passwd');
    fs.writeFileSync(other, 'root:x:0:0:root:/root:/bin/bash\n', { mode: 0o644 });
    fs.chmodSync(other, 0o644);
    const r = await ws.run(['--db', other, 'route', 'list']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/^error: --db .*passwd: .*passwd is not a SQLite database \(it does not start with "SQLite format 3"\); left untouched$/);
    expect(fs.statSync(other).mode & 0o777).toBe(0o644);
    expect(fs.readFileSync(other, 'utf8')).toBe('root:x:0:0:root:/root:/bin/bash\n');
    expect(fs.readdirSync(ws.dir).filter((f) => f.startsWith('passwd-'))).toEqual([]);
  });

  it('--create makes a new database (owner-only) for a command that succeeds, and none for one that fails', async () => {
    const failed = await ws.run(['--db', 'new.db', '--create', 'route', 'set', 'catalgo', 'dualwrite']);
    expect(failed.code).toBe(2);
    expect(fs.readdirSync(ws.dir).filter((f) => f.startsWith('new.db'))).toEqual([]);
    const ok = await ws.run(['--db', 'new.db', '--create', 'route', 'set', 'catalog', 'dualwrite']);
    expect(ok.code).toBe(0);
    expect(fs.statSync(path.join(ws.dir, 'new.db')).mode & 0o777).toBe(0o600);
    expect(JSON.parse((await ws.run(['--db', 'new.db', 'route', 'list', '--json'])).stdout)[0]).toMatchObject({ route: 'catalog', stage: 'dualwrite' });
  });

  it('a missing config file says how to name or create one (exit 2)', async () => {
    const r = await ws.run(['route', 'list', '--config', 'nope.json']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/config file .*nope\.json not found: pass --config FILE, set STRANGLER_CONFIG, or create one with `strangler init`/);
  });

  it('--help of the program and of route ends with worked examples, exit 0', async () => {
    for (const argv of [['--help'], ['route', '--help']]) {
      const r = await ws.run(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/\nExamples:\n(  \$ strangler .*\n)+/);
    }
  });
});
