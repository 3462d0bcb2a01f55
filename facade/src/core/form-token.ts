// A form's anti-forgery token bound to the side's own session (Flask-WTF's `csrf_token`, signed with
// the app's key over a secret kept in its session cookie; Rails' `authenticity_token`, Laravel's
// `_token`, Trac's `__FORM_TOKEN`). The facade pairs the session cookie the other side opened with the
// client's (own-token.ts), but the form's token in the body stayed the answering side's: it matched
// neither the other side's session nor its key, so every form POST's copy was refused (probes16: a
// Flask-WTF app at `shadow`, every login a `400 The CSRF tokens do not match` divergence). Both sides
// render the form when its page is shadowed: the token each put in the same hidden field is paired,
// and a copy's form-encoded body carries the other side's own, as a browser on that side would send.
import { Parser } from 'htmlparser2';

/** Hidden fields that carry a form's anti-forgery token. */
const FIELD = /^(?:_{0,2}(?:csrf|xsrf)(?:[_-]?token)?|csrfmiddlewaretoken|authenticity_token|__RequestVerificationToken|_token|__FORM_TOKEN|form_?token)$/i;
/** A value that is a token (opaque, at least 8 characters, no spaces), not a word or a flag. */
const VALUE = /^[A-Za-z0-9+/=_.:-]{8,512}$/;
const KEY = 'form:'; // shares the side's token map with own-token.ts' header names and cookie pairs
const MAX = 20_000;

/** The anti-forgery hidden fields of a page, in document order: name and value. */
export function formTokensInPage(html: string): Array<{ name: string; value: string }> {
  const out: Array<{ name: string; value: string }> = [];
  const parser = new Parser({
    onopentag(tag, attrs) {
      if (tag !== 'input' || (attrs.type ?? '').toLowerCase() !== 'hidden') return;
      const name = attrs.name ?? '';
      const value = attrs.value ?? '';
      if (FIELD.test(name) && VALUE.test(value)) out.push({ name, value });
    },
  }, { decodeEntities: true, lowerCaseAttributeNames: true });
  parser.end(html);
  return out;
}

/**
 * The pairs primary value → shadow value from one page each side rendered for the same request:
 * the same fields in the same order (another form, or a field only one side has, pairs nothing).
 */
export function formTokenPairs(primaryHtml: string, shadowHtml: string): Array<{ name: string; client: string; own: string }> {
  const p = formTokensInPage(primaryHtml);
  const s = formTokensInPage(shadowHtml);
  if (p.length === 0 || p.length !== s.length) return [];
  const out: Array<{ name: string; client: string; own: string }> = [];
  for (let i = 0; i < p.length; i++) {
    if (p[i]!.name !== s[i]!.name) return [];
    if (p[i]!.value !== s[i]!.value) out.push({ name: p[i]!.name, client: p[i]!.value, own: s[i]!.value });
  }
  return out;
}

/** Keeps the pairs in the side's token map (bounded, oldest dropped first). */
export function learnFormTokens(pairs: ReadonlyArray<{ name: string; client: string; own: string }>, tokens: Map<string, string>): void {
  for (const { name, client, own } of pairs) {
    const key = `${KEY}${name}\u0000${client}`;
    tokens.delete(key);
    tokens.set(key, own);
    if (tokens.size > MAX) tokens.delete(tokens.keys().next().value!);
  }
}

/** A form-encoded body (`application/x-www-form-urlencoded`), the only kind whose token fields are swapped. */
export const isFormBody = (contentType: string | undefined): boolean => /^\s*application\/x-www-form-urlencoded\b/i.test(contentType ?? '');

/**
 * A form-encoded body with each anti-forgery field the side rendered its own set to that value,
 * or null when none was (other fields are left byte for byte as the client sent them).
 */
export function withOwnFormTokens(body: Buffer, contentType: string | undefined, tokens: ReadonlyMap<string, string>): Buffer | null {
  if (tokens.size === 0 || !isFormBody(contentType)) return null;
  let changed = false;
  const parts = body.toString('latin1').split('&').map((part) => {
    const eq = part.indexOf('=');
    if (eq < 0) return part;
    const name = formDecode(part.slice(0, eq));
    if (name === null || !FIELD.test(name)) return part;
    const value = formDecode(part.slice(eq + 1));
    const own = value === null ? undefined : tokens.get(`${KEY}${name}\u0000${value}`);
    if (own === undefined) return part;
    changed = true;
    return `${part.slice(0, eq)}=${encodeURIComponent(own)}`;
  });
  return changed ? Buffer.from(parts.join('&'), 'latin1') : null;
}

function formDecode(s: string): string | null {
  try { return decodeURIComponent(s.replace(/\+/g, ' ')); } catch { return null; }
}
