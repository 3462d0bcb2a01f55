// Terminal-safe output: data that reaches a terminal (audit reasons and actors, service names,
// ignore rules, report fields, error messages) has its control characters shown, not obeyed, in the
// CLI's tables and lines and in the text report; columns line up when data holds East Asian wide
// characters; our own colour still reaches a terminal. CLI runs are real, on a temp state database.
import { displayWidth, tableLines, truncate, visible } from '../cli/terminal';
import { renderText } from '../report/text';
import { fixtureReport } from './fixtures/report-fixture';
import type { RouteView } from '../cli/backend';
import { routeTable } from '../commands/route-list';
import { Capture, workspace, type Workspace } from './helpers/cli';

const ESC = /[\u001b\u009b\u0007\u202e\u2066-\u2069]/;
const EVIL_REASON = '\u001b[2J\u001b[31mpwned\u001b[0m';

/**
 * Terminal column where `needle` starts in `line`: kana and CJK ideographs take two columns, every
 * other character one. Counted here on its own, not with the module under test.
 */
function column(line: string, needle: string): number {
  const at = line.indexOf(needle);
  if (at < 0) throw new Error(`${JSON.stringify(needle)} not in ${JSON.stringify(line)}`);
  return [...line.slice(0, at)].reduce((n, ch) => n + (/[\u3040-\u30ff\u4e00-\u9fff]/.test(ch) ? 2 : 1), 0);
}

let ws: Workspace;
/** A temp folder with a config and a state database for each test of the calling describe. */
function withWorkspace(): void {
  beforeEach(() => (ws = workspace()));
  afterEach(() => ws.close());
}

describe('route history', () => {
  withWorkspace();

  it('shows an audit reason with ANSI escapes and an actor with a bidi override escaped, and keeps them raw in --json', async () => {
    await ws.run(['route', 'set', 'catalog', 'dualwrite', '--reason', EVIL_REASON], { env: { STRANGLER_ACTOR: 'ann\u202eevil' } });
    const r = await ws.run(['route', 'history']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(ESC);
    const row = r.stdout.split('\n')[2];
    expect(row).toContain('ann\\u202eevil');
    expect(row.endsWith('\\x1b[2J\\x1b[31mpwned\\x1b[0m')).toBe(true);
    // --json is the stable contract: the stored text, exactly (JSON escapes it itself).
    expect(JSON.parse((await ws.run(['route', 'history', '--json'])).stdout)[0]).toMatchObject({ reason: EVIL_REASON, actor: 'ann\u202eevil' });
  });

  it('lines up every column when an actor and a reason are written in Japanese', async () => {
    await ws.run(['route', 'set', 'catalog', 'dualwrite', '--reason', 'バックフィル検証済み'], { env: { STRANGLER_ACTOR: '山田太郎' } });
    ws.advance(60_000);
    await ws.run(['route', 'set', 'inventory', 'shadow', '--force', '--reason', 'hotfix'], { env: { STRANGLER_ACTOR: 'ann' } });
    const [header, rule, newest, oldest] = (await ws.run(['route', 'history'])).stdout.split('\n');
    expect(column(newest, 'ann')).toBe(column(header, 'ACTOR'));
    expect(column(oldest, '山田太郎')).toBe(column(header, 'ACTOR'));
    expect(column(newest, 'yes')).toBe(column(header, 'FORCED'));
    expect(column(newest, 'hotfix')).toBe(column(header, 'REASON'));
    expect(column(oldest, 'バックフィル検証済み')).toBe(column(header, 'REASON'));
    // The rule under ACTOR is as wide as 山田太郎 on a terminal: eight columns.
    expect(rule.slice(column(header, 'ACTOR')).split('  ')[0]).toBe('--------');
  });

  it('an error quoting a typed name shows its escapes (one line on stderr)', async () => {
    const r = await ws.run(['route', 'history', 'x\u001b[2J']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: unknown route "x\\x1b[2J" (known: catalog, inventory)\n');
  });
});

describe('route list', () => {
  withWorkspace();

  // Local route names, services and patterns are held to plain names by the config; through --admin the
  // rows are whatever the admin API answered. routeTable is what `route list` prints them with.
  const row = (over: Partial<RouteView>): RouteView => ({
    route: 'catalog', pattern: '/api/products/**', service: 'catalog', stage: 'off', rollout: null, comparisons: 0, mismatchRate: null, lastChange: null, breaker: null, ...over,
  });

  it('shows names with ANSI escapes and bidi overrides escaped, columns aligned as printed', () => {
    const [header, , evil, plain] = routeTable([
      row({ route: `orders${EVIL_REASON}`, service: 'ord\u202eers', stage: 'dualwrite' }),
      row({}),
    ]).trimEnd().split('\n');
    expect(evil.split(/\s{2,}/)).toEqual([`orders\\x1b[2J\\x1b[31mpwned\\x1b[0m`, '/api/products/**', 'ord\\u202eers', 'dualwrite', '-', '0', '-', '-', '-']);
    expect(`${evil}${plain}`).not.toMatch(ESC);
    expect(column(evil, '  dualwrite') + 2).toBe(column(header, 'STAGE'));
    expect(column(plain, '  off') + 2).toBe(column(header, 'STAGE'));
  });

  it('lines up wide characters in a pattern', () => {
    const [header, , wide, plain] = routeTable([row({ pattern: '/api/商品/**' }), row({ route: 'inventory', pattern: '/api/x' })]).split('\n');
    for (const line of [wide, plain]) expect(column(line, '  catalog') + 2).toBe(column(header, 'SERVICE'));
  });

  it('reads real routes through the CLI with the same table', async () => {
    const r = await ws.run(['route', 'list']);
    expect(r.stdout).toBe(routeTable(JSON.parse((await ws.run(['route', 'list', '--json'])).stdout) as RouteView[]));
  });
});

describe('ignore list', () => {
  withWorkspace();

  it('lines up a Japanese field pattern and shows an escaped reason', async () => {
    await ws.run(['ignore', 'add', 'catalog', '$.商品名', '--reason', `翻訳が違う ${EVIL_REASON}`]);
    const [header, , config, stored] = (await ws.run(['ignore', 'list', 'catalog'])).stdout.split('\n');
    expect(column(stored, 'state')).toBe(column(header, 'SOURCE'));
    expect(column(config, 'config')).toBe(column(header, 'SOURCE'));
    expect(column(stored, '翻訳が違う')).toBe(column(header, 'REASON'));
    expect(stored).toContain('翻訳が違う \\x1b[2J\\x1b[31mpwned\\x1b[0m');
    expect(stored).not.toMatch(ESC);
  });
});

describe('the text report', () => {
  it('lines up the count column after a Japanese field path', () => {
    const out = renderText(fixtureReport({ pricePath: '$.価格' }), { color: false }).split('\n');
    const header = out.find((l) => l.includes('real field'))!;
    const rows = out.slice(out.indexOf(header) + 1, out.indexOf(header) + 3);
    expect(rows.map((l) => l.trim().split(/\s{2,}/)[0])).toEqual(['$.価格', 'status']);
    // Right-aligned: every count ends where the header's "count" ends.
    const end = (line: string, needle: string): number => column(line, needle) + needle.length;
    expect(end(rows[0], '21')).toBe(end(header, 'count'));
    expect(end(rows[1], '5')).toBe(end(header, 'count'));
  });

  it('with colour keeps our ANSI codes and escapes the ones in the data', () => {
    const out = renderText(fixtureReport({ pricePath: `$.price${EVIL_REASON}` }), { color: true });
    expect(out).toContain('\u001b[1m'); // our bold headers
    expect(out).toContain('\u001b[31m$.price\\x1b[2J\\x1b[31mpwned\\x1b[0m\u001b[0m'); // the field, red, its escapes shown
    expect(out).not.toContain('\u001b[2J');
  });
});

describe('the CLI on a terminal', () => {
  withWorkspace();

  it('route promote still colours its gate marks', async () => {
    const stdout = new Capture(true);
    await ws.run(['route', 'set', 'catalog', 'dualwrite']);
    const r = await ws.run(['route', 'promote', 'catalog'], { stdout });
    expect(r.code).toBe(1); // no comparisons yet: the gate refuses
    expect(stdout.text).toMatch(/\u001b\[3[12]m[✓✗]\u001b\[39m/);
    expect(stdout.text).toContain('gate catalog: dualwrite → shadow');
  });
});

describe('terminal.ts', () => {
  it.each([
    ['abc', 3], ['日本語', 6], ['ｱｲｳ', 3], ['Ａ', 2], ['한국', 4], ['e\u0301', 1], ['か\u3099', 2],
    ['👍', 2], ['👨‍👩‍👧', 2], ['🇯🇵', 2], ['a\u200db', 2], ['\u001b[31mred\u001b[0m', 3], ['✓ —', 3],
  ])('%j takes %i columns', (text, width) => {
    expect(displayWidth(text)).toBe(width);
  });

  it('escapes C0, DEL, C1, bidi controls, line separators and lone surrogates, and is idempotent', () => {
    const raw = 'a\tb\u009bc\u007f\u202e\u2067\u2028\ud800😀日本';
    expect(visible(raw)).toBe('a\\x09b\\x9bc\\x7f\\u202e\\u2067\\u2028\\ud800😀日本');
    expect(visible(visible(raw))).toBe(visible(raw));
  });

  it('cuts by columns without splitting a character', () => {
    expect(truncate('日本語のテキスト', 7)).toBe('日本語…');
    expect(truncate('👨‍👩‍👧👨‍👩‍👧', 3)).toBe('👨‍👩‍👧…');
    expect(truncate('short', 5)).toBe('short');
  });

  it('a table paints cell text only, after escaping and padding', () => {
    const red = (t: string): string => `<${t}>`;
    const lines = tableLines([{ title: 'name' }, { title: 'n', right: true }], [['日本', '1'], ['x\u001b', '22']], { paint: (r, c) => (r === 0 && c === 0 ? red : null) });
    expect(lines).toEqual(['name    n', '<日本>    1', 'x\\x1b  22']);
  });
});

describe('markdown report', () => {
  it('prints control characters of data escaped (it goes to a terminal before a pull request)', async () => {
    const { mdText, mdCode, mdFence } = await import('../report/markdown');
    for (const out of [mdText('a\u001b[2Jb'), mdCode('$.x\u001b]0;pwned\u0007'), mdFence('diff', '-  "a": "\u001b[31mred"')]) {
      expect(out).not.toMatch(/[\u001b\u0007]/);
    }
  });
});
