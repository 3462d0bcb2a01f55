// Users API: login sets the `shop_session` cookie with the contract's attributes, /api/me
// reads it, and wrong credentials or a missing cookie get the documented 401s.
import type { RunningMonolith } from '../src/server';
import { call, removeTempDirs, startSeeded } from './helpers/fixtures';

let shop: RunningMonolith;

beforeAll(async () => {
  shop = await startSeeded(10);
});

afterAll(async () => {
  await shop.close();
  removeTempDirs();
});

const login = (email: string, password: string) => call(shop.url, 'POST', '/api/login', { email, password });

it('logs a seeded user in and sets an HttpOnly, SameSite=Lax session cookie on /', async () => {
  const res = await login('user42@shop.test', 'password42');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ id: 42, email: 'user42@shop.test', full_name: expect.any(String) });
  expect(res.headers.get('set-cookie')).toMatch(/^shop_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
});

it('/api/me answers the user behind the cookie', async () => {
  const res = await login('user3@shop.test', 'password3');
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  const me = await call(shop.url, 'GET', '/api/me', undefined, { cookie: `theme=dark; ${cookie}` });
  expect(me.status).toBe(200);
  expect(me.body).toEqual(res.body);
});

it('gives every login its own session token', async () => {
  const first = (await login('user1@shop.test', 'password1')).headers.get('set-cookie');
  const second = (await login('user1@shop.test', 'password1')).headers.get('set-cookie');
  expect(first).not.toEqual(second);
});

it.each([
  ['no cookie', {}],
  ['an unknown token', { cookie: 'shop_session=not-a-real-token' }],
])('/api/me with %s is 401 not_logged_in', async (_label, headers) => {
  const res = await call(shop.url, 'GET', '/api/me', undefined, headers);
  expect(res.status).toBe(401);
  expect(res.body).toEqual({ error: 'not_logged_in' });
});

it.each([
  ['a wrong password', 'user1@shop.test', 'password2'],
  ['an unknown email', 'nobody@shop.test', 'password1'],
])('login with %s is 401 invalid_credentials and sets no cookie', async (_label, email, password) => {
  const res = await login(email, password);
  expect(res.status).toBe(401);
  expect(res.body).toEqual({ error: 'invalid_credentials' });
  expect(res.headers.get('set-cookie')).toBeNull();
});

it('login without a password is 400 invalid_body', async () => {
  const res = await call(shop.url, 'POST', '/api/login', { email: 'user1@shop.test' });
  expect(res.status).toBe(400);
  expect(res.body.error).toBe('invalid_body');
});
