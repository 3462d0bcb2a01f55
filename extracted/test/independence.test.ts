// The extracted services stand on their own: no source file under extracted/ imports from the
// monolith, neither service imports from the other (both may use the shared service kit,
// extracted/kit/), the kit imports from neither service nor the monolith, each service has its
// own default database, and each service process starts, answers /healthz and shuts down
// cleanly without anything else running.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { DEFAULT_CATALOG_DB } from '../catalog/src/main';
import { DEFAULT_INVENTORY_DB } from '../inventory/src/main';

const ROOT = resolve(__dirname, '..', '..');
const EXTRACTED = join(ROOT, 'extracted');
const MONOLITH = join(ROOT, 'monolith');
const SERVICES = ['catalog', 'inventory'] as const;
/** The shared service kit: platform code every service may import, itself importing no service. */
const KIT = join(EXTRACTED, 'kit');
const MONOLITH_DEFAULT_DB = 'data/monolith.db';

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier in `import ... from`, `export ... from`, `import '...'`, `import(...)`, `require(...)`. */
export function specifiers(source: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)(['"])([^'"\n]+)\1/g;
  return [...source.matchAll(pattern)].map((m) => m[2]!);
}

const isUnder = (path: string, dir: string) => path === dir || path.startsWith(dir + sep);

/** Where a specifier written in `file` lands, as an absolute path (bare packages resolved via node). */
function target(file: string, spec: string): string {
  if (spec.startsWith('.') || spec.startsWith('/')) return resolve(dirname(file), spec);
  try {
    return require.resolve(spec, { paths: [dirname(file)] });
  } catch {
    return spec; // type-only package or builtin: not a path into the repo
  }
}

/** The service folders `file` may not import from: the other service's, or, from the kit, every one. */
function barredServices(file: string): string[] {
  if (isUnder(file, KIT)) return SERVICES.map((name) => join(EXTRACTED, name));
  const own = SERVICES.find((name) => isUnder(file, join(EXTRACTED, name)));
  if (own === undefined) return []; // extracted/test/ checks both services
  return SERVICES.filter((name) => name !== own).map((name) => join(EXTRACTED, name));
}

/**
 * Imports of `file` that reach the monolith, or a service folder it may not use: from inside
 * one service the other service, from the kit any service. Imports into the kit are allowed.
 */
export function forbiddenImports(file: string, source: string): string[] {
  const barred = barredServices(file);
  return specifiers(source).filter((spec) => {
    const to = target(file, spec);
    if (isUnder(to, MONOLITH) || /(^|[/\\])monolith([/\\]|$)/.test(spec)) return true;
    return barred.some((dir) => isUnder(to, dir));
  });
}

describe('source independence', () => {
  const files = tsFiles(EXTRACTED);

  it('finds the sources of both services, the kit, and their imports', () => {
    for (const name of SERVICES) {
      for (const module of ['domain', 'repository', 'legacy-wire', 'app', 'server', 'main', 'schema']) {
        expect(files).toContain(join(EXTRACTED, name, 'src', `${module}.ts`));
      }
    }
    for (const module of ['legacy-http', 'serve', 'process', 'testing']) {
      expect(files).toContain(join(KIT, `${module}.ts`));
    }
    expect(files.flatMap((f) => specifiers(readFileSync(f, 'utf8'))).length).toBeGreaterThan(40);
  });

  it('no file under extracted/ imports from monolith/, no service from the other, the kit from neither', () => {
    const offences = files.flatMap((file) =>
      forbiddenImports(file, readFileSync(file, 'utf8')).map((spec) => `${relative(ROOT, file)} -> ${spec}`),
    );
    expect(offences).toEqual([]);
  });

  it('kit/ imports nothing from monolith/ or from a service folder', () => {
    const kitFiles = files.filter((file) => isUnder(file, KIT));
    expect(kitFiles.length).toBeGreaterThan(0);
    const reached = kitFiles.flatMap((file) =>
      specifiers(readFileSync(file, 'utf8')).map((spec) => ({ from: relative(ROOT, file), spec, to: target(file, spec) })),
    );
    expect(reached.length).toBeGreaterThan(0);
    // Every relative import of the kit stays inside the kit; nothing lands in the monolith or a service.
    const outside = reached.filter(
      ({ spec, to }) =>
        isUnder(to, MONOLITH) ||
        /(^|[/\\])monolith([/\\]|$)/.test(spec) ||
        SERVICES.some((name) => isUnder(to, join(EXTRACTED, name))) ||
        (spec.startsWith('.') && !isUnder(to, KIT)),
    );
    expect(outside.map(({ from, spec }) => `${from} -> ${spec}`)).toEqual([]);
  });

  it('both services use the kit', () => {
    for (const name of SERVICES) {
      const serviceFiles = files.filter((file) => isUnder(file, join(EXTRACTED, name, 'src')));
      const usesKit = serviceFiles.some((file) =>
        specifiers(readFileSync(file, 'utf8')).some((spec) => isUnder(target(file, spec), KIT)),
      );
      expect(usesKit).toBe(true);
    }
  });

  it('the check itself catches each kind of forbidden import', () => {
    // Quotes come from Q so that this file's own text holds no forbidden specifier.
    const Q = "'";
    const inCatalog = join(EXTRACTED, 'catalog', 'src', 'x.ts');
    expect(forbiddenImports(inCatalog, `import { a } from ${Q}../../../monolith/src/app${Q};`)).toHaveLength(1);
    expect(forbiddenImports(inCatalog, `const s = require(${Q}../../inventory/src/domain${Q});`)).toHaveLength(1);
    expect(forbiddenImports(inCatalog, `export * from ${Q}../../inventory/src/schema${Q};`)).toHaveLength(1);
    expect(forbiddenImports(inCatalog, `await import(${Q}monolith/src/store${Q});`)).toHaveLength(1);
    expect(forbiddenImports(inCatalog, `import type { Money } from ${Q}./domain${Q}; import ${Q}express${Q};`)).toEqual([]);
    // A service may use the kit; the kit may use neither service nor the monolith.
    expect(forbiddenImports(inCatalog, `import { sendError } from ${Q}../../kit/legacy-http${Q};`)).toEqual([]);
    const inKit = join(KIT, 'x.ts');
    expect(forbiddenImports(inKit, `import { money } from ${Q}../catalog/src/domain${Q};`)).toHaveLength(1);
    expect(forbiddenImports(inKit, `export * from ${Q}../inventory/src/legacy-wire${Q};`)).toHaveLength(1);
    expect(forbiddenImports(inKit, `const h = require(${Q}../../monolith/src/http${Q});`)).toHaveLength(1);
    expect(forbiddenImports(inKit, `import { serve } from ${Q}./serve${Q}; import ${Q}express${Q};`)).toEqual([]);
  });

  it('no service source names the monolith database', () => {
    for (const file of files.filter((f) => !isUnder(f, join(EXTRACTED, 'test')))) {
      expect(readFileSync(file, 'utf8')).not.toMatch(/monolith\.db|MONOLITH_DB/);
    }
  });

  it('each service has its own default database path', () => {
    const paths = [MONOLITH_DEFAULT_DB, DEFAULT_CATALOG_DB, DEFAULT_INVENTORY_DB].map((p) => resolve(ROOT, p));
    expect(new Set(paths).size).toBe(3);
    expect(DEFAULT_CATALOG_DB).toBe('data/catalog.db');
    expect(DEFAULT_INVENTORY_DB).toBe('data/inventory.db');
  });
});

describe('each service process starts on its own', () => {
  let child: ChildProcess | undefined;
  let dir: string | undefined;
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
    child = undefined;
    dir = undefined;
  });

  it.each([
    ['catalog', 'CATALOG', { CATALOG_PRICE_ROUNDING: 'legacy' }, { price_rounding: 'legacy' }],
    ['inventory', 'INVENTORY', { INVENTORY_OUT_OF_STOCK_WAREHOUSE: 'keep' }, { out_of_stock_warehouse: 'keep' }],
  ] as const)('%s: starts on port 0 with a temp DB, logs its real URL, answers /healthz, stops on SIGTERM', async (name, prefix, modeEnv, mode) => {
    dir = mkdtempSync(join(tmpdir(), `${name}-process-`));
    const dbPath = join(dir, 'nested', `${name}.db`);
    const spawned = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', `extracted/${name}/src/main.ts`], {
      cwd: ROOT,
      env: { ...process.env, [`${prefix}_PORT`]: '0', [`${prefix}_DB`]: dbPath, HOST: '127.0.0.1', ...modeEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = spawned;
    let stderr = '';
    spawned.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => spawned.once('exit', (code) => done(code)));

    const url = await new Promise<string>((done, fail) => {
      const lines = createInterface({ input: spawned.stdout! });
      lines.on('line', (line) => {
        const record = JSON.parse(line) as { url?: string };
        if (record.url) done(record.url);
      });
      void exited.then((code) => fail(new Error(`${name} exited with ${code} before listening: ${stderr}`)));
    });

    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toMatch(/:0$/);
    const res = await fetch(`${url}/healthz`, { headers: { connection: 'close' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', service: name, ...mode });
    expect(existsSync(dbPath)).toBe(true);

    spawned.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
