// Cases as files: `strangler cases export` writes one JSON file per case into a folder (the stored
// text as is, so a re-export of an unchanged case leaves its file untouched), and notes case files
// of the same route that are no longer stored; `strangler cases import` and `replay --from` read a
// folder (and its subfolders), all files or none: a bad file names itself and its field.
import fs from 'node:fs';
import path from 'node:path';
import { caseFileName, classOf, parseCase, serializeCase, CaseFileError, type RecordedCase } from '../core/cases';
import type { CaseRow } from './case-store';

export interface ExportOutcome {
  readonly written: number;
  readonly unchanged: number;
  /** Case files of the route in the folder that this export did not write (removed with `prune`). */
  readonly stale: readonly string[];
  readonly pruned: boolean;
}

/** Every `*.json` file below `dir`, sorted. */
function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...jsonFiles(file));
    else if (entry.isFile() && entry.name.endsWith('.json')) out.push(file);
  }
  return out.sort();
}

/**
 * Writes `cases` (their stored texts) into `dir` as one file each. Stale: case files below `dir` of
 * the same route that `family` claims (e.g. only divergence cases) and that were not written now.
 */
export function exportCases(dir: string, route: string, cases: ReadonlyArray<{ case: RecordedCase; text: string }>, prune: boolean,
  family: (c: RecordedCase) => boolean = () => true): ExportOutcome {
  fs.mkdirSync(dir, { recursive: true });
  const mine = new Set<string>();
  let written = 0;
  let unchanged = 0;
  for (const { case: c, text } of cases) {
    const file = path.join(dir, caseFileName(c));
    mine.add(file);
    if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) { unchanged++; continue; }
    fs.writeFileSync(file, text);
    written++;
  }
  const stale = jsonFiles(dir).filter((file) => !mine.has(file) && isCaseOf(file, route, family));
  if (prune) for (const file of stale) fs.rmSync(file);
  return { written, unchanged, stale, pruned: prune };
}

function isCaseOf(file: string, route: string, family: (c: RecordedCase) => boolean): boolean {
  try {
    const c = parseCase(fs.readFileSync(file, 'utf8'), file);
    return c.route === route && family(c);
  } catch {
    return false; // not a case file: not ours to touch
  }
}

/** A folder of case files that cannot be read: each bad file on its own line, nothing was taken from it. */
export class CaseFolderError extends Error {
  readonly code = 'CASE_FOLDER_INVALID';
  constructor(readonly dir: string, readonly problems: readonly string[]) {
    super(`${dir}: ${problems.length === 1 ? problems[0] : `${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`}`);
    this.name = 'CaseFolderError';
  }
}

/** Reads every case file below `dir`. @throws CaseFolderError naming every bad file and field. */
export function readCaseFiles(dir: string): Array<{ file: string; case: RecordedCase; text: string }> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new CaseFolderError(dir, ['does not exist or is not a folder']);
  const out: Array<{ file: string; case: RecordedCase; text: string }> = [];
  const problems: string[] = [];
  for (const file of jsonFiles(dir)) {
    try {
      const text = fs.readFileSync(file, 'utf8');
      out.push({ file, case: parseCase(text, file), text });
    } catch (err) {
      if (!(err instanceof CaseFileError)) throw err;
      problems.push(err.message);
    }
  }
  if (problems.length > 0) throw new CaseFolderError(dir, problems);
  if (out.length === 0) throw new CaseFolderError(dir, ['holds no case files (*.json)']);
  return out;
}

/** Case files as store rows, their text written the canonical way (a re-export gives the same bytes). */
export function rowsOf(files: ReadonlyArray<{ case: RecordedCase }>): CaseRow[] {
  return files.map((f) => ({ case: f.case, text: serializeCase(f.case), class: classOf(f.case) }));
}
