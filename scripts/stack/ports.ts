// Ports and the facade config of a demo stack: the fixed defaults `npm start` uses, free ports
// picked before anything starts (a port of 0), and the facade config written into the data
// directory so that the facade, the CLI and the walkthrough all read the same file.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** One port per process of the demo stack. */
export interface Ports {
  monolith: number;
  catalog: number;
  inventory: number;
  facade: number;
  admin: number;
}

export const DEFAULT_PORTS: Readonly<Ports> = { monolith: 3000, catalog: 4001, inventory: 4002, facade: 8080, admin: 8081 };

// Each process binds its port seconds after it was picked (ts-node's start, under load longer):
// a port the kernel hands out for port 0 (Linux's ephemeral range, 32768-60999) could meanwhile go
// to any other socket bound to port 0, a test's upstream, and the stack's readiness check then asked
// that one. Picked below that range, a port is handed out only to whoever names it.
const PICK_FROM = 20_000;
const PICK_TO = 32_000;

/** A server listening on a free port picked at random below the ephemeral range (port 0 after 50 tries). */
async function probeBelowEphemeral(host: string): Promise<net.Server> {
  for (let attempt = 0; attempt <= 50; attempt++) {
    const port = attempt === 50 ? 0 : PICK_FROM + Math.floor(Math.random() * (PICK_TO - PICK_FROM));
    const server = net.createServer();
    const bound = await new Promise<boolean>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' && port !== 0 ? resolve(false) : reject(err)));
      server.listen(port, host, () => resolve(true));
    });
    if (bound) return server;
  }
  throw new Error('no free port');
}

/**
 * Fills in the ports: a missing one takes its default, a 0 gets a free port on `host`.
 * The probe servers stay open until every port is picked, so no two parts get the same one.
 */
export async function resolvePorts(host: string, wanted: Partial<Ports> = {}): Promise<Ports> {
  const ports = { ...DEFAULT_PORTS, ...wanted };
  const probes: net.Server[] = [];
  try {
    for (const key of Object.keys(ports) as (keyof Ports)[]) {
      if (ports[key] !== 0) continue;
      const server = await probeBelowEphemeral(host);
      probes.push(server);
      ports[key] = (server.address() as net.AddressInfo).port;
    }
  } finally {
    await Promise.all(probes.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
  return ports;
}

/**
 * Writes `<dataDir>/strangler.config.json`: the repository's demo config (routes, compare rules)
 * with this stack's URLs, listen addresses and a state database inside `dataDir`.
 * @returns the config file's absolute path.
 */
export function writeFacadeConfig(root: string, dataDir: string, host: string, ports: Ports): string {
  const template = JSON.parse(fs.readFileSync(path.join(root, 'strangler.config.json'), 'utf8')) as Record<string, unknown>;
  const services = (template.services ?? {}) as Record<string, Record<string, unknown>>;
  const config = {
    ...template,
    monolith: { ...(template.monolith as object), url: `http://${host}:${ports.monolith}` },
    services: Object.fromEntries(
      Object.entries(services).map(([name, s]) => [name, { ...s, url: `http://${host}:${ports[name as keyof Ports] ?? 0}` }]),
    ),
    state: { ...(template.state as object), db: 'state.db' },
    listen: { ...(template.listen as object), host, port: ports.facade },
    admin: { ...(template.admin as object), host, port: ports.admin },
  };
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(path.resolve(dataDir), 'strangler.config.json');
  fs.writeFileSync(file, JSON.stringify(config, null, 2) + '\n');
  return file;
}
