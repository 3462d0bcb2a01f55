// One gate evaluation in a fresh process, as `strangler route promote` runs it (loadGateInput, then
// evaluateGate) but without moving the route: the soak compiles this file with the toolkit and runs
// it under rss-hook.js for its peak RSS. Prints { ms, pass, comparisons } as JSON.
// Usage: node probe.js <config file> <route>
import { loadConfig } from '../../facade/src/config';
import { evaluateGate } from '../../facade/src/core/gate';
import { nextStage } from '../../facade/src/core/stages';
import { loadGateInput } from '../../facade/src/io/gate-input';
import { openDatabase } from '../../facade/src/io/db/open';
import { stateLocation } from '../../facade/src/io/db/location';
import { openStateStore } from '../../facade/src/io/state-open';

async function main(argv: readonly string[]): Promise<void> {
  const [configFile, route] = argv;
  const started = performance.now();
  const phases: Record<string, number> = {};
  let last = started;
  const phase = (name: string): void => { const t = performance.now(); phases[name] = Math.round((t - last) * 10) / 10; last = t; };
  const config = loadConfig(configFile);
  phase('config');
  const routeConfig = config.routes.find((r) => r.name === route);
  if (!routeConfig) throw new Error(`no route ${route} in ${configFile}`);
  const db = await openDatabase(stateLocation(config.state.db), { create: false });
  phase('database');
  const store = await openStateStore(db);
  phase('stateStore');
  const stage = (await store.state(route))?.stage ?? routeConfig.defaultStage;
  phase('stage');
  const target = nextStage(stage);
  if (target === null) throw new Error(`${route} is at ${stage}: no gate to pass`);
  const input = await loadGateInput(db.sql, route, stage, target, routeConfig);
  phase('gateInput');
  const result = evaluateGate(input, config.gate);
  phase('evaluate');
  await store.close();
  await db.close();
  phase('close');
  process.stdout.write(`${JSON.stringify({ ms: performance.now() - started, phases, pass: result.pass, from: stage, to: target, checks: result.checks.map((c) => c.figures) })}\n`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
