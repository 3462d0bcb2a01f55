// What `strangler db migrate --to postgres://…` copies, component by component (io/db/copy-to-pg.ts).
// The state store's tables are listed here; the diff store appends its own copier to COPIERS.
import { migratePg } from './pg-migrate';
import type { TableCopier } from './copy-to-pg';
import { STATE_MIGRATIONS } from '../pg-state-store';
import { DIFF_STORE_COPIER } from '../diff-store/copy-to-postgres';

/** Route states, the audit log (ids kept) and stored ignore rules. */
export const STATE_COPIER: TableCopier = {
  component: 'state',
  prepare: async (target) => { await migratePg(target, 'state', STATE_MIGRATIONS); },
  tables: [{ name: 'route_states' }, { name: 'audit_log', identity: 'id' }, { name: 'ignore_rules', identity: 'id' }],
};

/** Every component, in order. Add a component's copier here (the diff store: comparisons, facts, evidence, counts, divergences). */
export const COPIERS: readonly TableCopier[] = [STATE_COPIER, DIFF_STORE_COPIER];
