// Users API: login (sets the `shop_session` cookie) and "who am I". The session helpers here
// are also used by orders and the HTML pages, which read the same cookie.
import { Router, type CookieOptions, type Request, type Response } from 'express';
import { z } from 'zod';
import { parseOr400, readCookie, sendError } from '../http';
import type { PublicUser, UserStore } from '../store/users';

export const SESSION_COOKIE = 'shop_session';

// Serializes as "shop_session=<token>; Path=/; HttpOnly; SameSite=Lax" (a browser-session cookie).
const COOKIE_OPTIONS: CookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' };

export const loginBody = z.object({
  email: z.string().min(1).max(254),
  password: z.string().min(1).max(1024),
});

/** The user behind the request's session cookie, if any. */
export function sessionUser(req: Request, users: UserStore): PublicUser | undefined {
  return users.userForToken(readCookie(req, SESSION_COOKIE));
}

/** Starts a session for `user` and attaches its cookie to the response. */
export function setSessionCookie(res: Response, users: UserStore, user: PublicUser): void {
  res.cookie(SESSION_COOKIE, users.startSession(user.id), COOKIE_OPTIONS);
}

export function userRoutes(users: UserStore): Router {
  const router = Router();

  router.post('/api/login', async (req, res) => {
    const body = parseOr400(loginBody, req.body, res, 'invalid_body');
    if (!body) return;
    const user = await users.checkLogin(body.email, body.password);
    if (!user) return sendError(res, 401, 'invalid_credentials');
    setSessionCookie(res, users, user);
    res.json(user);
  });

  router.get('/api/me', (req, res) => {
    const user = sessionUser(req, users);
    if (!user) return sendError(res, 401, 'not_logged_in');
    res.json(user);
  });

  return router;
}
