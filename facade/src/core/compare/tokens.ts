// Tokens a side makes for itself inside a longer string (ids, times, signatures, nonces), and a
// string's template: its text once every such token is set aside. Two answers whose strings differ
// only inside such tokens have the same template; `/invoices/inv-7.pdf?sig=…` against
// `/invoices/inv-8.pdf?sig=…` do not. Pure.
import { diffArrays } from 'diff';

// Ids and times inside a longer string: a link (`/orders/3f1c…/items`), a storage key
// (`uploads/01HF…-invoice.pdf`), a message (`Order 3f1c… created at 2026-…`). Bounded by
// characters that cannot continue the token, so a 40-digit hash is not read as an ObjectId.
// Times as links, file names and lines write them too: ISO 8601's basic form
// (`X-Amz-Date=20261206T211501Z`), a compact stamp (`orders-20261206-232529.csv`), an HTTP date (a
// cookie's `Expires=Sun, 06 Dec 2026 21:15:01 GMT`), epoch seconds or milliseconds
// (`Expires=1765055701`; generated.ts takes them for times only near the comparison), a clock time
// in a page's own words (`Stand: 21:56:30`, `9:56:30 PM`, `07/12/2026, 02:56:30`).
// Epoch seconds in 8 hex digits, as AWS X-Ray's trace id (`1-6571a2b3-<24 hex>`) and GitHub's
// request id (`…:6571A2B3`) carry the time they were made: 2020 to 2029 (`5…` and `6…`), with a hex
// letter (an 8-digit decimal number is not one), in one case. A time only near the comparison (HEX_EPOCH).
const HEX_EPOCH_SOURCE = '5(?=[0-9]{0,6}[a-f])[0-9a-f]{7}|6(?=[0-9]{0,6}[a-f])[0-9a-f]{7}';
export const HEX_EPOCH = /^[56](?:(?=[0-9]{0,6}[a-f])[0-9a-f]{7}|(?=[0-9]{0,6}[A-F])[0-9A-F]{7})$/;
/**
 * Hex epochs name when an id was made, at the request: within a day of the comparison. (A random
 * 8-hex word falls in that window once in some 25,000, where the years other epochs allow would
 * set aside one short commit hash in twenty.)
 */
const HEX_EPOCH_WINDOW_MS = 86_400_000;
/** The time 8 hex digits (HEX_EPOCH) name, in ms, or null when they are no epoch near the comparison. */
export function hexEpochMs(v: string, nowMs: number): number | null {
  if (!HEX_EPOCH.test(v)) return null;
  const ms = parseInt(v, 16) * 1000;
  return Math.abs(ms - nowMs) <= HEX_EPOCH_WINDOW_MS ? ms : null;
}

export const EMBEDDED = new RegExp('(?<![0-9A-Za-z])(?:'
  + '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'
  + '|\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?(?:Z|[+-]\\d{2}:?\\d{2})?'
  + '|\\d{8}T\\d{2}:?\\d{2}:?\\d{2}(?:\\.\\d{1,9})?(?:Z|[+-]\\d{4})?'
  + '|\\d{8}[-_]\\d{6}|\\d{14}'
  + '|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4} \\d{2}:\\d{2}:\\d{2} GMT'
  + '|[0-7][0-9A-HJKMNP-TV-Z]{25}|[0-9a-f]{24}|\\d{13}|\\d{10}'
  + '|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,6}\\.? \\d{1,2}, \\d{4}(?:,? at |, | )\\d{1,2}:\\d{2}(?::\\d{2})?(?: ?[ap]\\.?m\\.?)?' // timestamp.ts HUMAN
  + '|\\d{1,2}:\\d{2}, \\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,6} \\d{4}' // timestamp.ts CLOCK_FIRST
  + '|\\d{1,2}:\\d{2}:\\d{2}(?:\\.\\d{1,6})?'
  + '|' + HEX_EPOCH_SOURCE
  + ')(?![0-9A-Za-z])', 'gi');

// An asset a build names by its content's digest: Rails' `application-3f2a1b9c….css`, webpack's
// `main.8a9ee65e.js` and its runtime's chunk map, Vite's `app-30FgwOxR.js` (8 base64url characters), Next.js'
// `/_next/static/chunks/[slug]-84f3….js` and the build id in `/_next/static/a1b2c3d/_buildManifest.js`,
// or in a version query: ASP.NET's `site.css?v=<sha256>`, WordPress' `?ver=6.4.2`, Drupal's
// `base.css?lqhzq`, Laravel Mix's `?id=<md5>`; AEM's `.lc-<md5>-lc.min.css`, Drupal's `css_<base64>.css`. Each side serves its own build, so its digests are its own while the file is the same.
// Map tiles too (a TileJSON's `tiles: [".../{z}/{x}/{y}.pbf?v=<tileset build>"]`, Mapbox Vector Tiles) and WebAssembly modules.
const ASSET_EXT = 'css|js|mjs|cjs|map|woff2?|ttf|otf|eot|svg|png|jpe?g|gif|webp|avif|ico|pbf|mvt|wasm';
export const ASSET_DIGEST = new RegExp(
  `(?<=[-./])(?=[a-fA-F]{0,63}\\d)[0-9a-fA-F]{8,64}(?=(?:\\.chunk)?\\.(?:${ASSET_EXT})(?![0-9A-Za-z]))` // CRA's `453.7ebfda66.chunk.js` too
  + `|(?<=[-.])(?!\\d+x\\d+\\.)(?=[A-Za-z_-]{0,7}\\d|(?:[a-z0-9_-]{0,7}[A-Z]){3})[A-Za-z0-9_-]{8}(?=\\.(?:js|mjs|css)(?![0-9A-Za-z]))`
  // Nuxt 3 (and Rollup's `[hash].js`) name a chunk by its digest alone: `/_nuxt/DlAUqK2U.js`; both cases then, so `/js/vendor12.js` is a name
  + `|(?<=/)(?=[A-Za-z0-9_-]{0,7}[a-z])(?=[A-Za-z0-9_-]{0,7}[A-Z])(?=[A-Za-z_-]{0,7}\\d|(?:[a-z0-9_-]{0,7}[A-Z]){3})[A-Za-z0-9_-]{8}(?=\\.(?:js|mjs|css)(?![0-9A-Za-z]))`
  + `|(?<=\\.(?:${ASSET_EXT})\\?(?:v|ver|version|hash|h|_)=)[A-Za-z0-9._-]{4,64}(?=["'&\\s)]|$)`
  + `|(?<=\\.(?:css|js)\\?)(?:[a-z0-9]{5,8}|\\d{9,20})(?=["'\\s)]|$)` // Jekyll's `main.css?<epoch ns>` too
  // Magento's deployed static version (`/static/version1701334855/`); ASP.NET's `WebResource.axd?d=<encrypted>&t=<ticks>`.
  + `|(?<=/static/version)\\d{9,12}(?=/)|(?<=\\.axd\\?d=)[A-Za-z0-9_-]{20,}(?=&|["'\\s]|$)|(?<=\\.axd\\?d=[A-Za-z0-9_-]{20,}&(?:amp;)?t=)[0-9a-fA-F]{6,20}(?=["'&\\s]|$)`
  + '|(?<=/_next/static/)(?=[A-Za-z_-]*\\d)[A-Za-z0-9_-]{6,}(?=/)'
  // a digest before a suffix (AEM's `clientlib-site.lc-<md5>-lc.min.css`), Laravel Mix's `app.js?id=<md5>`,
  // Drupal's aggregates `css_<base64>.css`
  + `|(?<=[-./_])(?=[a-fA-F]{0,63}\\d)[0-9a-fA-F]{16,64}(?=(?:[-.][A-Za-z]{1,8}){1,3}\\.(?:${ASSET_EXT})(?![0-9A-Za-z]))`
  + '|(?<=\\.(?:css|js|mjs)\\?id=)[0-9a-f]{16,64}(?=["\'&\\s)]|$)'
  + '|(?<=/(?:css|js)_)[A-Za-z0-9_-]{20,64}(?=\\.(?:css|js)(?![0-9A-Za-z]))'
  // webpack's runtime names its chunks' digests in a map: `{179:"a1064424",736:"94cf…"}…".chunk.js"`
  + '|(?<=[{,]\\d{1,6}:")(?=[a-f]*\\d)[0-9a-f]{8,20}(?="[,}][^\\n]*\\.chunk\\.(?:js|css))', 'g');

// A name a build scopes its styles with, each side's build its own: Angular's emulated encapsulation
// (`_ngcontent-ng-c2970624912`, `_nghost-serverApp-c12`), CSS Modules' `File_class__x3Yor` (Next.js,
// css-loader's `[name]_[local]__[hash:base64:5]`), styled-components' `sc-bdfBwQ` and the class it
// generates beside it, Emotion's `css-1x2y3z4`, Vue's `data-v-7ba5bd90`, Svelte's `svelte-1x2y3z`.
export const SCOPED_STYLE = new RegExp(
  '(?<=\\b_ng(?:content|host)-(?:[A-Za-z0-9]+-)?c)\\d+(?!\\d)'
  + '|(?<=\\b[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9-]+__)(?=[A-Za-z_-]*\\d|[^A-Z]*[A-Z])[A-Za-z0-9_-]{5}(?![A-Za-z0-9_-])'
  + '|(?<=\\bsc-)(?=[a-z0-9]*[A-Z]|[A-Za-z]*\\d)[A-Za-z0-9]{5,10}(?![A-Za-z0-9-])|(?<=\\bsc-[A-Za-z0-9]{5,10} )(?=[a-z0-9]*[A-Z]|[A-Za-z]*\\d)[A-Za-z0-9]{5,8}(?![A-Za-z0-9-])'
  + '|(?<=\\b(?:css|svelte)-)(?=[a-z]*\\d)[a-z0-9]{5,8}(?![a-z0-9])|(?<=\\bdata-v-)[0-9a-f]{8}(?![0-9a-f])'
  // Astro's scope (`data-astro-cid-2o1b7odi`, `class="astro-J7PV25F6"`) and SvelteKit's per-build global (`__sveltekit_f4xf77`).
  + '|(?<=\\bdata-astro-cid-)[a-z0-9]{8}(?![a-z0-9])|(?<=\\bastro-)(?=[A-Z]*\\d)[A-Z0-9]{8}(?![A-Za-z0-9])|(?<=\\b__sveltekit_)[a-z0-9]{5,8}(?![a-z0-9])', 'g');

// What ASSET_DIGEST's and SCOPED_STYLE's matches all stand next to, looked for first: their
// lookbehinds were tried at every position of every differing value, most of which name no asset.
const ASSET_HINT = new RegExp(`\\.(?:${ASSET_EXT}|axd)(?![0-9A-Za-z])|\\.chunk\\.|/static/version|/_next/static/`);
const STYLE_HINT = /_ng(?:content|host)-|__|sc-|css-|svelte-|data-v-|astro-/;

/** `v` with its asset digests (ASSET_DIGEST) and build-scoped style names (SCOPED_STYLE) replaced by `mark`. */
export function maskAssets(v: string, mark: string): string {
  const out = ASSET_HINT.test(v) ? v.replace(ASSET_DIGEST, mark) : v;
  return STYLE_HINT.test(out) ? out.replace(SCOPED_STYLE, mark) : out;
}

/**
 * A CSP nonce, by where it stands (`nonce="…"`, `'nonce-…'`), whatever it looks like: one of 16
 * base64 characters has no digit one time in fifteen, and split at its `/` it misaligned the words.
 */
const NONCE = /(?<=\bnonce=")[^"]{1,200}(?=")|(?<=\bnonce=')[^']{1,200}(?=')|(?<='nonce-)[A-Za-z0-9+/=_-]{1,200}(?=')/g;

/**
 * The commit a side's build runs, as a link's parameter names it (`report-uri …?sentry_release=e63ab82d7729`,
 * `?build=1b7f5c0`, `commit=…`): each side's own build, as `buildId` is in JSON. Hex of a commit's
 * length only (7 to 40, letters and digits), so a version (`release=2.14.1`) stays a word.
 */
const BUILD_PARAM = /(?<=[?&;](?:sentry_release|release|build|build_id|commit|git_commit|git_sha)=)(?=[0-9a-f]{0,39}[a-f])(?=[0-9a-f]{0,39}\d)[0-9a-f]{7,40}(?![0-9A-Za-z])/gi;

/** A run of base64 (or base64url) characters: a signature, a nonce, a random id, or a long path. */
const LONG_RUN = /[A-Za-z0-9+/_-]{16,}={0,2}/g;
/** Hex of digest length, a word with digits of six characters or more (`a1b2c3d`, `000123`). */
const HEX_OR_CODED = /(?<![0-9A-Za-z])(?:[0-9a-f]{16,}|[0-9A-F]{16,}|(?=[A-Za-z]*\d)[0-9A-Za-z]{6,})(?![0-9A-Za-z])/g;

/** Past this length a string is a document's text, not a value: its template is itself, its tokens not compared. */
const MAX_INPUT = 4096;
const SET_ASIDE = '\u0000';

/** The string percent-decoded (`%3A` → `:`); as written when it holds a lone `%`. */
export function decoded(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // a lone `%`: taken as written
  }
}

/**
 * The string with every run that may be a token a side generates for itself set aside: ids and
 * times (EMBEDDED), long runs of base64 characters, hex digests, words with six digits or more. For
 * lining up a page's lines (text-diff.ts): two lines with one template are one line whose values
 * differ (a nonce, a link's id), whatever the values.
 */
export function templateOf(s: string): string {
  if (s.length > MAX_INPUT) return s;
  return decoded(s).replace(EMBEDDED, SET_ASIDE).replace(LONG_RUN, SET_ASIDE).replace(HEX_OR_CODED, SET_ASIDE);
}

/** How far from the comparison an epoch number may lie to be read as a time (generated.ts uses the same window). */
export const EPOCH_PAST_MS = 5 * 365 * 86_400_000;
export const EPOCH_FUTURE_MS = 400 * 86_400_000;

/** An id EMBEDDED reads (a UUID, a ULID, an ObjectId): a record's name, not a time. */
const ID_TOKEN = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|[0-7][0-9A-HJKMNP-TV-Z]{25}|[0-9a-f]{24})$/i;

/**
 * An EMBEDDED token as a word of its value: a time is set aside, an id keeps its value (the order a
 * signed link points at is the link's meaning; a per-answer id still moves when the primary is asked
 * again), and a run of 10 or 13 digits is a time only when it reads as an epoch near the comparison.
 */
function embeddedWord(token: string, nowMs: number): string {
  if (ID_TOKEN.test(token)) return token;
  if (HEX_EPOCH.test(token)) return hexEpochMs(token, nowMs) === null ? token : SET_ASIDE;
  if (/^\d+$/.test(token)) {
    const ms = token.length === 13 ? Number(token) : token.length === 10 ? Number(token) * 1000 : NaN;
    if (!(ms >= nowMs - EPOCH_PAST_MS && ms <= nowMs + EPOCH_FUTURE_MS)) return token;
  }
  return SET_ASIDE;
}

/** Between a value's tokens: URL, markup and sentence punctuation. Not `-`, `_`, `+`: they are inside base64url words. */
const DELIMITERS = /[\s/?&=;:,.'"<>()[\]{}|\\#@!*^$~`%]+/;
const HAS_DELIMITER = /[\s/?&=;:,.'"<>()[\]{}|\\#@!*^$~`%]/;

/** Upper case, lower case and digits: a random base64 run (a signature), not a path or a word. */
const MIXED = (run: string): boolean => /[A-Z]/.test(run) && /[a-z]/.test(run) && /\d/.test(run);

/** The shortest id or time EMBEDDED reads (epoch seconds) and the shortest random run are longer than this. */
const SHORTEST_TOKEN = 10;

const DELIMITER_RUNS = new RegExp(DELIMITERS.source, 'g');

/** A value's words, and its punctuation between them in order (`"…"` against `…`: an ETag's quotes). */
interface Tokens { readonly words: string[]; marks: string }

/** A decimal point (`1582.57`, `.193`): a number is one word, so a primary whose figure moves in its fraction has moved the figure. */
const DECIMAL_POINT = /(?<=\d)\.(?=\d)|(?<![\w.])\.(?=\d)/g;
const KEPT_POINT = '\u0002';

const words = (raw: string, out: Tokens): void => {
  const text = raw.includes('.') ? raw.replace(DECIMAL_POINT, KEPT_POINT) : raw;
  for (const w of text.split(DELIMITERS)) if (w !== '') out.words.push(w.includes(KEPT_POINT) ? w.replaceAll(KEPT_POINT, '.') : w);
  const marks = text.match(DELIMITER_RUNS);
  if (marks) out.marks += `${marks.join('\u0001')}\u0001`;
};

/**
 * A value's words and the punctuation between them, after percent-decoding, with ids and times
 * (EMBEDDED), asset digests, build-scoped style names and CSP nonces set aside as one word each. A random base64 run (a signature with
 * its own `/` and `+`) is one word, kept with its value:
 * were it set aside whenever it looks random, a run that looks random on one side and not on the
 * other would make two strings alike or not by chance.
 */
function tokensOf(s: string, nowMs: number): Tokens {
  const out: Tokens = { words: [], marks: '' };
  const plain = decoded(s);
  if (plain.length < SHORTEST_TOKEN) { words(plain, out); return out; } // `1.00`, `en-GB`: no id, time or run fits
  const text = maskAssets(plain.replace(EMBEDDED, (token) => embeddedWord(token, nowMs)), SET_ASIDE).replace(NONCE, SET_ASIDE).replace(BUILD_PARAM, SET_ASIDE);
  let from = 0;
  for (const m of text.matchAll(LONG_RUN)) {
    if (!MIXED(m[0])) continue;
    words(text.slice(from, m.index), out);
    out.words.push(m[0]);
    from = m.index + m[0].length;
  }
  words(text.slice(from), out);
  return out;
}

/** Past this many words removed or added, two strings are not one value with a word more or less. */
const MAX_WORD_EDITS = 16;

/**
 * Where two strings differ, word by word, as positions among the first string's words (ids and
 * times not counted): `/invoices/inv-7.pdf?sig=Ab3…` against `/invoices/inv-8.pdf?sig=Zq9…` differ at
 * words 1 and 4. A word the second string lacks is its position; a word only the second string has,
 * before first-string word i, is i − 0.5: `sid=R1; HttpOnly; Path=/` against `sid=R2; Path=/` differ
 * at 1 (the value) and 2 (HttpOnly). Punctuation that differs, the words aside (an ETag that lost
 * its quotes), is position −1. Null when the words do not line up (more than a few removed or
 * added) and for document-sized text.
 * Read against a side's second answer (core/comparison/repeats.ts): a difference at a word the
 * primary repeated is not the primary's own variation.
 */
export function differingWords(a: string, b: string, nowMs: number = Date.now()): number[] | null {
  if (a.length > MAX_INPUT || b.length > MAX_INPUT) return null;
  // One word on both sides (`EUR`, `HIT`): nothing a second answer could repeat apart from it.
  if (!HAS_DELIMITER.test(a) && !HAS_DELIMITER.test(b)) return null;
  const ta = tokensOf(a, nowMs);
  const tb = tokensOf(b, nowMs);
  const x = ta.words;
  const y = tb.words;
  const out: number[] = ta.marks === tb.marks ? [] : [-1];
  if (x.length === y.length) {
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) out.push(i);
    return out;
  }
  const parts = diffArrays(x, y, { maxEditLength: MAX_WORD_EDITS });
  if (parts === undefined) return null;
  // Between two common runs, a block of removed and added words: the removed ones are positions,
  // and added words beyond as many as were removed (a word more, not a word changed) one more.
  let i = 0;
  let removed = 0;
  let added = 0;
  const closeBlock = (): void => {
    if (added > removed) out.push(i - 0.5);
    removed = 0;
    added = 0;
  };
  for (const part of parts) {
    if (part.removed) {
      for (let k = 0; k < part.count; k++) out.push(i++);
      removed += part.count;
    } else if (part.added) added += part.count;
    else {
      closeBlock();
      i += part.count;
    }
  }
  closeBlock();
  return out;
}

/**
 * A word no reader reads: a random run of letters and digits (a salt, a nonce, a signature), a long
 * hex digest, or a short one of one case with letters and digits (an asset's `?id=9db190ec`, a
 * git short hash, WebForms' `2901372A`); an id (ID_TOKEN) names a record and is not one.
 */
const OPAQUE_WORD = /^(?:(?=\D*\d)(?=[^A-Za-z]*[A-Za-z])[A-Za-z0-9+/_-]{10,}={0,2}|(?=\d*[a-fA-F])[0-9a-fA-F]{16,}|(?=[a-f]*\d)(?=\d*[a-f])[0-9a-f]{7,}|(?=[A-F]*\d)(?=\d*[A-F])[0-9A-F]{8,})$/;
/** A readable code: words and numbers joined by `-` or `_` (`shop-00012-ctc`, `SKU-1042-XL`, `orders-000001`), no random run. */
const SLUG = /^(?:[A-Za-z]+|\d+)(?:[-_]+(?:[A-Za-z]+|\d+))+$/;
const opaqueWord = (w: string): boolean => OPAQUE_WORD.test(w) && !ID_TOKEN.test(w) && !SLUG.test(w);

/**
 * Whether two strings differ only at opaque words (a per-side salt, a nonce, a signature) and not at
 * a word a reader reads (a price, `In stock`, `checked`, a record's id): among a route's real
 * differences, the readable ones are ranked first.
 */
export function differsOnlyInOpaqueWords(a: string, b: string, nowMs: number = Date.now()): boolean {
  if (a === b || a.length > MAX_INPUT || b.length > MAX_INPUT) return false;
  if (!HAS_DELIMITER.test(a) && !HAS_DELIMITER.test(b)) return opaqueWord(a) && opaqueWord(b) && !readableEdit(a, b);
  const at = differingWords(a, b, nowMs);
  if (at === null || at.length === 0) return false;
  const words = tokensOf(a, nowMs).words;
  const other = tokensOf(b, nowMs).words;
  const paired = other.length === words.length;
  return at.every((i) => Number.isInteger(i) && i >= 0 && opaqueWord(words[i] ?? '') && !(paired && readableEdit(words[i]!, other[i]!)));
}

/**
 * Whether two words are one readable value edited rather than two random runs: they keep at least
 * half of the longer one as a common start and end (`w_400` → `w_40`, `SKU-1042-XL` → `SKU-1042-L`),
 * or, in a run with `/` (a path base64's alphabet swallows whole), some segment does
 * (`upload/s--lViw…--/w_400` → `upload/s--hVE7…--/w_40`). Two salts share a few characters at most.
 */
function readableEdit(x: string, y: string): boolean {
  if (x.includes('/') && y.includes('/')) {
    const xs = x.split('/');
    const ys = y.split('/');
    if (xs.length === ys.length && xs.length > 1) return xs.some((s, i) => s !== ys[i] && readableEdit(s, ys[i]!));
  }
  const n = Math.min(x.length, y.length);
  let p = 0;
  while (p < n && x[p] === y[p]) p++;
  let q = 0;
  while (q < n - p && x[x.length - 1 - q] === y[y.length - 1 - q]) q++;
  return x !== y && 2 * (p + q) >= Math.max(x.length, y.length);
}

/** A version written out (`4.6.4`, `v2.14.1`, `5.15.0-91-generic`): two points or a `v` at least, so a price is none. */
const VERSION_WORD = /^(?:v\d+(?:\.\d+)+|\d+(?:\.\d+){2,3})(?:[-+~][0-9A-Za-z.+~-]{0,40})?$/;

/** A word that names what a side is rather than what it answers: an opaque word, a UUID, a ULID, an ObjectId (and a version, where asked). */
const identityWord = (w: string, versions: boolean): boolean => opaqueWord(w) || ID_TOKEN.test(w) || (versions && VERSION_WORD.test(w));

/**
 * Whether two strings differ, word for word, only at words that name what each side is (a key, a
 * salt, a record's UUID; the version it runs where `versions`: the caller knows the text names
 * software), each side's word at each place such a word. For ranking a route's real differences,
 * never for judging one. Words must line up one for one.
 */
export function differsOnlyInIdentityWords(a: string, b: string, nowMs: number = Date.now(), versions = false): boolean {
  if (a === b || a.length > MAX_INPUT || b.length > MAX_INPUT) return false;
  if (!HAS_DELIMITER.test(a) && !HAS_DELIMITER.test(b)) return identityWord(a, versions) && identityWord(b, versions) && (VERSION_WORD.test(a) || !readableEdit(a, b));
  const ta = tokensOf(a, nowMs);
  const tb = tokensOf(b, nowMs);
  if (ta.marks !== tb.marks || ta.words.length !== tb.words.length) return false;
  let differs = false;
  for (let i = 0; i < ta.words.length; i++) {
    const x = ta.words[i]!;
    const y = tb.words[i]!;
    if (x === y) continue;
    if (!identityWord(x, versions) || !identityWord(y, versions) || (!VERSION_WORD.test(x) && readableEdit(x, y))) return false;
    differs = true;
  }
  return differs;
}

/** Whether two different strings are alike once the times (and asset digests, nonces) tokensOf sets aside are: `Last build: <a time>`. */
export function alikeButForTimes(a: string, b: string, nowMs: number = Date.now()): boolean {
  if (a === b || a.length > MAX_INPUT || b.length > MAX_INPUT || (!HAS_DELIMITER.test(a) && !HAS_DELIMITER.test(b))) return false;
  const ta = tokensOf(a, nowMs);
  const tb = tokensOf(b, nowMs);
  return ta.marks === tb.marks && ta.words.length === tb.words.length && ta.words.every((w, i) => w === tb.words[i]);
}
