// The facade's error classes, each with a stable `code` that tests and clients key on, plus an
// HTTP `status` (request errors) or a process `exitCode` (start-up and CLI errors).

/** Base class: `code` is stable across releases; the message is for humans. */
export abstract class StranglerError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An invalid config file: `problems` lists every problem as `<field path>: <why>`. */
export class ConfigError extends StranglerError {
  readonly code = 'CONFIG_INVALID';
  readonly exitCode = 2;
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`invalid config ${source} (${count}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Which listener failed: the public one (`listen`) or the admin API (`admin`). */
export type Listener = 'listen' | 'admin';

const LISTEN_WHY: Readonly<Record<string, (l: Listener) => string>> = {
  EADDRINUSE: (l) => `the address is already in use (another facade or program?); choose another port with ${l}.port in the config`,
  EACCES: (l) => `permission denied (ports below 1024 need privileges); choose another port with ${l}.port in the config`,
  EADDRNOTAVAIL: (l) => `the address is not one of this machine's; check ${l}.host in the config`,
};

/** The facade cannot listen where the config says: names the address and the config field to change. */
export class ListenError extends StranglerError {
  readonly code = 'LISTEN_FAILED';
  readonly exitCode = 1;
  constructor(
    readonly listener: Listener,
    readonly address: string,
    readonly errno: string,
    options?: { cause?: unknown },
  ) {
    const why = LISTEN_WHY[errno]?.(listener) ?? `${errno}; check ${listener}.host and ${listener}.port in the config`;
    super(`cannot listen on ${address} (${listener}.port): ${why}`, options);
  }
}

/** Codes of requests the facade refuses before routing. */
export type BadRequestCode = 'PATH_MALFORMED' | 'TARGET_UNSUPPORTED';

/** A request the facade refuses itself (400), e.g. a path that fails normalization. */
export class BadRequestError extends StranglerError {
  readonly status = 400;
  constructor(
    readonly code: BadRequestCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Why an upstream could not give an answer. The last three are the facade's own refusals, made
 * before anything was sent (docs/reference/resilience.md): its circuit breaker is open, its
 * bulkhead is full, or the request's deadline left too little time for an attempt.
 */
export type UpstreamErrorCode = 'UPSTREAM_UNREACHABLE' | 'UPSTREAM_TLS' | 'UPSTREAM_TIMEOUT' | 'UPSTREAM_RESET' | 'UPSTREAM_BAD_RESPONSE'
  | 'UPSTREAM_CIRCUIT_OPEN' | 'UPSTREAM_BULKHEAD_FULL' | 'DEADLINE_EXCEEDED';

const UPSTREAM_STATUS: Readonly<Record<UpstreamErrorCode, 502 | 503 | 504>> = {
  UPSTREAM_UNREACHABLE: 502,
  UPSTREAM_TLS: 502,
  UPSTREAM_TIMEOUT: 504,
  UPSTREAM_RESET: 502,
  UPSTREAM_BAD_RESPONSE: 502,
  UPSTREAM_CIRCUIT_OPEN: 503,
  UPSTREAM_BULKHEAD_FULL: 503,
  DEADLINE_EXCEEDED: 504,
};

const UPSTREAM_WHY: Readonly<Record<UpstreamErrorCode, string>> = {
  UPSTREAM_UNREACHABLE: 'could not be reached',
  UPSTREAM_TLS: 'could not be reached over TLS',
  UPSTREAM_TIMEOUT: 'timed out',
  UPSTREAM_RESET: 'reset the connection',
  UPSTREAM_BAD_RESPONSE: 'sent an invalid HTTP response',
  UPSTREAM_CIRCUIT_OPEN: 'is failing: its circuit breaker is open, so the facade did not ask it',
  UPSTREAM_BULKHEAD_FULL: 'has as many requests in flight and waiting as the facade allows it',
  DEADLINE_EXCEEDED: 'was not asked: too little of the request\'s time budget was left',
};

/** What a refusal adds to its answer: the breaker's state and when to ask again (`Retry-After`). */
export interface RefusalDetail {
  readonly breaker?: string;
  readonly retryAfterMs?: number;
}

/** A failed upstream exchange: 502, 503 or 504 to the client, naming the upstream (never its URL's secrets). */
export class UpstreamError extends StranglerError {
  readonly status: 502 | 503 | 504;
  constructor(
    readonly code: UpstreamErrorCode,
    /** The upstream's config name: `monolith` or a service name. */
    readonly upstream: string,
    options?: { cause?: unknown },
    /** Set on the facade's own refusals (circuit open, bulkhead full). */
    readonly refusal?: RefusalDetail,
  ) {
    super(`upstream "${upstream}" ${UPSTREAM_WHY[code]}${code === 'UPSTREAM_TLS' ? tlsDetail(options?.cause) : ''}`, options);
    this.status = UPSTREAM_STATUS[code];
  }
}

/** Why the TLS handshake failed, and the usual remedy for a private CA's certificate. */
function tlsDetail(cause: unknown): string {
  const err = cause as NodeJS.ErrnoException | undefined;
  if (!err?.message) return '';
  const privateCa = /SELF_SIGNED|UNABLE_TO_(VERIFY|GET_ISSUER)/.test(err.code ?? '');
  return `: ${err.message} (${err.code ?? 'TLS'})${privateCa ? '; a certificate from a private CA: trust it with NODE_EXTRA_CA_CERTS=<its CA file>' : ''}`;
}

/** Certificate and TLS protocol failures (Node's and OpenSSL's codes). */
const TLS_ERRNO = /CERT|SELF_SIGNED|UNABLE_TO_|ERR_SSL_|ERR_TLS_|^EPROTO$/;

const CODE_BY_ERRNO: ReadonlyMap<string, UpstreamErrorCode> = new Map(Object.entries({
  ECONNREFUSED: 'UPSTREAM_UNREACHABLE',
  ENOTFOUND: 'UPSTREAM_UNREACHABLE',
  EAI_AGAIN: 'UPSTREAM_UNREACHABLE',
  EHOSTUNREACH: 'UPSTREAM_UNREACHABLE',
  ENETUNREACH: 'UPSTREAM_UNREACHABLE',
  ECONNRESET: 'UPSTREAM_RESET',
  EPIPE: 'UPSTREAM_RESET',
  ECONNABORTED: 'UPSTREAM_RESET',
  ETIMEDOUT: 'UPSTREAM_TIMEOUT',
  ESOCKETTIMEDOUT: 'UPSTREAM_TIMEOUT',
  // undici's own codes (io/dispatch.ts)
  UND_ERR_SOCKET: 'UPSTREAM_RESET',
  UND_ERR_CONNECT_TIMEOUT: 'UPSTREAM_TIMEOUT',
  UND_ERR_HEADERS_TIMEOUT: 'UPSTREAM_TIMEOUT',
  UND_ERR_BODY_TIMEOUT: 'UPSTREAM_TIMEOUT',
  UND_ERR_HEADERS_OVERFLOW: 'UPSTREAM_BAD_RESPONSE',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'UPSTREAM_BAD_RESPONSE',
  UND_ERR_RES_EXCEEDED_MAX_SIZE: 'UPSTREAM_BAD_RESPONSE',
} as const));

/**
 * Maps a socket/parser error to an UpstreamError: refused or unresolvable → UNREACHABLE (502),
 * ECONNRESET/EPIPE → RESET (502), ETIMEDOUT/ESOCKETTIMEDOUT → TIMEOUT (504), llhttp `HPE_*` →
 * BAD_RESPONSE (502); anything else → UNREACHABLE (502). An UpstreamError is returned unchanged.
 */
/**
 * The error code of an upstream failure, with undici's answers to a broken HTTP answer spelled as a
 * parse error (`HPE_…`): a status under 100 trips an assertion in its parser, and a 101 to a request
 * that asked for no upgrade is a socket error. Neither is a reset to retry, nor an upstream not reached.
 */
export function upstreamErrno(err: Error): string | undefined {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ERR_ASSERTION' || (code === 'UND_ERR_SOCKET' && err.message === 'bad upgrade')) return 'HPE_BAD_ANSWER';
  return code;
}

export function upstreamErrorFrom(err: NodeJS.ErrnoException | Error, upstream: string): UpstreamError {
  if (err instanceof UpstreamError) return err;
  const errno = upstreamErrno(err);
  let code: UpstreamErrorCode = 'UPSTREAM_UNREACHABLE';
  if (typeof errno === 'string') {
    code = CODE_BY_ERRNO.get(errno) ?? (errno.startsWith('HPE_') ? 'UPSTREAM_BAD_RESPONSE' : TLS_ERRNO.test(errno) ? 'UPSTREAM_TLS' : code);
  }
  return new UpstreamError(code, upstream, { cause: err });
}
