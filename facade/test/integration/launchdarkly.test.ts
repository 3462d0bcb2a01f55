// The launchdarkly flag provider against the real LaunchDarkly Node SDK, with no network: the SDK's own
// TestData and file data sources, and a cloud data source pointed at a closed loopback port.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { TestData } from '@launchdarkly/node-server-sdk/integrations';
import { STAGES, type Stage } from '../../src/core/stages';
import { createLaunchDarklyProvider, type LaunchDarklyProviderOptions } from '../../src/flags/launchdarkly';
import { migrationFlagJson, writeFlagsFile } from '../../src/flags/ld-flags-file';
import type { FlagProvider, FlagRoute } from '../../src/flags/provider';

const catalog: FlagRoute = { name: 'catalog', flagKey: 'strangler-catalog', defaultStage: 'off' };
const inventory: FlagRoute = { name: 'inventory', flagKey: 'strangler-inventory', defaultStage: 'dualwrite' };
const never = (): number => { throw new Error('sample() must not be needed with a context key'); };

let dir: string;
let providers: FlagProvider[];
let warnings: string[];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-ld-'));
  providers = [];
  warnings = [];
});
afterEach(async () => {
  await Promise.all(providers.map((p) => p.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

function aProvider(opts: Partial<LaunchDarklyProviderOptions>): FlagProvider {
  const provider = createLaunchDarklyProvider({
    sdkKey: 'sdk-key-unused', routes: [catalog, inventory], startWaitMs: 2000,
    logger: { info: () => undefined, warn: (m) => warnings.push(m) },
    ...opts,
  });
  providers.push(provider);
  return provider;
}

async function withTestData(setUp: (td: TestData) => Promise<unknown>, opts: Partial<LaunchDarklyProviderOptions> = {}) {
  const td = new TestData();
  await setUp(td);
  const provider = aProvider({ dataSource: { kind: 'testData', testData: td }, ...opts });
  await provider.ready();
  return { td, provider };
}

/** Resolves at the first onChange after which `check` holds; rejects after `ms`. */
function changeWhere(provider: FlagProvider, check: () => Promise<boolean>, ms = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { off(); reject(new Error(`no matching flag change within ${ms} ms`)); }, ms);
    const off = provider.onChange(() => {
      void check().then((ok) => { if (ok) { clearTimeout(timer); off(); resolve(); } });
    });
  });
}

async function closedPortUri(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

const stageIndex = (stage: Stage): number => STAGES.indexOf(stage);

/** Waits (bounded) until `check` holds. */
async function until(check: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !check(); ) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('launchdarkly provider with TestData', () => {
  it('serves the flag variation for every context, and follows td.update', async () => {
    const { td, provider } = await withTestData((td) =>
      td.update(td.flag(catalog.flagKey).variations(...STAGES).variationForAll(stageIndex('shadow'))));
    expect(await provider.stageFor(catalog, 'alice', never)).toBe('shadow');
    expect(provider.describe(catalog)).toMatchObject({ stage: 'shadow', rollout: null });

    const changed = changeWhere(provider, async () => provider.describe(catalog).stage === 'live');
    await td.update(td.flag(catalog.flagKey).variations(...STAGES).variationForAll(stageIndex('live')));
    await changed;
    expect(await provider.stageFor(catalog, 'alice', never)).toBe('live');
    expect(provider.describe(catalog).updatedAt).toEqual(expect.any(String));
  });

  it('gives a targeted context its own stage', async () => {
    const { provider } = await withTestData((td) => td.update(td.flag(catalog.flagKey).variations(...STAGES)
      .variationForAll(stageIndex('shadow')).variationForContext('user', 'tester-1', stageIndex('live'))));
    expect(await provider.stageFor(catalog, 'tester-1', never)).toBe('live');
    expect(await provider.stageFor(catalog, 'someone-else', never)).toBe('shadow');
  });

  it('holds 10 % ± 2 of 10,000 context keys at the rollout stage, the same key always at the same stage', async () => {
    const flag = migrationFlagJson(catalog.flagKey, { stage: 'shadow', rollout: { stage: 'live', percent: 10 } });
    const { provider } = await withTestData((td) => td.usePreconfiguredFlag(flag));
    const first = new Map<string, Stage>();
    for (let i = 0; i < 10_000; i++) first.set(`user-${i}`, await provider.stageFor(catalog, `user-${i}`, never));
    const live = [...first.values()].filter((s) => s === 'live').length;
    expect(new Set(first.values())).toEqual(new Set(['shadow', 'live']));
    expect(live).toBeGreaterThanOrEqual(800);
    expect(live).toBeLessThanOrEqual(1200);
    for (let i = 0; i < 10_000; i += 37) expect(await provider.stageFor(catalog, `user-${i}`, never)).toBe(first.get(`user-${i}`));
  });

  it('buckets a request without a context key by its sample, per request', async () => {
    const flag = migrationFlagJson(catalog.flagKey, { stage: 'shadow', rollout: { stage: 'live', percent: 10 } });
    const { provider } = await withTestData((td) => td.usePreconfiguredFlag(flag));
    let live = 0;
    for (let i = 0; i < 10_000; i++) if ((await provider.stageFor(catalog, null, Math.random)) === 'live') live++;
    expect(live).toBeGreaterThanOrEqual(800);
    expect(live).toBeLessThanOrEqual(1200);
    const fixed = (): number => 0.123456;
    expect(await provider.stageFor(catalog, null, fixed)).toBe(await provider.stageFor(catalog, null, fixed));
  });

  it('falls back to the default stage when the variation is not a stage name', async () => {
    const { provider } = await withTestData((td) =>
      td.update(td.flag(catalog.flagKey).variations('off', 'banana').variationForAll(1)));
    expect(await provider.stageFor(catalog, 'alice', never)).toBe('off');
    expect(provider.describe(catalog).stage).toBe('off');
    expect(warnings.join('\n')).toMatch(/strangler-catalog serves "banana", not a stage/);
  });

  it('serves the default stage for a route whose flag does not exist, and says so once', async () => {
    const { provider } = await withTestData((td) =>
      td.update(td.flag(catalog.flagKey).variations(...STAGES).variationForAll(stageIndex('live'))));
    expect(await provider.stageFor(inventory, 'alice', never)).toBe('dualwrite');
    expect(await provider.stageFor(inventory, 'bob', never)).toBe('dualwrite');
    expect(warnings.filter((w) => /flag strangler-inventory does not exist/.test(w))).toHaveLength(1);
  });
});

describe('launchdarkly provider with a flags file', () => {
  it('follows edits of the flags file while it runs', async () => {
    const file = path.join(dir, 'flags.json');
    writeFlagsFile(file, { [catalog.flagKey]: { stage: 'shadow' }, [inventory.flagKey]: { stage: 'off' } });
    const provider = aProvider({ dataSource: { kind: 'file', path: file } });
    await provider.ready();
    expect(await provider.stageFor(catalog, 'alice', never)).toBe('shadow');

    const toLive = changeWhere(provider, async () => (await provider.stageFor(catalog, 'alice', never)) === 'live');
    writeFlagsFile(file, { [catalog.flagKey]: { stage: 'live' }, [inventory.flagKey]: { stage: 'off' } });
    await toLive;
    expect(provider.describe(catalog).stage).toBe('live');

    const stagesOf200 = async (): Promise<Set<Stage>> => {
      const seen = new Set<Stage>();
      for (let i = 0; i < 200; i++) seen.add(await provider.stageFor(inventory, `user-${i}`, never));
      return seen;
    };
    const toRollout = changeWhere(provider, async () => (await stagesOf200()).size === 2);
    writeFlagsFile(file, {
      [catalog.flagKey]: { stage: 'live' },
      [inventory.flagKey]: { stage: 'off', rollout: { stage: 'shadow', percent: 50 } },
    });
    await toRollout;
    expect(await stagesOf200()).toEqual(new Set(['off', 'shadow']));
  });

  it('follows a flags file replaced by rename, and one removed and written again, serving the last flags meanwhile', async () => {
    const file = path.join(dir, 'flags.json');
    let version = 1;
    const flags = (stage: Stage): string => JSON.stringify({ flags: { [catalog.flagKey]: migrationFlagJson(catalog.flagKey, { stage }, version++) } });
    fs.writeFileSync(file, flags('off'));
    const provider = aProvider({ dataSource: { kind: 'file', path: file } });
    await provider.ready();
    const reaches = (stage: Stage): Promise<void> => changeWhere(provider, async () => (await provider.stageFor(catalog, 'alice', never)) === stage);

    // An atomic save: the watched inode is gone, the path holds a new file.
    let next = reaches('live');
    fs.writeFileSync(`${file}.tmp`, flags('live'));
    fs.renameSync(`${file}.tmp`, file);
    await next;
    next = reaches('shadow'); // an edit in place of the renamed-in file
    fs.writeFileSync(file, flags('shadow'));
    await next;

    fs.unlinkSync(file);
    await until(() => warnings.some((w) => /flags file .* cannot be read/.test(w)));
    expect(await provider.stageFor(catalog, 'alice', never)).toBe('shadow');
    next = reaches('off');
    fs.writeFileSync(file, flags('off'));
    await next;
    expect(provider.describe(catalog).stage).toBe('off');
  });

  it('shows a stage rewritten under the version it had (no SDK update event) as the stage it serves', async () => {
    const file = path.join(dir, 'flags.json');
    const flags = (stage: Stage): string => JSON.stringify({ flags: { [catalog.flagKey]: migrationFlagJson(catalog.flagKey, { stage }, 1) } });
    fs.writeFileSync(file, flags('dualwrite'));
    const provider = aProvider({ dataSource: { kind: 'file', path: file } });
    await provider.ready();
    expect(provider.describe(catalog).stage).toBe('dualwrite');
    // A file written by hand, or by a tool that starts versions over: version 1 again, another stage.
    const served = changeWhere(provider, async () => provider.describe(catalog).stage === 'live');
    fs.writeFileSync(file, flags('live'));
    await served;
    expect(await provider.stageFor(catalog, 'alice', never)).toBe('live');
  });

  it('bumps a changed flag version and keeps an unchanged one', () => {
    const file = path.join(dir, 'flags.json');
    writeFlagsFile(file, { a: { stage: 'off' }, b: { stage: 'off' } });
    writeFlagsFile(file, { a: { stage: 'off' }, b: { stage: 'live' } });
    const { flags } = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect([flags.a.version, flags.b.version]).toEqual([1, 2]);
    expect(() => writeFlagsFile(file, { a: { rollout: { stage: 'live', percent: 101 } } })).toThrow(/percent/);
  });
});

describe('launchdarkly provider when LaunchDarkly is unreachable', () => {
  const unreachable = async (): Promise<Partial<LaunchDarklyProviderOptions>> => {
    const uri = await closedPortUri();
    return { dataSource: { kind: 'cloud', baseUri: uri, streamUri: uri, eventsUri: uri }, startWaitMs: 200 };
  };

  it('starts, serves the default stages and warns', async () => {
    const provider = aProvider(await unreachable());
    await provider.ready();
    expect(await provider.stageFor(catalog, 'alice', never)).toBe('off');
    expect(await provider.stageFor(inventory, null, Math.random)).toBe('dualwrite');
    expect(provider.describe(catalog)).toEqual({ stage: 'off', rollout: null, updatedAt: null });
    expect(warnings.join('\n')).toMatch(/no flag data after 200 ms.*serving last known or default stages.*catalog=off \(default\)/);
  });

  it('serves the stages a previous run persisted', async () => {
    const lastKnownPath = path.join(dir, 'ld-last-known.json');
    const earlier = await withTestData((td) =>
      td.update(td.flag(catalog.flagKey).variations(...STAGES).variationForAll(stageIndex('live'))), { lastKnownPath });
    await earlier.provider.close();

    const provider = aProvider({ ...(await unreachable()), lastKnownPath });
    await provider.ready();
    expect(await provider.stageFor(catalog, 'alice', never)).toBe('live');
    expect(await provider.stageFor(inventory, 'alice', never)).toBe('dualwrite');
    expect(provider.describe(catalog).stage).toBe('live');
    expect(warnings.join('\n')).toMatch(/catalog=live, inventory=dualwrite \(default\)/);
  });
});
