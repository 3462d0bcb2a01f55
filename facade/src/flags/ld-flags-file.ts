// LaunchDarkly flags files (the format the SDK's FileDataSource reads): one migration flag per route,
// its variations the six stages. Used by the demo, the docs and the tests to drive the launchdarkly
// provider offline; the SDK itself reads the file, we only write it.
import * as fs from 'node:fs';
import { STAGES, isStage, type Stage } from '../core/stages';

/** What a flag should serve: a stage for everyone, optionally a share of contexts at another stage. */
export interface FlagFileEntry {
  /** Stage for contexts outside the rollout (default `off`). */
  readonly stage?: Stage;
  /** `percent` (0–100, up to three decimals) of contexts, bucketed by context key, get `stage`. */
  readonly rollout?: { readonly stage: Stage; readonly percent: number };
}

/** A full LaunchDarkly flag, as in a flags file's `flags` map or `TestData.usePreconfiguredFlag`. */
export interface LdFlagJson {
  readonly key: string;
  readonly version: number;
  readonly on: boolean;
  readonly variations: readonly string[];
  readonly offVariation: number;
  readonly fallthrough:
    | { readonly variation: number }
    | { readonly rollout: { readonly contextKind: string; readonly variations: readonly { variation: number; weight: number }[] } };
  readonly salt: string;
  readonly targets: readonly never[];
  readonly contextTargets: readonly never[];
  readonly rules: readonly never[];
  readonly prerequisites: readonly never[];
  readonly trackEvents: boolean;
  readonly trackEventsFallthrough: boolean;
  readonly clientSide: boolean;
}

/** LaunchDarkly rollout weights are in units of 1/1000 %: 100,000 is everyone. */
const WEIGHT_TOTAL = 100_000;

/**
 * The flag JSON for one route. Contexts in the rollout are those whose bucket falls in the first
 * `percent` %, so raising the percentage only adds contexts (a context never flips back).
 * Throws a RangeError naming the flag on an unknown stage or a percentage outside 0–100.
 */
export function migrationFlagJson(
  key: string, entry: FlagFileEntry, version = 1, opts: { contextKind?: string; salt?: string } = {},
): LdFlagJson {
  const stage = entry.stage ?? 'off';
  if (!isStage(stage)) throw new RangeError(`flag ${key}: "${String(stage)}" is not a stage (${STAGES.join(', ')})`);
  const base = STAGES.indexOf(stage);
  let fallthrough: LdFlagJson['fallthrough'] = { variation: base };
  if (entry.rollout) {
    const { stage: to, percent } = entry.rollout;
    if (!isStage(to)) throw new RangeError(`flag ${key}: rollout stage "${String(to)}" is not a stage`);
    if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
      throw new RangeError(`flag ${key}: rollout percent must be within 0–100, got ${percent}`);
    }
    const weight = Math.round(percent * 1000);
    fallthrough = {
      rollout: {
        contextKind: opts.contextKind ?? 'user',
        variations: [
          { variation: STAGES.indexOf(to), weight },
          { variation: base, weight: WEIGHT_TOTAL - weight },
        ],
      },
    };
  }
  return {
    key, version, on: true, variations: [...STAGES], offVariation: 0, fallthrough,
    salt: opts.salt ?? key, targets: [], contextTargets: [], rules: [], prerequisites: [],
    trackEvents: false, trackEventsFallthrough: false, clientSide: false,
  };
}

/**
 * Writes `flags` as a LaunchDarkly flags file: the file then holds exactly these flags. A flag whose
 * content changed gets its previous version + 1 (the SDK ignores a flag whose version did not rise);
 * an unchanged flag keeps its version, so no spurious update is seen.
 *
 * The file is rewritten in place, never replaced by rename: the SDK's watcher follows the inode and
 * notices a rename only once. After the write the modification time is moved on by a little over
 * 1 ms, because the watcher skips an event whose mtime it has seen; a reader in another process that
 * caught the truncated file at the same clock tick would otherwise never see the completed write.
 */
export function writeFlagsFile(
  path: string, flags: Readonly<Record<string, FlagFileEntry>>, opts: { contextKind?: string } = {},
): void {
  const previous = readFlags(path);
  const out: Record<string, LdFlagJson> = {};
  for (const [key, entry] of Object.entries(flags)) {
    const old = previous[key];
    const salt = typeof old?.salt === 'string' ? old.salt : key;
    const draft = migrationFlagJson(key, entry, 1, { contextKind: opts.contextKind, salt });
    const oldVersion = typeof old?.version === 'number' ? old.version : 0;
    const same = old !== undefined && sameFlag(old, draft);
    out[key] = { ...draft, version: same ? oldVersion : oldVersion + 1 };
  }
  fs.writeFileSync(path, JSON.stringify({ flags: out }, null, 2) + '\n');
  const { atimeMs, mtimeMs } = fs.statSync(path);
  fs.utimesSync(path, atimeMs / 1000, (mtimeMs + 1.0003) / 1000);
}

function readFlags(path: string): Record<string, Record<string, unknown>> {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text) as { flags?: Record<string, Record<string, unknown>> };
    return parsed && typeof parsed.flags === 'object' && parsed.flags !== null ? parsed.flags : {};
  } catch {
    // A broken file is overwritten and versions restart at 1: a running SDK then serves the new
    // values (the file source replaces its whole store) but emits no update event for them.
    return {};
  }
}

function sameFlag(old: Record<string, unknown>, draft: LdFlagJson): boolean {
  return JSON.stringify({ ...old, version: 0 }) === JSON.stringify({ ...draft, version: 0 });
}
