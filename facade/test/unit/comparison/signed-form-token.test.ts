// A form token only shaped like a JWT (itsdangerous' `payload.time.signature`: Flask-WTF's csrf_token)
// is each side's own token; a real JWT is still judged by its claims (core/comparison/generated.ts).
import { formTokenFact, tokenFact } from '../../../src/core/comparison/generated';

// Flask-WTF 1.1 tokens as two instances rendered them (probes16): base64 of a JSON string, a time, an HMAC.
const MONO = 'IjJhYzY4MTU1MDQwZDIwZGE4YzNmZTZkMjQ3YjM0ZTIwYzI0ZmE0YjMi.axcH9Q.W8wlGLla_XJJvHSzkUlGZrR6oF8';
const SVC = 'ImIwODNjMzE2N2M0NGYzNDRmZjVhYjA1ZDI1YmQ2YmVmZjM1NjMi.axcH9R.2DsP-sSVuKxP7_DHIBH58VI25qQ';
const input = (v: string): string => `<input id="csrf_token" name="csrf_token" type="hidden" value="${v}">`;
const jwt = (claims: object): string =>
  `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2lnbmF0dXJl`;

it("two Flask-WTF csrf_token fields are each side's own token", () => {
  expect(formTokenFact(input(MONO), input(SVC))).toEqual({ kind: 'token', deltaMs: null });
  expect(tokenFact('$.csrf_token', MONO, SVC)).toEqual({ kind: 'token', deltaMs: null });
});

it('a real JWT at a token field is still judged by its claims, not passed as a token', () => {
  expect(tokenFact('$.id_token', jwt({ sub: 'alice', role: 'user' }), jwt({ sub: 'alice', role: 'admin' }))).toBeNull();
  expect(tokenFact('$.id_token', jwt({ sub: 'alice' }), SVC)).toBeNull();
});

it('a token field emptied, cut short or renamed on one side stays a difference', () => {
  expect(formTokenFact(input(MONO), input(''))).toBeNull();
  expect(formTokenFact(input(MONO), input('abc.def.gh'))).toBeNull();
  expect(formTokenFact(input(MONO), `<input id="csrf_token" name="token_csrf" type="hidden" value="${SVC}">`)).toBeNull();
});
