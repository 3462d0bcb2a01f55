// One of the compare pool's worker threads (compare-pool.ts): parses, diffs and redacts large bodies
// off the facade's event loop. Receives every route's compare rules once (workerData), then rule
// updates and one comparison at a time (the pool never sends a second before the first answered).
import { parentPort, workerData } from 'node:worker_threads';
import { compileRules, type CompiledRules } from '../core/compare';
import type { CompareRules, Observation } from '../core/compare/types';
import { evaluate } from '../core/comparison/evaluate';

interface Task { type: 'compare'; id: number; route: string; primary: Observation; shadow: Observation; withDiff?: boolean }
interface RulesUpdate { type: 'rules'; route: string; rules: CompareRules }

const rules = new Map<string, CompiledRules>(
  Object.entries(workerData as Record<string, CompareRules>).map(([route, r]) => [route, compileRules(r)]),
);

/** Buffers arrive as Uint8Array after structured cloning. */
function revive(o: Observation): Observation {
  return o.ok ? { ...o, body: Buffer.from(o.body.buffer, o.body.byteOffset, o.body.byteLength) } : o;
}

parentPort?.on('message', (task: Task | RulesUpdate) => {
  if (task.type === 'rules') {
    rules.set(task.route, compileRules(task.rules));
    return;
  }
  try {
    const result = evaluate(revive(task.primary), revive(task.shadow), rules.get(task.route)!, task.withDiff !== false);
    parentPort!.postMessage({ id: task.id, result });
  } catch (err) {
    parentPort!.postMessage({ id: task.id, error: (err as Error).message });
  }
});
