// Encryption at rest for the requests kept with divergences. A repair must re-send the write exactly,
// credentials and body included, yet nothing secret may sit in clear in the state database (or its
// backups): the target, headers and body are sealed with AES-256-GCM under a key kept apart from it.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Environment variable holding the key (base64 of 32 bytes); overrides the key file. */
export const KEY_ENV = 'STRANGLER_DIVERGENCE_KEY';
/** The key file's name, beside the state database. */
export const KEY_FILE = 'divergence.key';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class DivergenceKeyError extends Error {
  readonly code = 'DIVERGENCE_KEY';
  constructor(message: string) {
    super(message);
    this.name = 'DivergenceKeyError';
  }
}

/** Where the key lives for a state database (`:memory:` has none: its key dies with the process). */
export function keyFileFor(db: string): string | null {
  return db === ':memory:' ? null : path.join(path.dirname(path.resolve(db)), KEY_FILE);
}

function decodeKey(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES) throw new DivergenceKeyError(`${where}: expected the base64 of ${KEY_BYTES} bytes, got ${key.length} bytes`);
  return key;
}

/**
 * The key for `db`: from STRANGLER_DIVERGENCE_KEY, else the key file. With `create`, a missing file is
 * made (mode 0600, atomically, so facade workers starting together agree on one key); without it a
 * missing key is an error naming where it was looked for.
 */
export function loadKey(db: string, env: NodeJS.ProcessEnv, create: boolean): Buffer {
  const fromEnv = env[KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return decodeKey(fromEnv, KEY_ENV);
  const file = keyFileFor(db);
  if (file === null) return randomBytes(KEY_BYTES);
  try {
    return decodeKey(fs.readFileSync(file, 'utf8'), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    if (!create) throw new DivergenceKeyError(`no divergence key: ${file} is missing and ${KEY_ENV} is not set (the facade that recorded the divergences created it)`);
  }
  // Write a temp file, then link it into place: link fails if another process won the race.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(tmp, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return decodeKey(fs.readFileSync(file, 'utf8'), file);
}

/** `iv | tag | ciphertext`; `aad` binds the blob to its row (a blob moved to another row fails to open). */
export function seal(key: Buffer, plain: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/** Opens a sealed blob; a wrong key or a damaged blob is a DivergenceKeyError, never garbage. */
export function unseal(key: Buffer, blob: Buffer, aad: string): Buffer {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(blob.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(blob.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new DivergenceKeyError('cannot open a stored divergence request: the divergence key is not the one it was sealed with, or the row is damaged');
  }
}
