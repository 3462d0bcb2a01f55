// Users and sessions: password check against the scrypt hash, and the random session
// tokens behind the `shop_session` cookie. Sessions live in the shared database, so any
// monolith process sharing the file recognizes any other's cookie.
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { burnPasswordCheck, verifyPassword } from '../passwords';

export interface PublicUser {
  id: number;
  email: string;
  full_name: string;
}

interface UserRow extends PublicUser {
  password_salt: string;
  password_hash: string;
}

export interface UserStore {
  /** The user if email and password match, otherwise null (same latency either way). */
  checkLogin(email: string, password: string): Promise<PublicUser | null>;
  /** Creates a session and returns its token (256 random bits, base64url). */
  startSession(userId: number): string;
  /** The user a session token belongs to, or undefined. */
  userForToken(token: string | undefined): PublicUser | undefined;
}

export function toUserJson(user: PublicUser): PublicUser {
  return { id: user.id, email: user.email, full_name: user.full_name };
}

export function createUserStore(db: Database.Database, now: () => string): UserStore {
  const byEmail = db.prepare<[string], UserRow>(
    'SELECT id, email, full_name, password_salt, password_hash FROM users WHERE email = ?',
  );
  const insertSession = db.prepare<[string, number, string]>(
    'INSERT INTO sessions (token, user_id, created_at) VALUES (?, ?, ?)',
  );
  const bySession = db.prepare<[string], PublicUser>(
    `SELECT u.id, u.email, u.full_name FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token = ?`,
  );

  return {
    async checkLogin(email, password) {
      const row = byEmail.get(email.trim().toLowerCase());
      if (!row) {
        await burnPasswordCheck(password);
        return null;
      }
      const ok = await verifyPassword(password, row.password_salt, row.password_hash);
      return ok ? toUserJson(row) : null;
    },
    startSession(userId) {
      const token = randomBytes(32).toString('base64url');
      insertSession.run(token, userId, now());
      return token;
    },
    userForToken(token) {
      if (!token || token.length > 128) return undefined;
      return bySession.get(token);
    },
  };
}
