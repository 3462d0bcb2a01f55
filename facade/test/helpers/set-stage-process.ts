// Fixture for hot-reload tests: another process (as the CLI would be) moves a route in a state
// database. Usage: node -r ts-node/register/transpile-only set-stage-process.ts <db> <route> <stage> [percent]
// Prints `committed <epoch ms>` once the change is in the database.
import { isStage } from '../../src/core/stages';
import { StateStore } from '../../src/io/state-store';

const [db, route, stage, percent] = process.argv.slice(2);
if (!db || !route || !isStage(stage)) {
  process.stderr.write('usage: set-stage-process <db> <route> <stage> [percent]\n');
  process.exit(2);
}
const store = new StateStore(db);
try {
  store.change({
    route, stage, percent: percent === undefined ? undefined : Number(percent), force: true,
    actor: `test-process-${process.pid}`, reason: 'hot reload test', defaultStage: 'off',
  });
  process.stdout.write(`committed ${Date.now()}\n`);
} finally {
  store.close();
}
