// The diff store's part of `strangler db migrate --to postgres://…` (io/db/copy-to-pg.ts does the
// copying): its tables made on the target by its own migrations, then comparisons and their facts,
// noise evidence, outcome counts per minute, hour and day, and the divergences, ids kept (facts name
// their comparison; comparison details and audit entries name their divergence) and the id
// sequences moved past them, so the replicas' next rows follow on; the gate's counts per stage and
// hour are counted again on the target from the copied comparisons, and facts from an older source
// get their copy of their comparison's columns there.
import type { TableCopier } from '../db/copy-to-pg';
import { migratePgDiffStore } from './pg-schema';
import { FILL_FACT_COMPARISONS } from './fact-comparisons';
import { STAGE_HOURS_REBUILD } from './stage-hours';

export const DIFF_STORE_COPIER: TableCopier = {
  component: 'diff store',
  prepare: (target) => migratePgDiffStore(target),
  tables: [
    { name: 'comparisons', identity: 'id' }, { name: 'comparison_fields' }, { name: 'endpoint_stats' }, { name: 'endpoint_fields' },
    { name: 'comparison_minutes' }, { name: 'comparison_hours' }, { name: 'comparison_days' }, { name: 'divergences', identity: 'id' },
    { name: 'own_locations' },
  ],
  // The gate's counts per stage and hour are counted from the copied comparisons (an older source may have none),
  // and facts copied from a store older than their comparison columns get them from their comparison.
  async derive(target) {
    for (const st of STAGE_HOURS_REBUILD) await target.run(st);
    await target.run(FILL_FACT_COMPARISONS);
  },
};
