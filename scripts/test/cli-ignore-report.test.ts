// `strangler ignore add|list|remove` and `strangler report` against a real state database:
// validated patterns, config and stored rules side by side, and the report in each format,
// built from comparison rows written into the diff store.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DiffStoreWriter as ComparisonStore } from '../../facade/src/io/diff-store/writer';
import type { ComparisonRecord } from '../../facade/src/core/comparison';
import { aComparison, aMismatch, Capture, oneLine, workspace, type Workspace } from './helpers/cli';

let ws: Workspace;
beforeEach(() => (ws = workspace()));
afterEach(() => ws.close());

function writeComparisons(records: ComparisonRecord[]): void {
  const db = new Database(ws.db);
  new ComparisonStore(db).write(records);
  db.close();
}

describe('ignore', () => {
  it('add stores a rule for running facades; list shows it beside the config rules; remove deletes it', async () => {
    const added = await ws.run(['ignore', 'add', 'catalog', '$.items[*].updatedAt', '--reason', 'each database stamps its own time'], { env: { USER: 'bob' } });
    expect(added).toEqual({ code: 0, stdout: 'catalog: ignoring $.items[*].updatedAt (each database stamps its own time)\n', stderr: '' });
    const list = JSON.parse((await ws.run(['ignore', 'list', '--json'])).stdout);
    expect(list).toEqual([
      { route: 'catalog', path: '$.etag', reason: 'per implementation', source: 'config', actor: null, createdAt: null },
      { route: 'catalog', path: '$.items[*].updatedAt', reason: 'each database stamps its own time', source: 'state', actor: 'bob', createdAt: '2030-01-01T10:00:00.000Z' },
    ]);
    const table = (await ws.run(['ignore', 'list', 'catalog'])).stdout.split('\n');
    expect(table[0].split(/\s{2,}/)).toEqual(['ROUTE', 'PATTERN', 'SOURCE', 'ADDED', 'REASON']);
    expect(table[3]).toMatch(/^catalog\s+\$\.items\[\*\]\.updatedAt\s+state\s+2030-01-01 10:00:00 by bob\s+each database/);
    expect(await ws.run(['ignore', 'remove', 'catalog', '$.items[*].updatedAt'])).toMatchObject({ code: 0, stdout: 'catalog: no longer ignoring $.items[*].updatedAt\n' });
    expect(JSON.parse((await ws.run(['ignore', 'list', 'inventory', '--json'])).stdout)).toEqual([]);
  });

  it.each([
    ['an invalid pattern', ['ignore', 'add', 'catalog', '$.items[', '--reason', 'x'], /^error: invalid ignore pattern "\$\.items\[": /],
    ['a missing reason', ['ignore', 'add', 'catalog', '$.a'], /required option '--reason <text>' not specified/],
    ['an unknown route', ['ignore', 'add', 'catalogue', '$.a', '--reason', 'x'], /^error: unknown route "catalogue" \(known: catalog, inventory\)$/],
    ['removing a rule that is not stored', ['ignore', 'remove', 'catalog', '$.nope'], /^error: no stored ignore rule "\$\.nope" on route catalog/],
    ['removing a config rule', ['ignore', 'remove', 'catalog', '$.etag'], /^error: ignore rule "\$\.etag" of route catalog comes from .*strangler\.config\.json: remove it there$/],
  ])('%s: one line, exit 2', async (_what, argv, message) => {
    const r = await ws.run(argv);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(message);
  });
});

describe('report', () => {
  beforeEach(async () => {
    await ws.run(['route', 'set', 'catalog', 'dualwrite']);
    await ws.run(['route', 'set', 'catalog', 'shadow']);
    const old = '2030-01-01T08:00:00.000Z';
    const recent = '2030-01-01T09:58:00.000Z';
    writeComparisons([
      ...Array.from({ length: 5 }, () => aComparison({ at: old })),
      ...Array.from({ length: 8 }, () => aComparison({ at: recent })),
      aMismatch({ at: recent }), aMismatch({ at: recent }),
    ]);
  });

  it('--json is the Report contract, windowed by --since', async () => {
    const all = JSON.parse((await ws.run(['report', '--json'])).stdout);
    expect(all).toMatchObject({ version: 2, generatedAt: '2030-01-01T10:00:00.000Z', window: { since: null } });
    expect(all.routes.map((r: { route: string }) => r.route)).toEqual(['catalog', 'inventory']);
    expect(all.routes[0]).toMatchObject({ route: 'catalog', stage: 'shadow', total: 15, outcomes: { mismatch: { count: 2 } } });
    const recent = JSON.parse((await ws.run(['report', 'catalog', '--since', '1h', '--json'])).stdout);
    expect(recent.window.since).toBe('2030-01-01T09:00:00.000Z');
    expect(recent.routes).toHaveLength(1);
    expect(recent.routes[0]).toMatchObject({ total: 10, outcomes: { match: { count: 8 }, mismatch: { count: 2 } } });
    // v2: the endpoint is the unit, with its own comparisons as the denominator and the field's class.
    expect(recent.routes[0].endpoints).toMatchObject([{ endpoint: 'GET /api/products/:id', compared: 10, realRate: 0.2,
      fields: [{ field: '$.price', class: 'real', count: 2, rate: 0.2, example: { primary: 10, shadow: 11, request: { method: 'GET' } } }] }]);
  });

  it('prints text by default, without colour when stdout is not a terminal, with colour on one', async () => {
    const plain = await ws.run(['report', 'catalog']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('catalog');
    expect(plain.stdout).toContain('$.price');
    expect(plain.stdout).not.toContain('\u001b[');
    const tty = new Capture(true);
    await ws.run(['report', 'catalog'], { stdout: tty });
    expect(tty.text).toContain('\u001b[');
  });

  it('--markdown prints Markdown; --html FILE writes one self-contained page', async () => {
    const md = await ws.run(['report', 'catalog', '--markdown']);
    expect(md.stdout).toMatch(/^#/m);
    expect(md.stdout).toContain('|');
    const html = await ws.run(['report', '--html', 'out/report.html']);
    expect(html).toMatchObject({ code: 0, stdout: `wrote ${path.join('out', 'report.html')} (2 routes)\n` });
    const page = fs.readFileSync(path.join(ws.dir, 'out', 'report.html'), 'utf8');
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).toContain('<svg');
  });

  it.each([
    ['a bad duration', ['report', '--since', '10 minutes'], /--since <duration>' argument '10 minutes' is invalid. use a number and a unit/],
    ['two formats', ['report', '--json', '--markdown'], /option '--json' cannot be used with option '--markdown'/],
    ['an unknown route', ['report', 'catalgo'], /^error: unknown route "catalgo" \(known: catalog, inventory\)$/],
  ])('%s: one line, exit 2', async (_what, argv, message) => {
    const r = await ws.run(argv);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(message);
  });
});
