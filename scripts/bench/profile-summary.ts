// Where the facade's CPU time goes, from a V8 .cpuprofile (`npm run bench -- --profile` profiles
// the facade over the measured phases and writes reports/facade.cpuprofile): self time by function and by module group, and inclusive time of the
// facade's own functions. Idle time is left out of the percentages.
// Also runnable alone: ts-node --transpile-only scripts/bench/profile-summary.ts <file.cpuprofile>
import fs from 'node:fs';

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export interface ProfileSummary {
  readonly file: string;
  readonly busyMs: number;
  readonly idleMs: number;
  readonly byGroup: Array<{ group: string; selfMs: number; pct: number }>;
  readonly topSelf: Array<{ fn: string; where: string; selfMs: number; pct: number }>;
  readonly facadeInclusive: Array<{ fn: string; where: string; totalMs: number; pct: number }>;
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

export function groupOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (SPECIAL.has(functionName)) return functionName;
  if (url === '') return '(native / V8 builtins)';
  const nm = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (nm) return nm[1];
  // Own code grouped by folder: facade/src/pipeline, facade/src/io, facade/src (top level), …
  const own = url.match(/\/((?:facade\/src|scripts)(?:\/[^/]+)?)\/[^/]+\.ts$/);
  if (own) return own[1];
  if (url.startsWith('node:')) {
    const m = url.match(/^node:(?:internal\/)?([a-z_]+)/);
    return `node:${m ? m[1] : url}`;
  }
  return url;
}

function where(frame: CallFrame): string {
  const short = frame.url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules|facade|scripts)\//, '$1/');
  return short ? `${short}:${frame.lineNumber + 1}` : '(native)';
}

export function summarizeProfile(file: string | null): ProfileSummary | null {
  if (!file) return null;
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  // timeDeltas[i] is the time before samples[i]; the span after a sample belongs to it.
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  let idleUs = 0;
  let busyUs = 0;
  const groups = new Map<string, number>();
  const fns = new Map<string, { fn: string; where: string; us: number }>();
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') { idleUs += us; continue; }
    busyUs += us;
    const g = groupOf(node.callFrame);
    groups.set(g, (groups.get(g) ?? 0) + us);
    const key = `${node.callFrame.functionName}@${node.callFrame.url}:${node.callFrame.lineNumber}`;
    const e = fns.get(key) ?? { fn: node.callFrame.functionName || '(anonymous)', where: where(node.callFrame), us: 0 };
    e.us += us;
    fns.set(key, e);
  }

  // Inclusive time of the facade's own functions (a function counted once per stack).
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, { fn: string; where: string; us: number }>();
  for (const [id, us] of self) {
    if (byId.get(id)!.callFrame.functionName === '(idle)') continue;
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      if (!f.url.includes('/facade/src/')) continue;
      const key = `${f.functionName}@${f.url}:${f.lineNumber}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const e = inclusive.get(key) ?? { fn: f.functionName || '(anonymous)', where: where(f), us: 0 };
      e.us += us;
      inclusive.set(key, e);
    }
  }
  const pct = (us: number): number => Math.round((1000 * us) / Math.max(1, busyUs)) / 10;
  const ms = (us: number): number => Math.round(us / 100) / 10;
  return {
    file, busyMs: ms(busyUs), idleMs: ms(idleUs),
    byGroup: [...groups].map(([group, us]) => ({ group, selfMs: ms(us), pct: pct(us) })).sort((a, b) => b.selfMs - a.selfMs).slice(0, 20),
    topSelf: [...fns.values()].sort((a, b) => b.us - a.us).slice(0, 25).map((e) => ({ fn: e.fn, where: e.where, selfMs: ms(e.us), pct: pct(e.us) })),
    facadeInclusive: [...inclusive.values()].sort((a, b) => b.us - a.us).slice(0, 25).map((e) => ({ fn: e.fn, where: e.where, totalMs: ms(e.us), pct: pct(e.us) })),
  };
}

export function printProfile(p: ProfileSummary, out: (line: string) => void): void {
  out(`\nFacade CPU profile (${p.file}): ${p.busyMs} ms busy, ${p.idleMs} ms idle; % of busy time`);
  out('  self time by module group:');
  for (const g of p.byGroup.slice(0, 14)) out(`    ${g.pct.toFixed(1).padStart(5)} %  ${g.group}`);
  out('  top functions by self time:');
  for (const f of p.topSelf.slice(0, 15)) out(`    ${f.pct.toFixed(1).padStart(5)} %  ${f.fn}  ${f.where}`);
  out('  facade/src functions, inclusive:');
  for (const f of p.facadeInclusive.slice(0, 15)) out(`    ${f.pct.toFixed(1).padStart(5)} %  ${f.fn}  ${f.where}`);
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: profile-summary.ts <file.cpuprofile>\n');
    process.exit(2);
  }
  printProfile(summarizeProfile(file)!, (l) => process.stdout.write(`${l}\n`));
}
