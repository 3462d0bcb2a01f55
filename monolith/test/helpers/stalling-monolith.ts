// Test fixture process (not a test): the monolith with its order transaction stalled for
// ORDER_STALL_MS after the stock checks, so two processes' orders surely overlap in time.
// Without the write lock taken at BEGIN, both would pass the check and one would fail or oversell.
import { startMonolith } from '../../src/server';

const stallMs = Number(process.env.ORDER_STALL_MS ?? '50');
const parked = new Int32Array(new SharedArrayBuffer(4));

startMonolith({
  dbPath: process.env.MONOLITH_DB ?? '',
  port: 0,
  // Blocks this process synchronously, as a slow disk or a long transaction would.
  orderHooks: { afterStockChecked: () => void Atomics.wait(parked, 0, 0, stallMs) },
}).then(
  (monolith) => {
    process.stdout.write(`${JSON.stringify({ url: monolith.url })}\n`);
    process.once('SIGTERM', () => void monolith.close().then(() => process.exit(0)));
  },
  (err: unknown) => {
    process.stderr.write(`stalling monolith failed to start: ${String(err)}\n`);
    process.exit(1);
  },
);
