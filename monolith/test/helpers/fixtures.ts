// Test fixtures for the monolith: fresh temp directories, a seeded database template copied
// per test (seeding scrypt-hashes 100 users, so it runs once per file), and a started
// monolith on 127.0.0.1 port 0 with a pinned clock.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seed } from '../../src/seed';
import { startMonolith, type RunningMonolith } from '../../src/server';

/** The pinned clock every test server uses, and the legacy timestamp it produces. */
export const FIXED_NOW = new Date('2025-06-01T12:34:56.789Z');
export const FIXED_STAMP = '2025-06-01 12:34:56';

const dirs: string[] = [];

/** A new empty temp directory, removed by `removeTempDirs`. */
export function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'monolith-test-'));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

const templates = new Map<number, string>();

/** Path of a new database file holding the deterministic seed of `products` products. */
export function seededDbPath(products: number): string {
  let template = templates.get(products);
  if (!template) {
    template = join(freshDir(), 'template.db');
    seed({ dbPath: template, products }); // closing the db checkpoints the WAL into the file
    templates.set(products, template);
  }
  const path = join(freshDir(), 'monolith.db');
  copyFileSync(template, path);
  return path;
}

/** Starts a monolith over a fresh copy of the seeded database. */
export function startSeeded(products = 60): Promise<RunningMonolith> {
  return startMonolith({ dbPath: seededDbPath(products), port: 0, clock: () => FIXED_NOW });
}

export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** One HTTP call with a JSON (or no) body; parses JSON answers, keeps the raw text too. */
export async function call<T = any>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<T>> {
  const init: RequestInit = { method, headers: { ...headers }, redirect: 'manual' };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  const isJson = (res.headers.get('content-type') ?? '').includes('application/json');
  return { status: res.status, headers: res.headers, body: (isJson ? JSON.parse(text) : text) as T, text };
}
