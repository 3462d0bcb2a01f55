// A form's anti-forgery token each side rendered in the same field, paired, and sent in the other side's copies (core/form-token.ts).
import { formTokenPairs, learnFormTokens, withOwnFormTokens } from '../../src/core/form-token';

const page = (...tokens: string[]): string =>
  `<html><body><form method="post">${tokens.map((t) => `<input type="hidden" name="csrf_token" value="${t}">`).join('')}<input name="title" value="x"></form></body></html>`;
const FORM = 'application/x-www-form-urlencoded';

it('pairs the tokens both pages hold in the same fields, in order', () => {
  expect(formTokenPairs(page('AAAAAAAAAA.1.s', 'BBBBBBBBBB.1.s'), page('CCCCCCCCCC.2.t', 'DDDDDDDDDD.2.t'))).toEqual([
    { name: 'csrf_token', client: 'AAAAAAAAAA.1.s', own: 'CCCCCCCCCC.2.t' },
    { name: 'csrf_token', client: 'BBBBBBBBBB.1.s', own: 'DDDDDDDDDD.2.t' },
  ]);
  // Rails', Django's, Trac's fields too; a value one side did not render, or another number of forms, pairs nothing.
  expect(formTokenPairs('<input type="hidden" name="authenticity_token" value="r1r1r1r1r1r1">', '<input type="HIDDEN" name="authenticity_token" value="r2r2r2r2r2r2">')).toHaveLength(1);
  expect(formTokenPairs(page('AAAAAAAAAA'), page('CCCCCCCCCC', 'DDDDDDDDDD'))).toEqual([]);
  expect(formTokenPairs(page('AAAAAAAAAA'), '<p>no form</p>')).toEqual([]);
  // A visible field or a short value is no token.
  expect(formTokenPairs('<input name="csrf_token" value="AAAAAAAAAA">', '<input name="csrf_token" value="CCCCCCCCCC">')).toEqual([]);
  expect(formTokenPairs('<input type="hidden" name="csrf_token" value="yes">', '<input type="hidden" name="csrf_token" value="no">')).toEqual([]);
});

it("sends the side's own token in a form body, leaving every other field byte for byte", () => {
  const tokens = new Map<string, string>();
  learnFormTokens([{ name: 'csrf_token', client: 'IjJh.axc=.W8w-', own: 'ImIw.axd=.2Ds_' }], tokens);
  const body = Buffer.from('csrf_token=IjJh.axc%3D.W8w-&title=Buy+milk%21&csrf_token_note=IjJh.axc%3D.W8w-');
  expect(withOwnFormTokens(body, `${FORM}; charset=utf-8`, tokens)?.toString()).toBe('csrf_token=ImIw.axd%3D.2Ds_&title=Buy+milk%21&csrf_token_note=IjJh.axc%3D.W8w-');
  // Another client's token, another content type, or no pair: the body as sent (null).
  expect(withOwnFormTokens(Buffer.from('csrf_token=other.value.here'), FORM, tokens)).toBeNull();
  expect(withOwnFormTokens(body, 'application/json', tokens)).toBeNull();
  expect(withOwnFormTokens(body, FORM, new Map())).toBeNull();
});
