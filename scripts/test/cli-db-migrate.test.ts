// `strangler db migrate --to postgres://…` against a real PostgreSQL: a SQLite state with stages, a
// rollout, audit entries and ignore rules arrives whole (audit ids kept, the next change numbered
// after them); a second run into the now-full database is refused and changes nothing. Then the CLI
// works on the PostgreSQL state itself (--db URL, STRANGLER_DATABASE_URL).
import { openDatabase } from '../../facade/src/io/db/open';
import { PgStateStore } from '../../facade/src/io/pg-state-store';
import { StateStore } from '../../facade/src/io/state-store';
import { describeWithPostgres, startPostgres, type TestPostgres } from '../../facade/test/helpers/postgres';
import { workspace, type Workspace } from './helpers/cli';

describeWithPostgres('strangler db migrate --to postgres://…', () => {
  let pg: TestPostgres;
  let ws: Workspace;
  beforeAll(async () => { pg = await startPostgres(); });
  afterAll(async () => { await pg.stop(); });
  beforeEach(() => { ws = workspace(); });
  afterEach(() => ws.close());

  /** A SQLite state as months of use leave it: stages, a rollout, audit entries, ignore rules. */
  async function history(): Promise<void> {
    for (const [route, stage, extra] of [
      ['catalog', 'dualwrite', []], ['catalog', 'shadow', []], ['catalog', 'live', ['--percent', '25']], ['inventory', 'dualwrite', []],
    ] as const) {
      expect((await ws.run(['route', 'set', route, stage, ...extra, '--reason', `to ${stage}`])).code).toBe(0);
    }
    expect((await ws.run(['ignore', 'add', 'catalog', '$.updatedAt', '--reason', 'clock'])).code).toBe(0);
  }

  it('copies stages, the audit log and ignore rules; the next change continues the ids', async () => {
    await history();
    const url = await pg.createDatabase();
    const r = await ws.run(['db', 'migrate', '--to', url, '--json']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout).tables).toEqual(expect.arrayContaining([
      { component: 'state', table: 'route_states', rows: 2 },
      { component: 'state', table: 'audit_log', rows: 4 },
      { component: 'state', table: 'ignore_rules', rows: 1 },
    ]));
    const sqlite = new StateStore(ws.db);
    const db = await openDatabase(url);
    const store = await PgStateStore.open(db.pg!);
    try {
      expect(await store.states()).toEqual(sqlite.states());
      expect(await store.history()).toEqual(sqlite.history());
      expect(await store.ignoreRules()).toEqual(sqlite.ignoreRules());
      const next = await store.change({ route: 'inventory', stage: 'shadow', actor: 'ana', defaultStage: 'off' });
      expect(next.id).toBe(Math.max(...sqlite.history().map((e) => e.id)) + 1);
    } finally {
      sqlite.close();
      await db.close();
    }
  });

  it('refuses a database that already holds a state, and leaves it as it was', async () => {
    await history();
    const url = await pg.createDatabase();
    expect((await ws.run(['db', 'migrate', '--to', url])).code).toBe(0);
    await ws.run(['route', 'set', 'inventory', 'shadow']); // the SQLite state moves on
    const again = await ws.run(['db', 'migrate', '--to', url]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/not empty \(route_states: 2 rows, audit_log: 4 rows, ignore_rules: 1 rows.*migrate into an empty database/);
    const db = await openDatabase(url);
    try {
      expect((await (await PgStateStore.open(db.pg!)).history()).length).toBe(4);
    } finally {
      await db.close();
    }
  });

  it('names an unreachable target and a target that is not a PostgreSQL URL', async () => {
    const bad = await ws.run(['db', 'migrate', '--to', 'mysql://x@127.0.0.1/db']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('must be a postgres://user@host:port/database URL');
    const down = await ws.run(['db', 'migrate', '--to', `postgres://nobody:secret@127.0.0.1:1/none`]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/could not migrate to postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none: .*nothing was written/);
    expect(down.stderr).not.toContain('secret');
  });

  it('the CLI changes and lists stages on the PostgreSQL state (--db URL and STRANGLER_DATABASE_URL)', async () => {
    const url = await pg.createDatabase();
    const set = await ws.run(['--db', url, 'route', 'set', 'catalog', 'dualwrite', '--reason', 'deployed']);
    expect(set).toMatchObject({ code: 0, stderr: '' });
    const list = await ws.run(['route', 'list', '--json'], { env: { STRANGLER_DATABASE_URL: url } });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ route: 'catalog', stage: 'dualwrite' })]));
    const hist = await ws.run(['--db', url, 'route', 'history', 'catalog', '--json']);
    expect(JSON.parse(hist.stdout)).toEqual([expect.objectContaining({ from: 'off', to: 'dualwrite', reason: 'deployed' })]);
    // The SQLite file of the workspace was never touched.
    const sqlite = new StateStore(ws.db);
    expect(sqlite.history()).toEqual([]);
    sqlite.close();
  });
});

it('a STRANGLER_DATABASE_URL that is not a postgres:// URL is refused, naming the variable', async () => {
  const ws = workspace();
  try {
    const r = await ws.run(['route', 'list'], { env: { STRANGLER_DATABASE_URL: 'state-copy.db' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('STRANGLER_DATABASE_URL must be a postgres://… URL');
  } finally {
    ws.close();
  }
});
