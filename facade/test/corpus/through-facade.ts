// Drives the comparison corpus through a real facade at `shadow` (default sampling and re-ask
// settings) and scores what the facade reports per endpoint and field against the ground truth.
// Shared by the corpus test and `npm run bench:corpus`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { parseConfig } from '../../src/config';
import { routeFindings, storedIgnoreRules } from '../../src/io/findings-query';
import { startFacade } from '../../src/server';
import { CORPUS, CORPUS_COMPARE, CORPUS_PREFIX, driveCorpus, scoreCorpus, startCorpusPair, type Finding, type Score } from './index';

export interface CorpusRun {
  readonly score: Score;
  readonly findings: readonly Finding[];
  /** Requests the monolith served beyond the client's (re-asks), and the client's requests. */
  readonly reasks: number;
  readonly clientRequests: number;
  readonly comparisons: number;
  readonly seconds: number;
}

export async function runCorpusThroughFacade(perEndpoint: number, seed = 0): Promise<CorpusRun> {
  const pair = await startCorpusPair(seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-corpus-'));
  const config = parseConfig({
    monolith: { url: pair.monolith.url },
    services: { corpus: { url: pair.service.url } },
    routes: [{ name: 'corpus', match: { path: `${CORPUS_PREFIX}/**` }, service: 'corpus', defaultStage: 'shadow',
      compare: { headers: [...CORPUS_COMPARE.headers], cookies: [...CORPUS_COMPARE.cookies] } }],
    state: { db: path.join(dir, 'state.db') },
  }, 'corpus config');
  let done = 0;
  const facade = await startFacade(config, { logger: pino({ level: 'silent' }), port: 0, adminPort: 0, admin: false, onRequestDone: () => { done++; } });
  try {
    const started = performance.now();
    const drive = await driveCorpus(facade.url, { perEndpoint });
    // Comparisons settle off the response path: wait until every answered request was recorded.
    const recorded = new Promise<void>((resolve) => {
      // Each request's pipeline ends after its comparison (re-ask included) was handed to the recorder.
      const check = (): void => { if (done >= drive.answered) resolve(); else setTimeout(check, 20); };
      check();
    });
    await recorded;
    await facade.recorder.flush();
    const seconds = (performance.now() - started) / 1000;
    const found = await routeFindings(facade.database.sql, { route: 'corpus', config: config.routes[0], stored: await storedIgnoreRules(facade.database.sql) });
    const findings = found.endpoints.flatMap((e) => e.fields.map((f): Finding => ({ endpoint: e.endpoint, field: f.field, class: f.class })));
    const monolithServed = [...pair.monolith.served.values()].reduce((a, b) => a + b, 0);
    return {
      score: scoreCorpus(findings, CORPUS), findings, reasks: monolithServed - drive.answered, clientRequests: drive.answered,
      comparisons: found.endpoints.reduce((n, e) => n + e.compared, 0), seconds,
    };
  } finally {
    await facade.close();
    await pair.monolith.close();
    await pair.service.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

