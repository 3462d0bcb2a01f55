// The walkthrough end to end in --fast mode: real processes on free ports, real traffic, the real
// CLI. Asserts what a reader is promised: the route ends at `complete`, the comparisons after the
// fix are clean, both reports are written, and no process the walkthrough started is left running.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { loadReport } from '../../facade/src/io/report-query';
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

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'walkthrough-test-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('npm run walkthrough -- --fast', () => {
  it('migrates inventory to complete, clean after the fix, leaving both reports and no process behind', async () => {
    const out = new Capture();
    const dataDir = path.join(dir, 'data');
    const reportsDir = path.join(dir, 'reports');

    const summary = await runWalkthrough({ fast: true, step: false, out, dataDir, reportsDir });

    const db = new Database(path.join(dataDir, 'state.db'), { readonly: true });
    try {
      expect(db.prepare("SELECT stage, rollout_stage AS rollout FROM route_states WHERE route = 'inventory'").get())
        .toEqual({ stage: 'complete', rollout: null });
      // The report window from the deploy of the fixed build to the end: no mismatch, no divergence.
      const fixed = db.prepare("SELECT at FROM audit_log WHERE route = 'inventory' AND reason = 'fixed build deployed'").pluck().get() as string;
      const report = loadReport(db, { route: 'inventory', since: new Date(fixed), now: new Date() });
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
      'off', 'off', 'dualwrite', 'shadow', 'shadow', 'shadow', 'shadow (10 % live)', 'live', 'rampdown', 'complete',
    ]);
    // Before the fix the report revealed the seeded difference.
    expect(summary.steps[3].mismatches).toBeGreaterThan(0);
    expect(out.text).toContain('$.warehouse');

    expect(fs.readFileSync(path.join(reportsDir, 'walkthrough.html'), 'utf8')).toContain('<svg');
    expect(fs.readFileSync(path.join(reportsDir, 'walkthrough.md'), 'utf8')).toContain('inventory');
    expect(summary.pids.length).toBeGreaterThanOrEqual(5);
    expect(summary.pids.filter(alive)).toEqual([]);

    expect(out.text).toContain('$ npx strangler route set inventory dualwrite --reason');
    expect(out.text).toContain('$ npx strangler route set inventory shadow --reason "fixed build deployed"');
    expect(out.text).toContain('$ npx strangler route promote inventory --percent 10');
    expect(out.text).toContain('=== Summary ===');
  }, 120_000);
});
