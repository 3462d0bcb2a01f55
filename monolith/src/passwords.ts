// Password hashing for the shop's users: scrypt (node:crypto) with a per-user salt. The
// stored hash names its own cost ("scrypt$N$r$p$<base64>") so cheap seed hashes and
// stronger hashes for real sign-ups can live in the same table and still verify.
import { randomBytes, scrypt, scryptSync, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** Interactive-login strength for new passwords. */
export const DEFAULT_COST: ScryptCost = { N: 16384, r: 8, p: 1 };
/** Cheap but real: what the seed uses so 100 users hash in milliseconds. */
export const SEED_COST: ScryptCost = { N: 1024, r: 8, p: 1 };

const KEY_LENGTH = 32;

function options(cost: ScryptCost): ScryptOptions {
  // maxmem must cover 128 * N * r bytes, with headroom.
  return { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
}

/** Fresh random salt, hex encoded (what `users.password_salt` holds). */
export function newSalt(): string {
  return randomBytes(16).toString('hex');
}

/** Synchronous hash (seed and tests only: it blocks the event loop). */
export function hashPasswordSync(password: string, salt: string, cost: ScryptCost = DEFAULT_COST): string {
  const key = scryptSync(password, salt, KEY_LENGTH, options(cost));
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${key.toString('base64')}`;
}

function scryptAsync(password: string, salt: string, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, options(cost), (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function parseStored(stored: string): { cost: ScryptCost; key: Buffer } | null {
  const parts = stored.split('$');
  if (parts.length !== 5 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (!N || !r || !p || N > 1 << 20 || r > 32 || p > 16) return null;
  return { cost: { N, r, p }, key: Buffer.from(parts[4] ?? '', 'base64') };
}

/** Constant-time check of `password` against a stored hash; false for unreadable hashes. */
export async function verifyPassword(password: string, salt: string, stored: string): Promise<boolean> {
  const parsed = parseStored(stored);
  if (!parsed || parsed.key.length !== KEY_LENGTH) return false;
  const candidate = await scryptAsync(password, salt, parsed.cost);
  return timingSafeEqual(candidate, parsed.key);
}

/** Spends the same time as a real check, so unknown emails can't be told apart by latency. */
export async function burnPasswordCheck(password: string): Promise<void> {
  await scryptAsync(password, 'no-such-user', SEED_COST);
}
