// The walkthrough end to end in --fast mode: real processes on free ports, real traffic, the real
// CLI. Asserts what a reader is promised: the recorded cases replayed before the deploy fail on
// `$.warehouse` against the unfixed build and pass against the fixed one (a throwaway process), the
// route ends at `complete`, the comparisons after the fix are clean, both reports are written, and
// no process the walkthrough started is left running.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { loadReport } from '../../facade/src/io/report-query';
import { sqlOf } from '../../facade/src/io/db/sqlite-sql';
import { runWalkthrough } from '../walkthrough';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** What a failed run leaves to read: the narration's end and each stored divergence's reason. */
function whyFailed(narration: string, dataDir: string): string {
  let divergences = '';
  try {
    const db = new Database(path.join(dataDir, 'state.db'), { readonly: true });
    try {
      divergences = JSON.stringify(db.prepare('SELECT at, side, reason, method, path, primary_status FROM divergences').all());
    } finally {
      db.close();
    }
  } catch (err) {
    divergences = `(not read: ${(err as Error).message})`;
  }
  return `--- the narration's last 4,000 characters:\n${narration.slice(-4000)}\n--- divergences: ${divergences}`;
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'walkthrough-test-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('npm run walkthrough -- --fast', () => {
  it('replays the recorded cases red then green before the deploy, migrates inventory to complete, clean after the fix, leaving both reports and no process behind', async () => {
    const out = new Capture();
    const dataDir = path.join(dir, 'data');
    const reportsDir = path.join(dir, 'reports');

    const summary = await runWalkthrough({ fast: true, step: false, out, dataDir, reportsDir }).catch((err: Error) => {
      throw new Error(`${err.message}\n${whyFailed(out.text, dataDir)}`);
    });

    const db = new Database(path.join(dataDir, 'state.db'), { readonly: true });
    try {
      expect(db.prepare("SELECT stage, rollout_stage AS rollout FROM route_states WHERE route = 'inventory'").get())
        .toEqual({ stage: 'complete', rollout: null });
      // The report window from the deploy of the fixed build to the end: no mismatch, no divergence.
      const fixed = db.prepare("SELECT at FROM audit_log WHERE route = 'inventory' AND reason = 'fixed build deployed'").pluck().get() as string;
      const report = await loadReport(sqlOf(db), { route: 'inventory', since: new Date(fixed), now: new Date() });
      const outcomes = report.routes[0].outcomes;
      expect(outcomes.mismatch.count).toBe(0);
      expect(outcomes.divergence.count).toBe(0);
      expect(outcomes.match.count).toBeGreaterThanOrEqual(100);
    } finally {
      db.close();
    }
    expect(summary.finalStage).toBe('complete');
    expect(summary.afterFix.mismatch).toBe(0);
    expect(summary.steps.map((s) => s.stage)).toEqual([
      'off', 'off', 'dualwrite', 'shadow', 'shadow', 'shadow', 'shadow', 'shadow (10 % live)', 'live', 'rampdown', 'complete',
    ]);
    // Before the fix the report revealed the seeded difference.
    expect(summary.steps[3].mismatches).toBeGreaterThan(0);
    expect(out.text).toContain('$.warehouse');

    // Step 6: the exported cases of the reads, replayed against the unfixed build (it runs live) and
    // then against the fixed build on a throwaway process: red on $.warehouse only, then green.
    const casesDir = path.join(dataDir, 'cases', 'inventory');
    expect(fs.readdirSync(casesDir).filter((f) => f.startsWith('GET-api-inventory-id.')).length).toBeGreaterThanOrEqual(20);
    expect(summary.replays.map((r) => [r.build, r.code])).toEqual([['unfixed', 1], ['fixed', 0]]);
    const [unfixed, fixed] = summary.replays;
    expect(unfixed!.failures).toEqual([expect.stringMatching(/^fail: real \$\.warehouse \(\d+\)$/)]);
    const total = /^(\d+) cases: /.exec(unfixed!.summary)![1];
    expect(unfixed!.summary).toMatch(new RegExp(`^${total} cases: \\d+ passed, [1-9]\\d* failed, 0 unjudged, 0 errors, 0 not sent in .*: FAILED$`));
    expect(fixed!.summary).toMatch(new RegExp(`^${total} cases: ${total} passed, 0 failed, 0 unjudged, 0 errors, 0 not sent in .*: PASSED$`));
    expect(fixed!.failures).toEqual([]);
    expect(fixed!.target).not.toBe(unfixed!.target);
    expect(out.text).toContain(`$ npx strangler cases export inventory --out ${casesDir}`);
    expect(out.text).toMatch(/real {6}\$\.warehouse: recorded "[^"]+", replayed \(absent\)/);
    expect(out.text).toContain(`INVENTORY_OUT_OF_STOCK_WAREHOUSE=keep npm run service:inventory &`);
    expect(fs.existsSync(path.join(dataDir, 'inventory-throwaway.db'))).toBe(false);

    expect(fs.readFileSync(path.join(reportsDir, 'walkthrough.html'), 'utf8')).toContain('<svg');
    expect(fs.readFileSync(path.join(reportsDir, 'walkthrough.md'), 'utf8')).toContain('inventory');
    const throwaway = Number(/throwaway inventory build \(the fix\) started as pid (\d+) on /.exec(out.text)![1]);
    expect(summary.pids).toContain(throwaway);
    expect(summary.pids.length).toBeGreaterThanOrEqual(6); // four processes, the restarted inventory, the throwaway build
    expect(summary.pids.filter(alive)).toEqual([]);

    expect(out.text).toContain('$ npx strangler route set inventory dualwrite --reason');
    expect(out.text).toContain('$ npx strangler route set inventory shadow --reason "fixed build deployed"');
    expect(out.text).toContain('$ npx strangler route promote inventory --percent 10');
    expect(out.text).toContain('=== Summary ===');
  }, 240_000); // about a minute alone; generous for a shared, loaded machine
});
