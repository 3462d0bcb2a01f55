// Service kit: platform code every extracted service shares, like an internal library. It holds
// what is the same in every service and owned by none of them; a service's domain model,
// repository and anti-corruption mapping stay in that service's own folder. The kit imports
// nothing from monolith/ and nothing from a service folder (extracted/test/independence.test.ts).
//
// This module: a service as its own process. Parsing of env values (the service's main.ts
// still reads env itself, and names the variables), the "listening" log line, shutdown on
// SIGINT/SIGTERM, and the one-line failure when a service cannot start.
import pino, { type Logger } from 'pino';

/** A port from env variable `name`: unset or empty means `fallback`, otherwise an integer 0..65535. */
export function parsePort(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${name} must be an integer 0..65535, got ${JSON.stringify(value)}`);
  }
  return port;
}

/** One of `choices` from env variable `name` (trimmed, any case): unset or empty means `fallback`, anything unknown throws. */
export function parseChoice<T extends string>(
  name: string,
  value: string | undefined,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined || value === '') return fallback;
  const found = choices.find((choice) => choice === value.trim().toLowerCase());
  if (!found) {
    throw new Error(`${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return found;
}

export interface ListeningService {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** What a service's start function hands back: the running service and the settings to log. */
export interface Started {
  service: ListeningService;
  /** Logged after url and port on the "listening" line, e.g. { dbPath, priceRounding }. */
  settings: Record<string, unknown>;
}

/**
 * Runs the service `name` as this process. `start` gets a pino logger named `name`, reads env
 * and starts the service; then "<name> service listening on <url>" is logged. SIGINT or SIGTERM
 * closes the service and exits 0 (1 if it does not close cleanly). If `start` throws, one line
 * "<name> service failed to start: <message>" goes to stderr and the process exits 1.
 */
export function runService(name: string, start: (logger: Logger) => Promise<Started>): void {
  const main = async (): Promise<void> => {
    const logger = pino({ name });
    const { service, settings } = await start(logger);
    logger.info({ url: service.url, port: service.port, ...settings }, `${name} service listening on ${service.url}`);
    stopOnSignals(name, service, logger);
  };
  main().catch((err: unknown) => {
    console.error(`${name} service failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}

function stopOnSignals(name: string, service: ListeningService, logger: Logger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `${name} service shutting down`);
    service.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, `${name} service did not close cleanly`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
