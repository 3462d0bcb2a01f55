// Who may use the admin API: named bearer tokens with a role. `read` tokens see routes, comparisons,
// reports and the audit log; `write` tokens may also change stages and ignore rules. The token's
// name is the actor recorded in the audit log. Only /healthz, /readyz and /metrics need no token.
import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { AdminTokenConfig } from '../config';
import { ConfigError } from '../errors';

export type AdminRole = 'read' | 'write';

export interface AdminToken {
  readonly name: string;
  readonly token: string;
  readonly role: AdminRole;
}

/**
 * The tokens this facade accepts: the config's `admin.tokens` (a `tokenEnv` read from `env`), plus
 * STRANGLER_ADMIN_TOKEN as a write token named "admin" and STRANGLER_ADMIN_READ_TOKEN as a read
 * token named "reader". `writeToken` (a test or embedding caller) stands in for STRANGLER_ADMIN_TOKEN.
 * @throws ConfigError naming the entry whose environment variable is unset.
 */
export function resolveAdminTokens(configured: readonly AdminTokenConfig[], env: NodeJS.ProcessEnv, writeToken = env.STRANGLER_ADMIN_TOKEN): AdminToken[] {
  const problems: string[] = [];
  const tokens: AdminToken[] = [];
  configured.forEach((t, i) => {
    const value = t.token ?? (t.tokenEnv !== undefined ? env[t.tokenEnv] : undefined);
    if (value === undefined || value === '') problems.push(`admin.tokens[${i}].tokenEnv: environment variable ${t.tokenEnv} is not set`);
    else tokens.push({ name: t.name, token: value, role: t.role });
  });
  if (problems.length > 0) throw new ConfigError('config', problems);
  if (writeToken) tokens.push({ name: 'admin', token: writeToken, role: 'write' });
  if (env.STRANGLER_ADMIN_READ_TOKEN) tokens.push({ name: 'reader', token: env.STRANGLER_ADMIN_READ_TOKEN, role: 'read' });
  return tokens;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token an `Authorization: Bearer ...` header carries, or null. Every entry is compared, in constant time each. */
export function authenticate(tokens: readonly AdminToken[], header: string | undefined): AdminToken | null {
  const given = header !== undefined && /^bearer /i.test(header) ? header.slice(7).trim() : '';
  let found: AdminToken | null = null;
  for (const t of tokens) if (same(t.token, given) && found === null) found = t;
  return given === '' ? null : found;
}

/** The authenticated token of a request that passed {@link requireRole}. */
export function tokenOf(res: Response): AdminToken {
  return res.locals.adminToken as AdminToken;
}

/**
 * Express middleware: 401 without a known token, 403 with a read token where `write` is needed,
 * 403 (ADMIN_DISABLED) when no token is configured at all. Puts the token on `res.locals`.
 */
export function requireRole(tokens: readonly AdminToken[], role: AdminRole) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (tokens.length === 0) {
      const writing = role === 'write' || (req.method !== 'GET' && req.method !== 'HEAD');
      res.status(403).json({
        error: writing ? 'WRITES_DISABLED' : 'READS_DISABLED',
        message: 'no admin token is configured: set STRANGLER_ADMIN_TOKEN (or admin.tokens in the config) to use the admin API',
      });
      return;
    }
    const token = authenticate(tokens, req.headers.authorization);
    if (token === null) {
      res.status(401).json({ error: 'UNAUTHORIZED', message: `send Authorization: Bearer <token> (a ${role} token: STRANGLER_ADMIN_TOKEN or one of admin.tokens)` });
      return;
    }
    if (role === 'write' && token.role !== 'write') {
      res.status(403).json({ error: 'FORBIDDEN', message: `token "${token.name}" may only read; changes need a write token` });
      return;
    }
    res.locals.adminToken = token;
    next();
  };
}
