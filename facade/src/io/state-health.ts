// The state database's reachability in /metrics (several replicas on PostgreSQL): 1/0 and when the
// stages were last read. Read from the flag provider when scraped; no per-request work.
import { Gauge, type Registry } from 'prom-client';
import type { StateHealth } from '../flags/postgres';

export function watchStateHealth(registry: Registry, health: () => StateHealth): void {
  new Gauge({
    name: 'strangler_state_db_up', help: '1 while the shared state database (PostgreSQL) is reachable; 0: serving on the last known stages',
    registers: [registry],
    collect() { this.set(health().connected ? 1 : 0); },
  });
  new Gauge({
    name: 'strangler_state_db_last_sync_seconds', help: 'Unix time the stages were last read from the shared state database',
    registers: [registry],
    collect() {
      const at = health().lastSyncAt;
      if (at !== null) this.set(Date.parse(at) / 1000);
    },
  });
}
