// What every benchmark child process (upstream, facade) speaks over its IPC channel with the bench:
// it announces `ready` with its port, answers `cpu` with its own process.cpuUsage() (all threads,
// µs; an upstream adds how many connections it has accepted so far), and exits on `stop` or as
// soon as the bench goes away (the channel disconnects), so that a killed bench leaves no child.

export type ToChild = { readonly type: 'cpu'; readonly id: number } | { readonly type: 'stop' } | { readonly type: 'profile-start' };

export type FromChild =
  | { readonly type: 'ready'; readonly port: number; readonly info?: Record<string, unknown> }
  | { readonly type: 'cpu'; readonly id: number; readonly user: number; readonly system: number; readonly connections?: number }
  | { readonly type: 'failed'; readonly message: string };

function send(msg: FromChild): void {
  process.send?.(msg);
}

export interface ChildHooks {
  /** An upstream: connections accepted so far. */
  readonly connections?: () => number;
  /** The facade under --profile: start the CPU profiler (the measured phases begin). */
  readonly profileStart?: () => void;
}

/** Wires the IPC protocol; `stop` runs before the child exits on request. */
export function serveBench(stop: () => Promise<void>, hooks: ChildHooks = {}): { ready(port: number, info?: Record<string, unknown>): void; fail(err: unknown): void } {
  if (!process.send) throw new Error('a bench child must be spawned with an IPC channel');
  let stopping = false;
  const exit = (code: number): void => {
    if (stopping) return;
    stopping = true;
    const hardStop = setTimeout(() => process.exit(code), 3000);
    hardStop.unref();
    stop().then(() => process.exit(code), () => process.exit(1));
  };
  process.on('message', (msg: ToChild) => {
    if (msg.type === 'cpu') {
      const u = process.cpuUsage();
      send({ type: 'cpu', id: msg.id, user: u.user, system: u.system, connections: hooks.connections?.() });
    } else if (msg.type === 'stop') {
      exit(0);
    } else if (msg.type === 'profile-start') {
      hooks.profileStart?.();
    }
  });
  process.on('disconnect', () => exit(0));
  process.on('SIGTERM', () => exit(0));
  process.on('SIGINT', () => exit(0));
  return {
    ready: (port, info) => send({ type: 'ready', port, info }),
    fail: (err) => {
      send({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      exit(1);
    },
  };
}
