// Last known stages of the launchdarkly provider, persisted as a small JSON file so that a facade which
// starts while LaunchDarkly is unreachable serves what the flags said last time instead of the defaults.
// Written by the provider whenever a flag changes; read once at construction.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isStage, type Stage } from '../core/stages';

/** A flag's stage as last evaluated for the describe context, and when that was seen to change. */
export interface KnownStage {
  readonly stage: Stage;
  readonly updatedAt: string;
}

interface LastKnownFile {
  readonly savedAt: string;
  readonly flags: Record<string, KnownStage>;
}

/**
 * Reads the last known stages (keyed by flag key). A missing file is an empty map; an unreadable or
 * malformed file, or an entry that is not a stage, is reported through `warn` and skipped.
 */
export function loadLastKnown(file: string | undefined, warn: (msg: string) => void): Map<string, KnownStage> {
  const known = new Map<string, KnownStage>();
  if (!file) return known;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      warn(`launchdarkly: ignoring last known stages in ${file}: ${(err as Error).message}`);
    }
    return known;
  }
  const flags = (parsed as Partial<LastKnownFile> | null)?.flags;
  if (typeof flags !== 'object' || flags === null) {
    warn(`launchdarkly: ignoring last known stages in ${file}: no "flags" object`);
    return known;
  }
  for (const [key, entry] of Object.entries(flags)) {
    if (isStage(entry?.stage)) {
      known.set(key, { stage: entry.stage, updatedAt: typeof entry.updatedAt === 'string' ? entry.updatedAt : '' });
    } else {
      warn(`launchdarkly: ignoring last known stage of ${key} in ${file}: ${JSON.stringify(entry?.stage)} is not a stage`);
    }
  }
  return known;
}

/**
 * Writes the map atomically (temp file + rename: nothing watches this file, and a crash mid-write must
 * not lose the previous copy). Throws on I/O errors; the provider catches and logs them.
 */
export function saveLastKnown(file: string, known: ReadonlyMap<string, KnownStage>): void {
  const body: LastKnownFile = { savedAt: new Date().toISOString(), flags: Object.fromEntries(known) };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(body, null, 2) + '\n');
  fs.renameSync(tmp, file);
}
