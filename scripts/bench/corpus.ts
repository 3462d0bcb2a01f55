// `npm run bench:corpus`: the comparison's truth and cost. Drives the corpus (facade/test/corpus)
// through a real facade at `shadow` and prints its scores, the extra load re-asking put on the
// monolith, and a micro-benchmark of the comparison engine on differing 1 KB JSON (one core).
import { compileRules } from '../../facade/src/core/compare';
import { evaluate } from '../../facade/src/core/comparison';
import type { Observation } from '../../facade/src/core/compare/types';
import { formatScore } from '../../facade/test/corpus';
import { runCorpusThroughFacade } from '../../facade/test/corpus/through-facade';

function observation(side: 'monolith' | 'service', body: unknown): Observation {
  return { ok: true, side, status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)), ms: 1 };
}

/** The comparison engine alone, on one core: differing ~1 KB JSON answers evaluated per second (`npm run bench` prints it too). */
export function comparisonsPerSecond(seconds: number): { perSecond: number; bytes: number } {
  const items = (n: number, price: string) => Array.from({ length: 12 }, (_, i) => ({ sku: `SKU-${n}-${i}`, name: `item ${i}`, price, at: `2026-12-05T10:00:0${i % 10}Z` }));
  const a = observation('monolith', { id: 1, total: '10.00', items: items(1, '1.00') });
  const b = observation('service', { id: 1, total: '10.01', items: items(1, '1.01') });
  const rules = compileRules({ headers: ['content-type'], cookies: [], ignore: [], normalizers: [], redact: [] });
  let n = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) { evaluate(a, b, rules, false); n++; } // unified diffs are sampled (10/s per route)
  return { perSecond: n / seconds, bytes: a.ok ? a.body.length : 0 };
}

async function main(): Promise<void> {
  const perEndpoint = Number(process.argv[2] ?? 10);
  const seed = Number(process.argv[3] ?? 0); // another draw of the fixtures' random values
  if (!Number.isInteger(perEndpoint) || perEndpoint < 1 || !Number.isInteger(seed)) throw new Error('usage: bench:corpus [requests per endpoint >= 1] [seed, an integer]');
  const run = await runCorpusThroughFacade(perEndpoint, seed);
  process.stdout.write(`corpus through the facade at shadow, ${perEndpoint} requests per endpoint, seed ${seed}, default settings\n\n`);
  process.stdout.write(formatScore(run.score));
  process.stdout.write(`\nclient requests ${run.clientRequests}, comparisons ${run.comparisons}, re-asks sent to the monolith ${run.reasks}`
    + ` (+${((run.reasks / run.clientRequests) * 100).toFixed(1)} % monolith load), ${run.seconds.toFixed(1)} s\n`);
  const micro = comparisonsPerSecond(3);
  process.stdout.write(`comparison engine: ${Math.round(micro.perSecond).toLocaleString('en')} comparisons/s of differing ${micro.bytes} B JSON on one core (target >= 5,000)\n`);
}

if (require.main === module) main().catch((err) => { process.stderr.write(`${(err as Error).stack}\n`); process.exit(1); });
