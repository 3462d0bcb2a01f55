// A write the stage sends to both sides, whose body is over the route's in-memory cap
// (`dualWrite.maxBodyBytes`), is kept in a temporary file instead (`dualWrite.overCap: "spool"`, the
// default): the primary gets it from there, then the second side, and a divergence keeps it. An
// upload a route allowed at `off` is then allowed at every stage, held to the same body cap
// (`maxRequestBodyBytes`) and idle limit, and never held in memory whole. Files live in one
// directory per process under the OS temp dir (TMPDIR), each removed when its request is done; the
// directory goes when the process exits, and one a dead process left is removed by the next.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { watchUpload } from './upload-watch';

/** A body kept on disk: its length, a fresh stream of it per send, the whole of it (for a divergence). */
export interface SpooledBody {
  readonly length: number;
  readonly file: string;
  open(): Readable;
  read(): Promise<Buffer>;
  /** Removes the file (idempotent); streams still open on it are closed. */
  remove(): void;
}

export type SpoolResult =
  | { readonly kind: 'spooled'; readonly body: SpooledBody }
  | { readonly kind: 'over-cap' }
  | { readonly kind: 'stalled' }
  | { readonly kind: 'gone' }
  | { readonly kind: 'failed'; readonly error: Error };

let dir: string | null = null;
let seq = 0;

const PREFIX = 'strangler-spool-';

/** True while a process with this pid runs (signalling it with 0 only checks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Spool directories left by facade processes that died without removing theirs (a crash, a kill -9). */
function sweepDead(): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    const pid = name.startsWith(PREFIX) ? Number(name.slice(PREFIX.length).split('-')[0]) : NaN;
    if (Number.isInteger(pid) && pid !== process.pid && !alive(pid)) fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
  }
}

/** This process's spool directory, made on first use (removed when the process exits). */
function spoolDir(): string {
  if (dir !== null && fs.existsSync(dir)) return dir;
  if (dir === null) {
    try { sweepDead(); } catch { /* another process sweeping at the same time: its job */ }
    process.once('exit', () => { if (dir !== null) fs.rmSync(dir, { recursive: true, force: true }); });
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), `${PREFIX}${process.pid}-`));
  return dir;
}

function spooled(file: string, length: number): SpooledBody {
  const open = new Set<Readable>();
  let removed = false;
  return {
    length, file,
    open: () => {
      const s = fs.createReadStream(file);
      open.add(s);
      s.once('close', () => open.delete(s));
      return s;
    },
    read: () => fs.promises.readFile(file),
    remove: () => {
      if (removed) return;
      removed = true;
      for (const s of open) s.destroy();
      fs.rm(file, { force: true }, () => undefined);
    },
  };
}

/**
 * Writes `head` (bytes already read) and the rest of `req` to a new file, at most `maxBytes` in all,
 * failing when the body stops arriving for `idleMs`. Never throws; a file that did not become a
 * whole body is removed. On `over-cap` and `stalled` the rest of the request is left unread.
 */
export function spoolRequest(req: IncomingMessage, head: readonly Buffer[], maxBytes: number, idleMs: number): Promise<SpoolResult> {
  return new Promise((resolve) => {
    let file: string;
    try {
      file = path.join(spoolDir(), `${++seq}.body`);
    } catch (err) {
      resolve({ kind: 'failed', error: err as Error });
      return;
    }
    const out = fs.createWriteStream(file, { flags: 'wx' });
    let size = 0;
    let settled = false;
    const stopWatching = watchUpload(req, idleMs, () => finish({ kind: 'stalled' }));
    const finish = (r: SpoolResult): void => {
      if (settled) return;
      settled = true;
      stopWatching();
      req.off('data', onData); req.off('end', onEnd); req.off('close', onClose);
      if (r.kind !== 'spooled') { req.pause(); out.destroy(); fs.rm(file, { force: true }, () => undefined); }
      resolve(r);
    };
    let draining = false;
    const take = (c: Buffer): boolean => {
      size += c.length;
      if (size > maxBytes) { finish({ kind: 'over-cap' }); return false; }
      // One wait for 'drain' however many chunks still arrive once paused (a listener each warned past ten).
      if (!out.write(c) && !draining) {
        draining = true;
        req.pause();
        out.once('drain', () => { draining = false; if (!settled) req.resume(); });
      }
      return true;
    };
    const onData = (c: Buffer): void => { take(c); };
    const onEnd = (): void => {
      req.off('close', onClose);
      out.end(() => finish({ kind: 'spooled', body: spooled(file, size) }));
    };
    const onClose = (): void => { if (!req.complete) finish({ kind: 'gone' }); };
    out.once('error', (error) => finish({ kind: 'failed', error }));
    for (const c of head) if (!take(c)) return;
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('close', onClose);
    req.resume();
  });
}
