// Generated values: what each side makes for itself (timestamps of its own clock, JWTs it signs,
// uuids it assigns). Two such values are compared by format and tolerance, not by equality, and
// reported as their own class. Detection runs on the raw values before redaction; the fact keeps
// the measured time difference so a later tolerance change re-classifies the past.
import { parseInstant } from '../compare/timestamp';
import { EMBEDDED, EPOCH_FUTURE_MS, EPOCH_PAST_MS, decoded, hexEpochMs, maskAssets, templateOf } from '../compare/tokens';
import { lastName } from '../compare/path-pattern';

export const GENERATED_KINDS = ['timestamp', 'jwt', 'uuid', 'ulid', 'objectid', 'encoded', 'sequence', 'instance', 'token', 'position', 'estimate'] as const;
export type GeneratedKind = (typeof GENERATED_KINDS)[number];

/** Both values are generated values of the same kind and format; `deltaMs` is their time distance (null: no time). */
export interface GeneratedFact {
  readonly kind: GeneratedKind;
  readonly deltaMs: number | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-([0-9a-f])[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/i;
const OBJECT_ID = /^[0-9a-f]{24}$/i;
const JWT = /^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*$/;
const TIME_CLAIMS = new Set(['iat', 'nbf', 'exp', 'auth_time']);
// A token's own id, and what OpenID Connect derives from the tokens and the session a side issued
// with it: hashes of its access token and code (`at_hash`, `c_hash`, `s_hash`) and its session id.
const PER_TOKEN_CLAIMS = new Set(['jti', 'at_hash', 'c_hash', 's_hash', 'sid']);
// An epoch number (seconds or ms, or a string of 10 or 13 digits) is taken as a time a side made for
// itself only near the comparison: at most 5 years before it (a record written since the migration
// began) and 400 days after it (an expiry). An order number, a file size, a phone number or a GTIN
// that happens to fall in the epoch range is not a time, and a difference in it is not a clock's.
// (EPOCH_PAST_MS, EPOCH_FUTURE_MS: tokens.ts, which reads digit runs inside strings the same way.)

/** The shape of a value's format: digits masked, so `2024-01-02T03:04:05Z` and `2025-...Z` share it. */
function formatShape(value: unknown): string {
  // A number's magnitude, whole or not: a float epoch that lands on a whole second is written without its fraction.
  if (typeof value === 'number') return `num${String(Math.trunc(Math.log10(Math.abs(Math.trunc(value)) || 1)))}`;
  // An ISO time's fraction of any length (Go's RFC3339Nano drops trailing zeros) and `Z` or an offset
  // are one format; a fraction on one side only, or a zone on one side only, is not.
  return String(value).replace(/\d/g, '9').replace(/(9{2}:9{2})(\.9+)?(Z|[+-]99:?99)$/, (_m, t: string, f: string | undefined) => `${t}${f ? '.9' : ''}Z`);
}

/**
 * A field named for a time (`servedAt`, `created_at`, `ts`, `readTime`, `timeUnixNano`,
 * `start_time_ns`): only there are 16- and 19-digit numbers read as microseconds and nanoseconds;
 * elsewhere they are ids (a snowflake, an account number) whose neighbour must stay a difference.
 */
const TIME_NAME = /(?:^|[a-z0-9])(?:At|Ts|Time|Timestamp|Stamp|Date)(?:Us|Ns|Micros|Nanos|UnixNano|UnixNanos)?$|(?:^|_)(?:at|ts|time|timestamp|stamp|date)(?:_(?:us|ns|micros|nanos|unix_nano))?$|^(?:time|ts|timestamp)(?:Us|Ns|Micros|Nanos|UnixNano|UnixNanos)?$/;

/** Whether a JSON path's leaf is named for a time (see TIME_NAME). */
export function timeNamed(path: string): boolean {
  const leaf = lastName(path);
  return leaf !== undefined && TIME_NAME.test(leaf);
}

function epochMs(value: unknown, nowMs: number, fine = false): number | null {
  if (typeof value !== 'number' && !(typeof value === 'string' && /^\d{10}(?:\d{3}|\d{6}|\d{9}|\.\d{1,9})?$/.test(value))) return null;
  const n = Number(value);
  const near = (ms: number): boolean => ms >= nowMs - EPOCH_PAST_MS && ms <= nowMs + EPOCH_FUTURE_MS;
  if (near(n * 1000)) return n * 1000;
  if (near(n)) return n;
  if (!fine) return null;
  // Microseconds (Python's time_ns()//1000, PostgreSQL), nanoseconds (Go's UnixNano, protobuf).
  for (const toMs of [1e-3, 1e-6]) if (near(n * toMs)) return n * toMs;
  return null;
}

/** ISO 8601's basic form (`20261206T211501Z`), as AWS signs its requests and URLs with; XML-RPC's `dateTime.iso8601` keeps the time's colons (`20261207T09:54:31`). */
const ISO_BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(\.\d{1,9})?(Z|[+-]\d{4})?$/;
/** A compact stamp in a file name (`orders-20261206-232529.csv`, `20261206232529`): a time only near the comparison. */
const COMPACT = /^(\d{4})(\d{2})(\d{2})[-_]?(\d{2})(\d{2})(\d{2})$/;

function compactMs(value: string, nowMs: number): number | null {
  const m = COMPACT.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec] = m;
  const ms = parseInstant(`${y}-${mo}-${d}T${h}:${mi}:${sec}Z`)?.ms ?? null;
  // Its zone is not written: the local time of either side, so up to a day off either way.
  return ms !== null && ms >= nowMs - EPOCH_PAST_MS && ms <= nowMs + EPOCH_FUTURE_MS ? ms : null;
}

function instantMs(value: unknown, nowMs: number, fine = false): number | null {
  const epoch = epochMs(value, nowMs, fine);
  if (epoch !== null) return epoch;
  const basic = typeof value === 'string' ? ISO_BASIC.exec(value) : null;
  if (basic) {
    const [, y, mo, d, h, mi, sec, frac, zone] = basic;
    return parseInstant(`${y}-${mo}-${d}T${h}:${mi}:${sec}${frac ?? ''}${zone ?? 'Z'}`)?.ms ?? null;
  }
  if (typeof value === 'string' && value.length <= 15) {
    const compact = compactMs(value, nowMs);
    if (compact !== null) return compact;
  }
  if (typeof value !== 'string' || !/\d:\d{2}|\d{4}-\d{2}-\d{2}|\d{4}[年년]/.test(value)) return null;
  return parseInstant(value)?.ms ?? null;
}

// A clock time alone (`21:56:30`, in a page's text): the time of day in some zone, a time only
// when it is near the comparison's in some zone (zones are whole quarter hours from UTC), on a 24 or
// a 12 hour clock. A duration (`01:02:03`) is seldom that near.
const TIME_OF_DAY = /^(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;
const DAY_S = 86_400;
const NEAR_NOW_S = 90;

function clockSeconds(v: string): number | null {
  const m = TIME_OF_DAY.exec(v);
  if (!m) return null;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return h < 24 && mi < 60 && s < 60 ? h * 3600 + mi * 60 + s + Number(`0.${m[4] ?? '0'}`) : null;
}

/** Seconds between `a` and the nearest of `b` plus whole `step`s. */
function apart(a: number, b: number, step: number): number {
  const r = (((a - b) % step) + step) % step;
  return Math.min(r, step - r);
}

// The same to the minute, as a device's or a dashboard's status shows its clock (Shelly's `sys.time`,
// `17:54`): two hour digits, so a track's or a timer's `3:45` is not one; read as the minute's start.
const MINUTE_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minuteSeconds(v: string): number | null {
  const m = MINUTE_OF_DAY.exec(v);
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 : null;
}

function timeOfDayFact(a: unknown, b: unknown, nowMs: number): GeneratedFact | null {
  if (typeof a !== 'string' || typeof b !== 'string') return null;
  const minutes = MINUTE_OF_DAY.test(a) && MINUTE_OF_DAY.test(b);
  const x = minutes ? minuteSeconds(a) : clockSeconds(a);
  const y = minutes ? minuteSeconds(b) : clockSeconds(b);
  if (x === null || y === null) return null;
  const now = (nowMs / 1000) % DAY_S;
  const half = x < 13 * 3600 && y < 13 * 3600 ? DAY_S / 2 : DAY_S; // `9:56:30` may be PM
  const near = (t: number): boolean => apart(t, now, 900) <= NEAR_NOW_S + (minutes ? 60 : 0); // a minute's start: up to 60 s before its time
  if (!near(x) || !near(y)) return null;
  return { kind: 'timestamp', deltaMs: apart(x, y, half) * 1000 };
}

function timestampFact(a: unknown, b: unknown, nowMs: number, fine = false): GeneratedFact | null {
  const clock = timeOfDayFact(a, b, nowMs);
  if (clock) return clock;
  if (typeof a === 'string' && typeof b === 'string' && a.length === 8 && b.length === 8) {
    // Epoch seconds in hex (an X-Ray trace id's): both, in one case.
    const x = hexEpochMs(a, nowMs);
    const y = hexEpochMs(b, nowMs);
    if (x !== null && y !== null && (a === a.toLowerCase()) === (b === b.toLowerCase())) return { kind: 'timestamp', deltaMs: Math.abs(x - y) };
  }
  if (formatShape(a) !== formatShape(b)) return null; // ISO vs epoch is a client-visible difference
  const x = instantMs(a, nowMs, fine);
  const y = instantMs(b, nowMs, fine);
  return x === null || y === null ? null : { kind: 'timestamp', deltaMs: Math.abs(x - y) };
}

function decodePart(part: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A JWT's shape whose header decodes to an object naming its algorithm (RFC 7515 §4.1.1). */
const isJwt = (v: string): boolean => typeof decodePart(v.split('.')[0]!)?.alg === 'string';

function jwtFact(a: string, b: string, nowMs: number): GeneratedFact | null {
  const [ha, pa] = a.split('.');
  const [hb, pb] = b.split('.');
  const headerA = decodePart(ha!);
  const headerB = decodePart(hb!);
  const claimsA = decodePart(pa!);
  const claimsB = decodePart(pb!);
  if (!headerA || !headerB || !claimsA || !claimsB) return null;
  if (headerA.alg !== headerB.alg) return null;
  let delta = 0;
  for (const key of new Set([...Object.keys(claimsA), ...Object.keys(claimsB)])) {
    if (PER_TOKEN_CLAIMS.has(key)) continue;
    const x = claimsA[key];
    const y = claimsB[key];
    if (TIME_CLAIMS.has(key) && typeof x === 'number' && typeof y === 'number') delta = Math.max(delta, Math.abs(x - y) * 1000);
    else if (JSON.stringify(x) !== JSON.stringify(y)) {
      // A claim each token mints for itself under a name of its issuer's (Cognito's `origin_jti` and
      // `event_id`, uuids); a different subject or role is a real difference.
      const minted = generatedFact(x, y, nowMs, false);
      if (minted === null) return null;
      if (minted.deltaMs !== null) delta = Math.max(delta, minted.deltaMs);
    }
  }
  return { kind: 'jwt', deltaMs: delta };
}

/**
 * Whether two differing values are generated values of the same kind (signatures of JWTs are never
 * compared; their claims must agree except the time claims, whose distance is `deltaMs`). Null when
 * they are not, or when their formats differ. `nowMs`: when the two were compared (epoch numbers are
 * times only near it); `inside`: also look for such values inside longer strings.
 */
/** `fine`: epochs in µs and ns count too (a field named for a time: timeNamed). */
export function generatedFact(primary: unknown, shadow: unknown, nowMs: number, inside = true, fine = false): GeneratedFact | null {
  if (typeof primary === 'string' && typeof shadow === 'string') {
    const ua = UUID.exec(primary);
    const ub = UUID.exec(shadow);
    if (ua && ub) return ua[1]!.toLowerCase() === ub[1]!.toLowerCase() ? { kind: 'uuid', deltaMs: null } : null;
    if (JWT.test(primary) && JWT.test(shadow)) {
      const jwt = jwtFact(primary, shadow, nowMs);
      if (jwt) return jwt;
    }
    if (ULID.test(primary) && ULID.test(shadow) && /[A-Z]/i.test(primary + shadow)) return { kind: 'ulid', deltaMs: null };
    if (OBJECT_ID.test(primary) && OBJECT_ID.test(shadow)) return { kind: 'objectid', deltaMs: null };
    const encoded = encodedFact(primary, shadow, nowMs) ?? encodedTextFact(primary, shadow, nowMs);
    if (encoded) return encoded;
    const signed = signedUrlFact(primary, shadow, nowMs);
    if (signed) return signed;
    const asset = assetFact(primary, shadow);
    if (asset) return asset;
    const build = buildFact(primary, shadow);
    if (build) return build;
    const pod = podNameFact(primary, shadow);
    if (pod) return pod;
    const peer = clientAddressFact(primary, shadow);
    if (peer) return peer;
  }
  if ((typeof primary === 'string' || typeof primary === 'number') && (typeof shadow === 'string' || typeof shadow === 'number')) {
    const whole = timestampFact(primary, shadow, nowMs, fine);
    if (whole !== null || !inside || typeof primary !== 'string' || typeof shadow !== 'string') return whole;
    return embeddedFact(primary, shadow, nowMs) ?? relativeTimeFact(primary, shadow);
  }
  return null;
}

// A pagination cursor or a state token: JSON encoded in base64 (`eyJhZnRlciI6MjAsInNuYXBzaG90Ijo…`).
// `{` encodes to a leading `e`, `[` to a leading `W`: other long words are not decoded at all.
const BASE64 = /^(?:[eW][A-Za-z0-9_-]{15,}|[eW][A-Za-z0-9+/]{15,}={0,2})$/;
// The same signed: the encoded JSON, then `.` or `--` and a signature (itsdangerous, Rails'
// MessageVerifier, an HMAC-signed cursor). The payload is compared; the signature follows it.
const SIGNED = /^([eW][A-Za-z0-9_-]{15,}={0,2}|[eW][A-Za-z0-9+/]{15,}={0,2})(?:\.|--)[A-Za-z0-9_+/=.-]{8,}$/;

/** The encoded JSON of a value, signed or not; null when it is neither. */
function encodedPart(s: string): string | null {
  if (BASE64.test(s)) return s;
  return SIGNED.exec(s)?.[1] ?? null;
}

function decodedJson(s: string): object | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(s, 'base64').toString('utf8'));
    return v !== null && typeof v === 'object' ? v : null;
  } catch {
    return null;
  }
}

/**
 * Two base64-encoded JSON values whose every difference is a generated value (a cursor stamped with
 * its snapshot time): the first such kind, the largest time distance. Null when one decoded value
 * differs otherwise (a cursor off by one), or when they are not encoded JSON.
 */
function encodedFact(a: string, b: string, nowMs: number): GeneratedFact | null {
  if (a.length > 4096 || b.length > 4096) return null;
  const pa = encodedPart(a);
  const pb = encodedPart(b);
  if (pa === null || pb === null || (pa === a) !== (pb === b)) return null; // signed against not signed: another format
  const x = decodedJson(pa);
  const y = decodedJson(pb);
  if (x === null || y === null) return null;
  let delta: number | null = null;
  let differs = false;
  const alike = (p: unknown, q: unknown): boolean => {
    if (p === q) return true;
    if (p !== null && q !== null && typeof p === 'object' && typeof q === 'object') {
      if (Array.isArray(p) !== Array.isArray(q)) return false;
      const keys = new Set([...Object.keys(p), ...Object.keys(q)]);
      for (const k of keys) {
        if (!(k in p) || !(k in q)) return false;
        const [u, v] = [(p as Record<string, unknown>)[k], (q as Record<string, unknown>)[k]];
        // A store's position inside the token (Kubernetes' `continue`: `{"rv": 48213377, "start": …}`).
        if (u !== v && (k === 'rv' || STORE_POSITION.test(k)) && Number.isInteger(u) && Number.isInteger(v)) { differs = true; continue; }
        if (!alike(u, v)) return false;
      }
      return true;
    }
    const f = generatedFact(p, q, nowMs);
    if (f === null) return false;
    differs = true;
    if (f.deltaMs !== null) delta = Math.max(delta ?? 0, f.deltaMs);
    return true;
  };
  if (!alike(x, y)) return null;
  // Signed with equal payloads: only the signature differs, each side's own key (an HMAC-signed
  // cursor); unless what follows the payload holds encoded JSON of its own (a JWT's claims).
  const signatureOnly = !differs && pa !== a && !carriesJson(a.slice(pa.length)) && !carriesJson(b.slice(pb.length));
  return differs || signatureOnly ? { kind: 'encoded', deltaMs: delta } : null;
}

// A cursor of plain text in base64, as many hand-rolled APIs mint one (`MTc2NTA1NTcwMTEyMzoxMDE5` for
// `1765055701123:1019`: a snapshot time and the last id): decoded, the same text but for generated
// values is `encoded`, as base64 JSON is; one off by one inside is not. Only a value that is base64
// through and through and decodes to printable text with a digit and a separator (a random token of
// base64 decodes to bytes that are not).
const BASE64_TEXT = /^(?:(?:[A-Za-z0-9+/]{4}){3,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?|[A-Za-z0-9_-]{16,})$/;

function decodedText(s: string): string | null {
  const url = /[-_]/.test(s);
  const text = Buffer.from(s, url ? 'base64url' : 'base64').toString('latin1');
  if (!/^[\x20-\x7e]+$/.test(text) || !/\d/.test(text) || !/[^A-Za-z0-9]/.test(text)) return null;
  // The text encodes back to the same characters: base64 was what it was written in.
  return Buffer.from(text, 'latin1').toString(url ? 'base64url' : 'base64').replace(/=+$/, '') === s.replace(/=+$/, '') ? text : null;
}

function encodedTextFact(a: string, b: string, nowMs: number): GeneratedFact | null {
  if (a.length > 1024 || b.length > 1024 || !BASE64_TEXT.test(a) || !BASE64_TEXT.test(b)) return null;
  const x = decodedText(a);
  const y = decodedText(b);
  if (x === null || y === null) return null;
  const inner = generatedFact(x, y, nowMs);
  return inner === null ? null : { kind: 'encoded', deltaMs: inner.deltaMs };
}

// A signed URL (S3's SigV4 presigned, Google's V4 and V2, CloudFront's, Azure's SAS): its signature
// and the key, account or session it was signed with are each side's own credentials, not the link.
const SIGNATURE_PARAM = /^(?:x-amz-signature|x-goog-signature|signature|sig)$/i;
const SIGNER_PARAM = /^(?:x-amz-signature|x-goog-signature|signature|sig|x-amz-credential|x-goog-credential|googleaccessid|key-pair-id|keyname|x-amz-security-token|skoid|sktid|skt|ske|sks|skv)$/i;

/** CloudFront's URL-safe base64 (`-` for `+`, `_` for `=`, `~` for `/`) as base64. */
const cloudFrontBase64 = (v: string): string => v.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/');

/**
 * Two signed URLs to one object: the same origin, path and parameters, but for the signature and
 * the credential each side signs with (`X-Amz-Credential=AKIA…`, `X-Goog-Credential=<account>`,
 * CloudFront's `Key-Pair-Id`, a session token one side's temporary credentials add) and times each side stamps (`X-Amz-Date`, `Expires`, the epoch in a
 * CloudFront `Policy`): `token`, at the largest time distance. Another object, another parameter
 * (`response-content-disposition`, a validity `X-Amz-Expires`), or a policy for another resource
 * stays a difference; a URL with no signature is not one.
 */
function signedUrlFact(a: string, b: string, nowMs: number): GeneratedFact | null {
  if (a.length > 8192 || b.length > 8192 || !/^https?:\/\//i.test(a) || !/^https?:\/\//i.test(b)) return null;
  let x: URL;
  let y: URL;
  try {
    x = new URL(a);
    y = new URL(b);
  } catch {
    return null;
  }
  if (x.origin !== y.origin || x.pathname !== y.pathname || x.hash !== y.hash) return null;
  if (![...x.searchParams.keys()].some((k) => SIGNATURE_PARAM.test(k)) || ![...y.searchParams.keys()].some((k) => SIGNATURE_PARAM.test(k))) return null;
  // The signer's parameters set aside, on either side alone too: temporary credentials add a session token.
  const px = [...x.searchParams].filter(([k]) => !SIGNER_PARAM.test(k));
  const py = [...y.searchParams].filter(([k]) => !SIGNER_PARAM.test(k));
  if (px.length !== py.length) return null;
  let delta: number | null = null;
  for (let i = 0; i < px.length; i++) {
    const [k, u] = px[i]!;
    const [l, v] = py[i]!;
    if (k !== l) return null;
    if (u === v) continue;
    const f = k === 'Policy' ? encodedFact(cloudFrontBase64(u), cloudFrontBase64(v), nowMs) : generatedFact(u, v, nowMs, false);
    if (f === null) return null;
    if (f.deltaMs !== null) delta = Math.max(delta ?? 0, f.deltaMs);
  }
  return a !== b ? { kind: 'token', deltaMs: delta } : null;
}

/** Whether a signed value's tail has a part that is encoded JSON (`.eyJzdWIi…`). */
function carriesJson(tail: string): boolean {
  return tail.split(/\.|--/).some((part) => BASE64.test(part) && decodedJson(part) !== null);
}

// A version's build: SemVer's build metadata (`4.2.3+glitch-ca0cc72`, which SemVer §10 says a
// version's precedence ignores) or `git describe`'s commits since the tag and the commit
// (`v2.14.1-17-g1b7f5c0`), or a commit after a dash (a health check's `releaseId`, `2.14.1-e63ab82`). A version of its own (`2.14.1` against `2.14.2`, `-rc.1`) stays a difference.
const VERSION_BUILD = /(?:\+[0-9A-Za-z.-]+|-\d+-g[0-9a-f]{7,40}(?:-dirty)?|-g?(?=[a-f]*\d)[0-9a-f]{7,40})$/;
const VERSION_CORE = /^v?\d+\.\d+(?:\.\d+)*(?:-[0-9A-Za-z.-]+)?$/;

// A Kubernetes Deployment's pod name, `<deployment>-<pod-template-hash>-<suffix>`: both parts minted
// from the alphabet Kubernetes' SafeEncodeString uses (no vowels, no 0, 1 or 3, so no word reads as
// one), with a digit among them. A worker's identity (`1@orders-worker-6d4b9c7f8-x2kqp@`), a queue
// consumer's name, Envoy's node id: the process answering, named by the platform it runs on.
const POD_NAME = /(?<![A-Za-z0-9-])([a-z0-9](?:[a-z0-9-]{0,200}[a-z0-9])?-([bcdfghjklmnpqrstvwxz2456789]{6,10}))-([bcdfghjklmnpqrstvwxz2456789]{5})(?![A-Za-z0-9-])/g;
/** A host's or a process's name as the other side writes it: one word, with a digit and a separator (`legacy-app-03`, `28113@web-2`). */
const HOST_LIKE = /^(?=[^]*\d)(?=[^]*[-.@:~])[A-Za-z0-9][A-Za-z0-9._:@~/-]{1,252}$/;

/** The hash and suffix a pod name ends with: looked for first, as POD_NAME's long name part backtracks over every value. */
const POD_TAIL = /-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}(?![A-Za-z0-9-])/;

/** The Deployments (`<name>-<hash>`) of the pod names in a value. */
function podDeployments(v: string): string[] {
  if (!POD_TAIL.test(v)) return [];
  const out: string[] = [];
  for (const m of v.matchAll(POD_NAME)) if (/\d/.test(`${m[2]}${m[3]}`)) out.push(m[1]!);
  return out;
}

/**
 * Two names of the answering process where one (or each) holds a pod name of its own Deployment
 * (`exporter-7b9f6c5d4-q2xkd` against `resque@legacy-app-03:28113`): each side is its own process,
 * `instance`. Both one word and host-like (a sentence, a status word, a bare number is no name); a
 * pod of the same Deployment on both sides (two replicas, or a code that merely looks like one) stays a difference.
 */
function podNameFact(a: string, b: string): GeneratedFact | null {
  if (a.length > 253 || b.length > 253 || !HOST_LIKE.test(a) || !HOST_LIKE.test(b)) return null;
  const x = podDeployments(a);
  const y = podDeployments(b);
  if (x.length === 0 && y.length === 0) return null;
  return x.some((d) => y.includes(d)) ? null : { kind: 'instance', deltaMs: null };
}

// A connection's own end, `<private address>:<ephemeral port>` (Redis' CLIENT LIST `addr`, a
// queue's worker list, RabbitMQ's peer): the socket each side's process opened, from its own host.
// Ports from 32768 (Linux's ephemeral range; Windows' starts at 49152): a service's port is lower.
const PEER = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}):(\d{1,5})$/;

/** A private IPv4 address (RFC 1918, loopback, or the shared CGNAT range Kubernetes pods often get). */
function privateV4(o: readonly number[]): boolean {
  const [a, b] = o as [number, number];
  return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
}

function peerOf(v: string): { readonly host: string; readonly port: number } | null {
  const m = PEER.exec(v);
  if (!m) return null;
  const o = m.slice(1, 5).map(Number);
  const port = Number(m[5]);
  return o.every((n) => n <= 255) && privateV4(o) && port >= 32768 && port <= 65535 ? { host: o.join('.'), port } : null;
}

/** Two connection ends of private hosts at ephemeral ports: each side's own socket, `instance`. */
function clientAddressFact(a: string, b: string): GeneratedFact | null {
  return peerOf(a) !== null && peerOf(b) !== null ? { kind: 'instance', deltaMs: null } : null;
}

/** Two versions alike but for the build each side runs: `instance`. */
function buildFact(a: string, b: string): GeneratedFact | null {
  if (a.length > 128 || b.length > 128) return null;
  const x = a.replace(VERSION_BUILD, '');
  const y = b.replace(VERSION_BUILD, '');
  return (x !== a || y !== b) && x === y && VERSION_CORE.test(x) ? { kind: 'instance', deltaMs: null } : null;
}

// A field that names or times the process answering (a health check's uptime, pid, hostname, start
// time, the build it runs): each side is its own process and its own build, so such values differ
// by nature, not by a bug.
const INSTANCE_NAME = /^(?:instance|uptime|uptime_?(?:s|ms|sec|secs|seconds|millis)|uptime(?:S|Ms|Sec|Secs|Seconds|Millis)|process_?uptime|processUptime|pid|process_?id|processId|hostname|host_?name|hostName|instance_?id|instanceId|pod_?name|podName|node_?name|nodeName|container_?id|containerId|served_?by|servedBy|started_?at|startedAt|start_?time|startTime|boot_?time|bootTime|build|build_?(?:id|sha|hash|number)|build(?:Id|Sha|Hash|Number)|commit|commit_?(?:id|sha|hash)|commit(?:Id|Sha|Hash)|git_?(?:sha|commit|hash|rev)|git(?:Sha|Commit|Hash|Rev)|cluster_?(?:id|uuid)|cluster(?:Id|Uuid))$/;
// The same names spelt in words of any case and separator (`ServerUptimeSeconds`, PHP-FPM's `start
// since`, `RestartTime`), with a `server`/`process` word before them.
const INSTANCE_WORDS = /^(?:(?:server|process|node|jvm|app|service)_)?(?:instance(?:_id)?|uptime(?:_(?:in_)?(?:s|ms|sec|secs|seconds|millis|days|human|formatted|current_epoch|all_epochs))?|pid|process_id|host_?name|host_ip|pod_name|node_name|container_id|served_by|started(?:_(?:at|on))?|up_since|running_since|booted(?:_at)?|start_time|start_since|restart_time|boot_time|start_time_unix_nano|built_at|(?:webpack_)?compilation_hash|(?:last_)?build(?:_(?:id|sha|hash|number|date|time|timestamp|user|stamp))?|buildstamp|jvm_name|release_id|cluster_name|(?:pod|node)_ip|commit(?:_(?:id|sha|hash))?|git_(?:sha|commit|hash|rev)|cluster_(?:id|uuid))$/;

// (`uptime_*`: the process's uptime in a unit or a form, Redis' `uptime_in_seconds`, Envoy's
// `uptime_current_epoch` and `uptime_all_epochs`; not `uptime_percent`, a monitor's data.)
/** A name as lower-case words joined by `_`: `ServerUptimeSeconds` → `server_uptime_seconds`, `start since` → `start_since`. */
const wordsKey = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[\s._-]+/).filter((w) => w !== '').join('_');

/** Names already judged: an API has few, each judged at every differing value under it (bounded, cleared when full). */
const instanceNames = new Map<string, boolean>();

/** Whether a field's or a label's name is one of the answering process's own figures. */
function instanceNamed(name: string): boolean {
  let named = instanceNames.get(name);
  if (named === undefined) {
    named = INSTANCE_NAME.test(name) || (name.length <= 40 && INSTANCE_WORDS.test(wordsKey(name)));
    if (instanceNames.size >= 4096) instanceNames.clear();
    instanceNames.set(name, named);
  }
  return named;
}

// Objects whose every member is the answering process's own figure (Go's expvar `memstats`, a
// Node `memoryUsage()`), and the name a health check gives its uptime check (`checks.uptime[0].observedValue`).
const INSTANCE_CONTAINER = /^(?:memstats|mem_?stats|memStats|memory_?usage|memoryUsage|resource_?usage|resourceUsage|cpu_?usage|cpuUsage|uptime)$/;

/** The names on a JSON path from its leaf up (`$.checks.uptime[0].observedValue` → observedValue, uptime, checks). */
function namesUp(path: string): string[] {
  return path.split(/[.[\]]+/).filter((n) => n !== '' && n !== '$' && !/^\d+$/.test(n) && !n.startsWith('"')).reverse();
}

/** A path that may run through an object of the process's own figures (a cheap look before namesUp). */
const CONTAINER_HINT = /mem_?stats|memStats|memory_?usage|memoryUsage|resource_?usage|resourceUsage|cpu_?usage|cpuUsage|uptime/;

/**
 * Two links (or a page's lines) alike but for the digests each side's build gives its assets
 * (`/assets/application-3f2a….css`, tokens.ts ASSET_DIGEST) and the names it scopes its styles with
 * (`_ngcontent-ng-c2970624912`, SCOPED_STYLE): the build a side runs, `instance`.
 */
function assetFact(a: string, b: string): GeneratedFact | null {
  if (a.length > 2048 || b.length > 2048) return null;
  const x = maskedAssets(a);
  const y = maskedAssets(b);
  if (x !== a && x === y) return { kind: 'instance', deltaMs: null };
  if (x === a && y === b) return null;
  // One side's name holds a digest by ASSET_DIGEST's rule: the other's eight characters at that place
  // are one too, spelt without a digit or three capitals as one Vite digest in eleven is (`lazy-fEsufEdk.js`).
  const loose = (v: string): string => v.replace(EIGHT_CHAR_NAME, '\u0000');
  return loose(x) === loose(y) ? { kind: 'instance', deltaMs: null } : null;
}

/** Eight base64url characters a build names a script or a style sheet with (`-fEsufEdk.js`). */
const EIGHT_CHAR_NAME = /(?<=[-.])[A-Za-z0-9_-]{8}(?=\.(?:js|mjs|css)(?![0-9A-Za-z]))/g;

/** Subresource Integrity's digests (`integrity="sha384-…"`, several allowed). */
const INTEGRITY = /(?<=\bintegrity=["']?)sha(?:256|384|512)-[A-Za-z0-9+/=_-]+(?:\s+sha(?:256|384|512)-[A-Za-z0-9+/=_-]+)*/g;

/**
 * The value with its asset digests set aside, and in a tag that names such an asset its SRI digest
 * too: the digest of the same build file. An `integrity` on a URL that did not change (a CDN's
 * file) is left as it is, so a file changed under it stays a difference.
 */
function maskedAssets(v: string): string {
  const masked = maskAssets(v, '\u0000');
  if (masked === v || !masked.includes('integrity=')) return masked;
  return masked.split('<').map((tag) => (tag.includes('\u0000') ? tag.replace(INTEGRITY, '\u0000') : tag)).join('<');
}

/** Whether a JSON path names a value of the answering process: its own name, or an object of such figures above it. */
function namesInstance(path: string): boolean {
  const leaf = lastName(path);
  if (leaf !== undefined && instanceNamed(leaf)) return true;
  // Spring Boot's `/actuator/info` (and the like): a top-level `git` object is the commit the
  // process runs (`git.commit.id`, `git.commit.time`, `git.branch`), `build.time` when it was built.
  if (path.startsWith('$.git.') || /^\$\.build\.(?:time|timestamp|date)$/.test(path)) return true;
  if (!CONTAINER_HINT.test(path)) return false;
  const names = namesUp(path);
  if (names.length > 0 && instanceNamed(names[0]!)) return true;
  return names.slice(1, 4).some((n) => INSTANCE_CONTAINER.test(n));
}

/**
 * Two scalar values of one type at a field named for the answering process (`uptime`, `pid`,
 * `hostname`, `startedAt`, `build`) or inside an object of its figures (`memstats`): each side's
 * own. `path`: the JSON path (`$.status.uptime`) or the field's name alone. Null for any other field.
 */
export function instanceFact(path: string | undefined, primary: unknown, shadow: unknown): GeneratedFact | null {
  if (typeof path !== 'string' || primary === shadow) return null;
  if (commitNamed(path, primary, shadow)) return { kind: 'instance', deltaMs: null };
  if (!(path.startsWith('$') ? namesInstance(path) : instanceNamed(path))) return null;
  const scalar = (v: unknown): boolean => typeof v === 'string' || typeof v === 'number';
  return scalar(primary) && typeof primary === typeof shadow ? { kind: 'instance', deltaMs: null } : null;
}

// Cookies a load balancer or an edge in front of one side sets to pin a client to a server or to
// tell bots apart (F5 BIG-IP's `BIGipServer<pool>` and ASM's `TS<hex>`, HAProxy's `SERVERID`, AWS's
// `AWSALB*`/`AWSELB*`, Azure's `ARRAffinity`, Google's `GCLB`, ingress-nginx's `INGRESSCOOKIE`,
// Apache's `ROUTEID`, Citrix's `NSC_*`, Cloudflare's `__cf_bm`/`__cfruid`/`_cfuvid`): the
// infrastructure a side runs behind, not the application's answer.
const AFFINITY_COOKIE = /^(?:BIGipServer.+|TS[0-9a-f]{6,8}|SERVERID|AWSALB(?:CORS|TG|TGCORS)?|AWSELB(?:CORS)?|ARRAffinity(?:SameSite)?|GCLB|INGRESSCOOKIE|ROUTEID|NSC_.+|__cf_bm|__cfruid|_cfuvid)$/;

/** A cookie set by what a side runs behind (AFFINITY_COOKIE), changed, or set by one side only: `instance`. */
export function affinityCookieFact(name: string): GeneratedFact | null {
  return AFFINITY_COOKIE.test(name) ? { kind: 'instance', deltaMs: null } : null;
}

// The commit a process was built from, under a name that says so only with a commit's hash as its
// value: GitLab's `/version` `revision`, Prometheus' `buildinfo` `revision`, Jira's `scmInfo`. A
// `revision` that is a number is a document's, and judged as any value.
const COMMIT_NAME = /^(?:revision|git_?revision|gitRevision|scm_?info|scmInfo|scm_?revision|scmRevision|vcs_?ref|vcsRef|vcs_?revision|source_?version|sourceVersion)$/;
const COMMIT_HASH = /^(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{7,40}$/;

// Sentry's `release` (`shop-web@e63ab82d…`, or the commit alone): the build each side runs, under one
// project name; a version (`shop-web@2.14.1`) is not a commit and stays a value.
const RELEASE_NAME = /^(?:release|sentry_?release|sentryRelease)$/;
const PROJECT_AT = /^[^@\s]{1,100}@/;

function commitNamed(path: string, primary: unknown, shadow: unknown): boolean {
  const name = path.startsWith('$') ? lastName(path) : path;
  if (name === undefined || typeof primary !== 'string' || typeof shadow !== 'string') return false;
  if (COMMIT_NAME.test(name)) return COMMIT_HASH.test(primary) && COMMIT_HASH.test(shadow);
  if (!RELEASE_NAME.test(name)) return false;
  const project = PROJECT_AT.exec(primary)?.[0] ?? '';
  return shadow.startsWith(project) && COMMIT_HASH.test(primary.slice(project.length)) && COMMIT_HASH.test(shadow.slice(project.length));
}

/** A page's `label: value` line (`Server uptime: 3 days, 00:00:16`, `Build = 4.12.0`). */
const LABELLED = /^([A-Za-z][A-Za-z ._-]{0,40}?)\s*[:=]\s*(\S.{0,200})$/;

/**
 * Two lines of a page that give one label different values, where the label names a figure of the
 * answering process (its last word or two: `Server uptime`, `Host name`, `Started at`, `PID`): each
 * side's own, as the same name is in JSON (instanceFact). Status and admin pages print them so.
 */
export function labelledInstanceFact(primary: string, shadow: string): GeneratedFact | null {
  const a = LABELLED.exec(primary.trim());
  const b = LABELLED.exec(shadow.trim());
  if (!a || !b || a[1] !== b[1] || a[2] === b[2]) return null;
  const words = wordsKey(a[1]!).split('_');
  const last = words[words.length - 1] ?? '';
  return instanceNamed(last) || instanceNamed(words.slice(-2).join('_')) || instanceNamed(words.slice(-3).join('_')) ? { kind: 'instance', deltaMs: null } : null;
}

// The software a side runs, named where a format or a host says so. iCalendar's and vCard's `PRODID`
// is "the identifier for the product that created the object" (RFC 5545 §3.7.3, RFC 6350 §6.7.3):
// `-//IDN nextcloud.com//Calendar app 4.6.4//EN` on one side, `… 4.6.5//EN` (or another product) on
// the other, each naming a version. A host's `KernelVersion` (Docker's `/info` and `/version`), read as
// a version, at a field of the answer itself: an inventory lists its hosts in an array, and their
// kernels are its data. A field named for a version that differs only in the commit its build came
// from (Envoy's `ee7b85e…/1.28.0/Clean/RELEASE/BoringSSL`), the version itself the same. A version of
// another number, a product id without one, a value one side lacks, stays a difference.
const PRODUCT_VERSION = /(?<![\w.])v?\d+\.\d+(?:\.\d+)*(?![\w.])/;
const KERNEL_VERSION = /^\d+\.\d+(?:\.\d+)*(?:[-+.~][0-9A-Za-z.+~-]{0,60})?$/;
const COMMIT_WORD = /(?<![0-9A-Za-z])(?=[0-9a-f]{0,39}[a-f])(?=[0-9a-f]{0,39}\d)[0-9a-f]{7,40}(?![0-9A-Za-z])/g;
const RELEASE_VERSION = /(?<![\w.])\d+\.\d+\.\d+(?![\w.])/;
/** A cheap look before wordsKey: differing leaves are many, such names few. */
const SOFTWARE_NAME_HINT = /prodid|version/i;

/** Two product ids (PRODID) that each name a version: each side's own software, `instance`. */
function productIdFact(a: string, b: string): GeneratedFact | null {
  return a.length <= 300 && b.length <= 300 && PRODUCT_VERSION.test(a) && PRODUCT_VERSION.test(b) ? { kind: 'instance', deltaMs: null } : null;
}

/** A page's `PRODID:` line (iCalendar, vCard), differing: see productIdFact. */
export function productIdLineFact(primary: string, shadow: string): GeneratedFact | null {
  const a = LABELLED.exec(primary.trim());
  const b = LABELLED.exec(shadow.trim());
  if (!a || !b || a[1] !== b[1] || a[1]!.toUpperCase() !== 'PRODID') return null;
  return productIdFact(a[2]!, b[2]!);
}

/**
 * The software a side runs at a JSON field or an element named for it: a `prodid`, a `KernelVersion`
 * of the answer itself (no array step on its path), a version alike but for its build's commit.
 */
export function softwareFact(path: string | undefined, primary: unknown, shadow: unknown): GeneratedFact | null {
  if (typeof path !== 'string' || typeof primary !== 'string' || typeof shadow !== 'string' || primary === shadow || !SOFTWARE_NAME_HINT.test(path)) return null;
  const name = path.startsWith('$') ? lastName(path) : path;
  if (name === undefined || name.length > 40 || !SOFTWARE_NAME_HINT.test(name)) return null;
  const key = wordsKey(name);
  if (key === 'prodid') return productIdFact(primary, shadow);
  if (key === 'kernel_version') {
    return !path.includes('[') && KERNEL_VERSION.test(primary) && KERNEL_VERSION.test(shadow) ? { kind: 'instance', deltaMs: null } : null;
  }
  if (!key.endsWith('version') || primary.length > 200 || shadow.length > 200) return null;
  const x = primary.replace(COMMIT_WORD, '\u0000');
  return x !== primary && x === shadow.replace(COMMIT_WORD, '\u0000') && RELEASE_VERSION.test(x) ? { kind: 'instance', deltaMs: null } : null;
}

// A field named for a secret a side mints (an OAuth `access_token` or `refresh_token`, a session id,
// a CSRF token, a nonce, a signature): each side signs or draws its own. Compared by shape: two
// random-looking strings of one alphabet and about one length. An empty, short or other-shaped value
// is a real difference, and so is a JWT whose claims differ (jwt kind, decided first).
const TOKEN_NAME = /(?:^|[_-])(?:access|refresh|id|session|csrf|xsrf|auth|bearer)?_?token$|(?:access|refresh|id|session|csrf|xsrf|auth|connection)Token$|^token$|(?:^|[_-])(?:session[_-]?id|sessionId|sid|nonce|signature|sig|secret|client_secret)$|(?:sessionId|Nonce|Signature|Secret)$|^_{0,2}(?:csrf|xsrf)(?:_?token|middlewaretoken)?$|RequestVerificationToken$|^_wpnonce$|^__(?:VIEWSTATE|EVENTVALIDATION|VIEWSTATEENCRYPTED|REQUESTDIGEST)$/;
const TOKEN_CHARS = /^[A-Za-z0-9+/=_.~-]+$/;
const alphabetOf = (v: string): string => (/^[0-9a-f]+$/.test(v) ? 'hex' : /^[0-9A-F]+$/.test(v) ? 'HEX' : 'base64');

/** Two tokens at a field named for a secret each side mints for itself (`access_token`, `sessionId`, `nonce`). */
export function tokenFact(path: string | undefined, primary: unknown, shadow: unknown): GeneratedFact | null {
  if (typeof path !== 'string' || typeof primary !== 'string' || typeof shadow !== 'string' || primary === shadow) return null;
  if (primary.length < 16 || shadow.length < 16 || !TOKEN_CHARS.test(primary) || !TOKEN_CHARS.test(shadow)) return null;
  const name = path.startsWith('$') ? lastName(path) : path;
  if (name === undefined || !TOKEN_NAME.test(name)) return null;
  // A JWT is judged by its claims; a token only shaped like one (itsdangerous' `payload.time.signature`:
  // Flask-WTF's csrf_token, Flask's session) has no header to read and is each side's own (probes16).
  if (JWT.test(primary) && JWT.test(shadow) && (isJwt(primary) || isJwt(shadow))) return null;
  if (Math.abs(primary.length - shadow.length) > Math.max(primary.length, shadow.length) / 4) return null;
  return alphabetOf(primary) === alphabetOf(shadow) ? { kind: 'token', deltaMs: null } : null;
}

// An entity tag (RFC 9110 §8.8.3): `"…"` or `W/"…"`, opaque to its client.
const ENTITY_TAG = /^(W\/)?"[\x21\x23-\x7e\x80-\xff]*"$/;

/**
 * Two answers' `ETag` headers, both well-formed entity tags: each side's validator of its own
 * representation (serve-static's size and mtime, nginx's mtime and length, a hash of its own
 * serialization), which a client only sends back to the side that made it; the body they stand for
 * is compared on its own. A tag that is not one (its quotes lost) stays a difference, and so does a
 * weak tag where the primary's was strong: a weak validator cannot resume a download (`If-Range`).
 * An ETag inside a body (an S3 listing's md5, a JSON `etag` field) is data, not this; WebDAV's
 * `getetag` is the header itself, listed (davEntityTagFact).
 */
export function entityTagFact(path: string, primary: unknown, shadow: unknown): GeneratedFact | null {
  return path === 'headers.etag' ? validatorsFact(primary, shadow) : null;
}

/**
 * A WebDAV multistatus' `getetag` (RFC 4918 §15.6): the ETag header its member answers with, which a
 * client sends back (`If-Match`, a CalDAV sync) to the store that made it, judged as that header is.
 * `element`: the XML element's local name.
 */
export function davEntityTagFact(element: string | undefined, primary: unknown, shadow: unknown): GeneratedFact | null {
  return element !== undefined && element.toLowerCase() === 'getetag' ? validatorsFact(primary, shadow) : null;
}

/**
 * A body value that is, on each side, that answer's own `ETag` header repeated (Unleash's
 * `meta.etag`, an API's `"etag"` beside the resource it validates): the header itself, judged as
 * entityTagFact judges it. An etag in a body that is not its own answer's header on both sides (an S3
 * listing's object md5, a child's tag) stays data. `primaryTag`/`shadowTag`: the two answers' ETag headers.
 */
export function ownEntityTagFact(primary: unknown, shadow: unknown, primaryTag: unknown, shadowTag: unknown): GeneratedFact | null {
  if (typeof primaryTag !== 'string' || typeof shadowTag !== 'string' || primary !== primaryTag.trim() || shadow !== shadowTag.trim()) return null;
  return validatorsFact(primary, shadow);
}

/** Two well-formed entity tags, the shadow's not weak where the primary's is strong: each side's own validator. */
function validatorsFact(primary: unknown, shadow: unknown): GeneratedFact | null {
  if (typeof primary !== 'string' || typeof shadow !== 'string' || primary === shadow) return null;
  const a = ENTITY_TAG.exec(primary.trim());
  const b = ENTITY_TAG.exec(shadow.trim());
  if (!a || !b || (!a[1] && b[1])) return null;
  return { kind: 'token', deltaMs: null };
}

/** A collection's change token: WebDAV sync's (RFC 6578), CalDAV's `getctag`, a Google API's `nextSyncToken`. */
const SYNC_NAME = /^(?:sync[-_]?token|(?:get)?ctag|next[-_]?sync[-_]?token|nextSyncToken|syncToken)$/i;

/**
 * Two change tokens of a collection alike but for their opaque runs and numbers
 * (`http://radicale.org/ns/sync/<sha1>`, `http://sabre.io/ns/sync/37`): each store mints its own
 * from its own history, so with the same data they still differ. `name`: the JSON leaf's or the
 * XML element's.
 */
export function syncTokenFact(name: string | undefined, primary: unknown, shadow: unknown): GeneratedFact | null {
  if (name === undefined || !SYNC_NAME.test(name) || typeof primary !== 'string' || typeof shadow !== 'string' || primary === shadow) return null;
  const shape = (v: string): string => templateOf(v).replace(/\d+/g, '#');
  return shape(primary) === shape(shadow) ? { kind: 'token', deltaMs: null } : null;
}

const INPUT_NAME = /\bname=(["'])([^"']+)\1/;
const INPUT_VALUE = /\bvalue=(["'])([^"']*)\1/;

/**
 * Two lines of a page that are one form field named for a secret, alike but for its value (Django's
 * `<input type="hidden" name="csrfmiddlewaretoken" value="…">`, Rails' `authenticity_token`,
 * ASP.NET's `__RequestVerificationToken`): each side's own token, as tokenFact judges a JSON field.
 */
export function formTokenFact(a: string, b: string): GeneratedFact | null {
  if (a.length > 2048 || b.length > 2048 || !a.includes('<input') || !b.includes('<input')) return null;
  const name = INPUT_NAME.exec(a)?.[2];
  const va = INPUT_VALUE.exec(a)?.[2];
  const vb = INPUT_VALUE.exec(b)?.[2];
  if (name === undefined || va === undefined || vb === undefined || name !== INPUT_NAME.exec(b)?.[2]) return null;
  if (a.replace(INPUT_VALUE, '') !== b.replace(INPUT_VALUE, '')) return null;
  return tokenFact(name, va, vb);
}

// A countdown each side computes from its own clock: a token's `expires_in`, a `ttl`, a
// `Retry-After`, a `Cache-Control` max-age counting down to the next update. Two such values a
// second or two apart are two clocks read a moment apart (a skewed clock turns the second over
// first), compared as times: their distance, in ms, against the route's tolerance.
const COUNTDOWN_NAME = /^(?:expires_?in|expiresIn|ttl|max_?age|maxAge|retry_?after|retryAfter|reset_?in|resetIn|seconds_?(?:left|remaining)|seconds(?:Left|Remaining)|remaining_?seconds|remainingSeconds|time_?left|timeLeft)$/;
const COUNTDOWN_MS_NAME = /^(?:expires_?in_?ms|expiresInMs|ttl_?ms|ttlMs|retry_?after_?ms|retryAfterMs)$/;
/**
 * Two clocks read a moment apart differ by a second or two, skew included; a count further apart is
 * not a clock's (a max-age jittered per answer, a TTL changed): judged as any value, by re-asking.
 */
const COUNTDOWN_MAX_MS = 5000;
/** The countdowns a header carries: Cache-Control's max-age and s-maxage, Retry-After's seconds. */
const HEADER_COUNTDOWN = /(?<=(?:^|[\s,])(?:max-age|s-maxage)=)\d+|^\d+$/gi;

/**
 * Two countdowns at a field named for one (`expires_in`, `ttl`, `retryAfter`; `…Ms` in ms), or in the
 * `cache-control` and `retry-after` headers with the rest of the value alike, at most COUNTDOWN_MAX_MS
 * apart: a generated time whose distance is how far the two counts are apart. Null for any other
 * field, values not counts, or counts further apart.
 */
export function countdownFact(path: string, primary: unknown, shadow: unknown): GeneratedFact | null {
  if (primary === shadow) return null;
  if (path === 'headers.cache-control' || path === 'headers.retry-after') {
    if (typeof primary !== 'string' || typeof shadow !== 'string') return null;
    const a = primary.match(HEADER_COUNTDOWN);
    const b = shadow.match(HEADER_COUNTDOWN);
    if (!a || !b || a.length !== b.length || primary.replace(HEADER_COUNTDOWN, '#') !== shadow.replace(HEADER_COUNTDOWN, '#')) return null;
    return countdown(Math.max(...a.map((x, i) => Math.abs(Number(x) - Number(b[i])))) * 1000);
  }
  if (path.startsWith('cookies.')) {
    // A cookie kept until a fixed moment (midnight, the end of a sale) counts its Max-Age down.
    if (typeof primary !== 'string' || typeof shadow !== 'string') return null;
    const a = COOKIE_MAX_AGE.exec(primary);
    const b = COOKIE_MAX_AGE.exec(shadow);
    if (!a || !b || primary.replace(COOKIE_MAX_AGE, '#') !== shadow.replace(COOKIE_MAX_AGE, '#')) return null;
    return countdown(Math.abs(Number(a[0]) - Number(b[0])) * 1000);
  }
  if (!path.startsWith('$') || !Number.isInteger(primary) || !Number.isInteger(shadow)) return null;
  const name = lastName(path);
  if (name === undefined) return null;
  const unit = COUNTDOWN_NAME.test(name) ? 1000 : COUNTDOWN_MS_NAME.test(name) ? 1 : 0;
  return unit === 0 ? null : countdown(Math.abs((primary as number) - (shadow as number)) * unit);
}

/** A Set-Cookie's Max-Age in its canonical form (compare/headers.ts cookiesByName: `; max-age=69057`). */
const COOKIE_MAX_AGE = /(?<=; max-age=)\d+/;

const countdown = (deltaMs: number): GeneratedFact | null => (deltaMs <= COUNTDOWN_MAX_MS ? { kind: 'timestamp', deltaMs } : null);

// A metrics page in Prometheus's text format (or OpenMetrics): every sample is the answering
// process's own count, so two samples of one series (same name, same labels) differ by nature.
// A renamed metric or label is a different series: judged as any other line.
const SAMPLE = /^([A-Za-z_:][A-Za-z0-9_:]*)(\{.*\})?[ \t]+([-+]?(?:\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|NaN|Inf))(?:[ \t]+-?\d+)?$/;

/** Whether a media type is a metrics page (`text/plain; version=0.0.4`, `application/openmetrics-text`). */
export function isMetricsPage(contentType: unknown): boolean {
  return typeof contentType === 'string' && (/version=0\.0\.4/.test(contentType) || /openmetrics-text/i.test(contentType));
}

/** Two lines of a metrics page that are samples of the same series: each side's own count. */
export function sampleFact(primary: unknown, shadow: unknown): GeneratedFact | null {
  if (typeof primary !== 'string' || typeof shadow !== 'string') return null;
  const a = SAMPLE.exec(primary);
  const b = SAMPLE.exec(shadow);
  return a && b && a[1] === b[1] && sameSeries(a[2] ?? '', b[2] ?? '') ? { kind: 'instance', deltaMs: null } : null;
}

// Labels that name the process or the machine a series comes from (OpenTelemetry's `target_info`
// host and instance, node_exporter's `node_uname_info` node name and kernel, a `*_build_info`'s
// version and revision): each side's own, so the series is the same one.
const INSTANCE_LABEL = /^(?:instance|instance_id|service_instance_id|host|hostname|host_name|host_id|nodename|node|node_name|pod|pod_name|container|container_id|release|version|revision|branch|goversion|go_version|kernel_version)$/;
const LABEL = /([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Two label sets of one series: equal, or with the same names, differing only at labels that name the process (INSTANCE_LABEL). */
function sameSeries(a: string, b: string): boolean {
  if (a === b) return true;
  const x = new Map([...a.matchAll(LABEL)].map((m) => [m[1]!, m[2]!]));
  const y = new Map([...b.matchAll(LABEL)].map((m) => [m[1]!, m[2]!]));
  if (x.size === 0 || x.size !== y.size) return false;
  for (const [name, value] of x) {
    if (!y.has(name)) return false;
    if (y.get(name) !== value && !INSTANCE_LABEL.test(name)) return false;
  }
  return true;
}

// A time said relative to now (Rails' `time_ago_in_words`, "updated 10 minutes ago"): rendered
// either side of a minute's turn it says 9 on one side and 10 on the other.
const RELATIVE = /(?<![\w.])(\d{1,4}) (second|minute|hour|day)s?\b/g;
const UNIT_MS: Readonly<Record<string, number>> = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000 };

// The same in a unit's short form, only before `ago` (`Cached 12 s ago`, `3h ago`, `5 min. ago`):
// alone, `12 s` is as often a duration as a time. Spelt out as the words above before comparing.
const RELATIVE_SHORT = /(?<![\w.])(\d{1,4}) ?(s|secs?|m|mins?|h|hrs?|d)\.? ago\b/g;
const SHORT_UNIT: Readonly<Record<string, string>> = { s: 'second', sec: 'second', secs: 'second', m: 'minute', min: 'minute', mins: 'minute', h: 'hour', hr: 'hour', hrs: 'hour', d: 'day' };
const spelt = (v: string): string => (v.search(RELATIVE_SHORT) < 0 ? v : v.replace(RELATIVE_SHORT, (_m, n: string, u: string) => `${n} ${SHORT_UNIT[u]!} ago`));

/** Two strings alike but for the numbers of relative times in them: `timestamp`, apart by the largest gap (a minute for 9 against 10 minutes). */
function relativeTimeFact(primary: string, shadow: string): GeneratedFact | null {
  if (primary.length > 2048 || shadow.length > 2048) return null;
  const a = spelt(primary);
  const b = spelt(shadow);
  if (a.search(RELATIVE) < 0) return null; // search, not test: a global regex's test moves its lastIndex
  const x = [...a.matchAll(RELATIVE)];
  const y = [...b.matchAll(RELATIVE)];
  if (x.length !== y.length || a.replace(RELATIVE, '#$2') !== b.replace(RELATIVE, '#$2')) return null;
  let delta = 0;
  for (let i = 0; i < x.length; i++) delta = Math.max(delta, Math.abs(Number(x[i]![1]) - Number(y[i]![1])) * UNIT_MS[x[i]![2]!]!);
  return delta === 0 ? null : { kind: 'timestamp', deltaMs: delta };
}

/**
 * Two strings that are the same text around ids and times each side generated: the same text once
 * every such token is set aside, and each pair of tokens a generated value of one kind. The fact is
 * the first token's kind, with the largest time distance among the times (null when none).
 */
function embeddedFact(a: string, b: string, nowMs: number): GeneratedFact | null {
  if (a.length > 2048 || b.length > 2048) return null; // a document's text line, not a value
  const fact = embeddedTokensFact(a, b, nowMs);
  if (fact !== null || (!a.includes('%') && !b.includes('%'))) return fact;
  // Times written percent-encoded inside a value (an OData ETag's `datetime'2026-12-07T12%3A00%3A45'`).
  const x = decoded(a);
  const y = decoded(b);
  return x === a && y === b ? null : embeddedTokensFact(x, y, nowMs);
}

function embeddedTokensFact(a: string, b: string, nowMs: number): GeneratedFact | null {
  const ta = a.match(EMBEDDED);
  const tb = b.match(EMBEDDED);
  if (!ta || !tb || ta.length !== tb.length || a.replace(EMBEDDED, '\u0000') !== b.replace(EMBEDDED, '\u0000')) return null;
  let fact: GeneratedFact | null = null;
  let delta: number | null = null;
  for (let i = 0; i < ta.length; i++) {
    if (ta[i] === tb[i]) continue;
    const f = generatedFact(ta[i], tb[i], nowMs, false); // a token is one value: not looked into again
    if (f === null) return null;
    fact ??= f;
    if (f.deltaMs !== null) delta = Math.max(delta ?? 0, f.deltaMs);
  }
  return fact && { kind: fact.kind, deltaMs: delta };
}

// A field named as an identifier (`id`, `orderId`, `order_id`, `invoiceNumber`): in a write's answer,
// each side numbers what it creates from its own sequence.
// A log's or a shard's position numbers what a write appended too (Elasticsearch's `_seq_no`, a
// Kafka `offset`).
// A code a write issues for what it created: a booking's PNR, a confirmation, a voucher (`6C42BW`).
const CODE_NAME = /^(?:confirmation_?(?:code|number)|confirmation(?:Code|Number)|booking_?(?:ref|reference|code)|booking(?:Ref|Reference|Code)|pnr|PNR|record_?locator|recordLocator|voucher_?code|voucherCode|gift_?card_?code|giftCardCode|redemption_?code|redemptionCode|claim_?code|claimCode)$/;

/** Two codes of one length, capitals and digits (5 to 12; a random code may lack digits): each side issued its own. */
function codeFact(primary: unknown, shadow: unknown): GeneratedFact | null {
  if (typeof primary !== 'string' || typeof shadow !== 'string' || primary.length !== shadow.length) return null;
  return /^[A-Z0-9-]{5,12}$/.test(primary) && /^[A-Z0-9-]{5,12}$/.test(shadow) ? { kind: 'sequence', deltaMs: null } : null;
}

/** Objects of a request's own measurements (GraphQL's `extensions.tracing`, a `timings` block, `debug`, `profile`). */
const TIMINGS_CONTAINER = /\.(?:tracing|timings?|metrics|stats|debug|profile|profiling|perf|performance|diagnostics)(?:\.|\[)/i;

// A write's own measurement of how long it took (GraphQL's tracing, a search's `took`): each side times itself.
const TIMING_NAME = /^(?:duration|duration_?(?:ms|ns|us)|duration(?:Ms|Ns|Us)|took|took_?ms|tookMs|elapsed|elapsed_?(?:ms|ns|time)|elapsed(?:Ms|Ns|Time)|start_?offset|startOffset|latency|latency_?ms|latencyMs|processing_?time(?:_?ms)?|processingTime(?:Ms)?|execution_?time(?:_?ms)?|executionTime(?:Ms)?|response_?time(?:_?ms)?|responseTime(?:Ms)?)$/;

/**
 * Two timings of a write (only: a read's are judged by asking again) at a field named for one (a
 * bare `duration` only inside tracing or timings), both non-negative numbers within a factor of 100
 * of each other: each side's own clock. A booking's `duration` is judged as any value.
 */
export function writeTimingFact(path: string, primary: unknown, shadow: unknown): GeneratedFact | null {
  const field = lastName(path);
  if (field === undefined || !TIMING_NAME.test(field) || typeof primary !== 'number' || typeof shadow !== 'number' || primary === shadow) return null;
  // A bare `duration` is a rental's or a video's as often as a measurement's: only inside tracing or timings.
  if (/^duration$/.test(field) && !TIMINGS_CONTAINER.test(path)) return null;
  if (primary < 0 || shadow < 0) return null;
  const [lo, hi] = primary < shadow ? [primary, shadow] : [shadow, primary];
  return hi <= Math.max(lo, 1) * 100 ? { kind: 'instance', deltaMs: null } : null;
}

const ID_NAME = /^(?:id|ID|number|.*[a-z0-9]Id|.*[a-z0-9]ID|.*_id|.*_number|.*[a-z0-9]Number|_?seq_?no|seqNo|offset)$/;
const DIGITS = /\d+/g;

/** A random id a store draws (Elasticsearch's `_id`, 20 base64url characters): 16 or more, digits or both cases among letters. */
const randomId = (v: string): boolean => v.length >= 16 && v.length <= 64 && /^[A-Za-z0-9_-]+$/.test(v) && /[A-Za-z]/.test(v) && (/\d/.test(v) || (/[a-z]/.test(v) && /[A-Z]/.test(v)));

// Positions a store keeps for itself and hands out with what it serves: Kubernetes'
// `resourceVersion`, etcd's `mod_revision`/`create_revision` and raft term and index, Consul's
// `CreateIndex`/`ModifyIndex`/`LockIndex`, Elasticsearch's `_seq_no`/`_primary_term`, a Matrix sync's
// `next_batch`/`prev_batch`, Drupal's revision ids (`drupal_internal__vid`), a package index's change
// serial (PyPI's and its mirrors' `last_serial`, CouchDB's `update_seq` and a changes feed's
// `last_seq`, the same counter). Two stores holding the same data number their own histories.
const STORE_POSITION = /^(?:resourceVersion|resource_version|(?:mod|create)_?[Rr]evision|raft_(?:term|index|applied_index)|(?:Create|Modify|Lock)Index|_seq_no|_primary_term|next_batch|prev_batch|drupal_internal__(?:vid|revision_id)|last_serial|(?:committed_)?update_seq|last_seq)$/;
// A count its store only estimates, under a name that says so: PostgreSQL's planner estimate
// (`pg_class.reltuples`) a list answers instead of `count(*)`, an index's approximate total
// (`total_estimate`, `estimatedCount`, `approximate_row_count`). Each store's own statistics of the
// same rows, a few percent apart. A count or total not named an estimate, an estimated price or
// date, or two estimates further apart than ESTIMATE_SPREAD stay data.
const ESTIMATE_WORDS = /^(?:(?:estimated|approximate|approx)_(?:total(?:_count)?|count|rows|row_count|num_rows|hits|results|document_count|doc_count|records|items)|(?:total|count|row_count|rows|hits|results|records|items)_(?:estimate|estimated|approx|approximate)|reltuples)$/;
const ESTIMATE_SPREAD = 0.1;

/** Two non-negative counts at a field named for an estimate of one (ESTIMATE_WORDS), within ESTIMATE_SPREAD of the larger: `estimate`. */
export function estimateFact(path: string, primary: unknown, shadow: unknown): GeneratedFact | null {
  if (typeof primary !== 'number' || typeof shadow !== 'number' || primary === shadow || primary < 0 || shadow < 0) return null;
  const name = lastName(path);
  if (name === undefined || name.length > 40 || !ESTIMATE_WORDS.test(wordsKey(name))) return null;
  return Math.abs(primary - shadow) <= ESTIMATE_SPREAD * Math.max(primary, shadow) ? { kind: 'estimate', deltaMs: null } : null;
}

// A Kubernetes object's own bookkeeping in its `metadata`, beside its `resourceVersion`: its `uid`
// and its owners' (`ownerReferences[].uid`), which each cluster's API server mints, `generation` (the
// store's count of its spec's changes), and the times it stamped the object with (`creationTimestamp`,
// `managedFields[].time` of each apply). Two clusters holding the same object created and updated it
// each at its own moment: one object read again and again gives the same uid every time, which is
// no record's id the other side got wrong. Only at these places of a top-level `metadata` (or a
// list's `items[]`): a `creationTimestamp` or a `uid` elsewhere, a `generation` of anything else, is data.
const K8S_METADATA = /^\$\.(?:items\[\d+\]\.)?metadata\.(?:generation|creationTimestamp|managedFields\[\d+\]\.time|uid|ownerReferences\[\d+\]\.uid)$/;
const ISO_SECOND = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z$/;
const K8S_UID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// An OData entity's ETag (`W/"NzcxMjAxNTA="`): each store's row version or timestamp, base64-encoded.
const ODATA_ETAG = /^(W\/)?"[A-Za-z0-9+/=:'%._-]*"$/;

/** Two positions in each store's own history at a field named for one (STORE_POSITION): integers, or strings alike but for their digits. */
export function storePositionFact(path: string, primary: unknown, shadow: unknown): GeneratedFact | null {
  const name = lastName(path);
  if (name === '@odata.etag' && typeof primary === 'string' && typeof shadow === 'string') {
    const a = ODATA_ETAG.exec(primary);
    const b = ODATA_ETAG.exec(shadow);
    return a && b && a[1] === b[1] ? { kind: 'position', deltaMs: null } : null;
  }
  if (K8S_METADATA.test(path) && primary !== shadow) {
    const both = (re: RegExp): boolean => typeof primary === 'string' && typeof shadow === 'string' && re.test(primary) && re.test(shadow);
    const fits = name === 'generation' ? Number.isInteger(primary) && Number.isInteger(shadow) : name === 'uid' ? both(K8S_UID) : both(ISO_SECOND);
    return fits ? { kind: 'position', deltaMs: null } : null;
  }
  if (name === undefined || !STORE_POSITION.test(name) || primary === shadow) return null;
  if (Number.isInteger(primary) && Number.isInteger(shadow)) return { kind: 'position', deltaMs: null };
  if (typeof primary !== 'string' || typeof shadow !== 'string' || !/\d/.test(primary) || !/\d/.test(shadow)) return null;
  return primary.replace(DIGITS, '#') === shadow.replace(DIGITS, '#') ? { kind: 'position', deltaMs: null } : null;
}

/**
 * A CouchDB-style revision: its generation, a dash, the store's hash of that revision (`10-3064b2…`:
 * CouchDB's md5, 32 hex digits; Verdaccio 5 draws 8 random bytes, 16: probes17, every package
 * document read at shadow was a real `$._rev` difference).
 */
const REVISION = /^(\d+)-[0-9a-f]{16,64}$/;

/**
 * Two revisions of a document at `_rev` (CouchDB, PouchDB, Verdaccio's package documents) of the
 * same generation: each store hashes its own revision (Verdaccio draws it at random), so the hash is
 * the side's own; another generation (an update lost or made twice) is a difference.
 */
export function revisionFact(path: string, primary: unknown, shadow: unknown): GeneratedFact | null {
  if (lastName(path) !== '_rev' || typeof primary !== 'string' || typeof shadow !== 'string') return null;
  const a = REVISION.exec(primary);
  const b = REVISION.exec(shadow);
  return a && b && a[1] === b[1] ? { kind: 'sequence', deltaMs: null } : null;
}

/**
 * Two values a write's answer numbered from each side's own sequence: at a field named as an
 * identifier, both integers (or strings, like `ORD-1040` and `ORD-35`, the same once their digit
 * runs are set aside). Only for writes: a write cannot be asked again, and each side creating a
 * record gives it the next number of its own; a read's ids are judged by re-asking.
 */
export function sequenceFact(field: string | number | undefined, primary: unknown, shadow: unknown): GeneratedFact | null {
  if (typeof field !== 'string' || primary === shadow) return null;
  if (CODE_NAME.test(field)) return codeFact(primary, shadow);
  // `id_str` beside `id` (Twitter's, Discord's way with 64-bit ids JavaScript cannot hold): the same id as a string.
  const named = field.replace(/(?:_str|Str)$/, '');
  if (!ID_NAME.test(named)) return null;
  if (Number.isInteger(primary) && Number.isInteger(shadow)) return { kind: 'sequence', deltaMs: null };
  if (typeof primary !== 'string' || typeof shadow !== 'string') return null;
  if (randomId(primary) && randomId(shadow) && primary.length === shadow.length && alphabetOf(primary) === alphabetOf(shadow)) return { kind: 'sequence', deltaMs: null };
  if (!/\d/.test(primary) || !/\d/.test(shadow)) return null;
  return primary.replace(DIGITS, '#') === shadow.replace(DIGITS, '#') ? { kind: 'sequence', deltaMs: null } : null;
}

// An id a side minted for what a write created, Stripe's way: a type prefix and random characters
// (`ch_3NxYz…`, `txn_1Mq…`, `cus_N8a…`), alone or inside a link (`/receipts/acct_…/rcpt_…`).
// Twilio's way: two capitals and 32 hex digits (`SM8901ad4c…`, in `/Messages/SM….json` too); and
// a Firebase push id (`-P8DGb5IGN9XI6a6cv1_`: a time and random characters, 20 in all); a Matrix
// event id (`$` and 43 base64url characters). Mollie's are 10 random characters (`tr_WDqYK6vllg`):
// from 10 on, the random part needs a digit or a capital, so `tmp_processing` is a name.
const MINTED = /(?<![A-Za-z0-9_])(?:([a-z][a-z0-9]{0,9}_(?:[a-z]+_)?)((?=[A-Za-z]*\d|[a-z0-9]*[A-Z])[A-Za-z0-9]{10,11}|[A-Za-z0-9]{12,})|([A-Z]{2})([0-9a-f]{32}))(?![A-Za-z0-9_])|^(-)([0-9A-Za-z_-]{19})$|^(\$)([A-Za-z0-9_-]{43})$/g;
/** The value with each minted id as its prefix and length: two values alike but for their random parts share it. */
const mintedShape = (v: string): string => v.replace(MINTED, (m: string, ...g: unknown[]) => {
  const prefix = (g[0] ?? g[2] ?? g[4] ?? g[6] ?? '') as string;
  return `${prefix}#${m.length - prefix.length}`;
});

/**
 * Two values of a write's answer that are alike but for the ids each side minted for what it
 * created (the same prefixes, random parts of one length): a `sequence` value of each side's own.
 * Only for writes (record-write.ts), and never for a value the client sent (an echo).
 */
export function mintedIdFact(primary: unknown, shadow: unknown): GeneratedFact | null {
  if (typeof primary !== 'string' || typeof shadow !== 'string' || primary === shadow || primary.length > 2048 || shadow.length > 2048) return null;
  if (primary.match(MINTED) === null) return null;
  return mintedShape(primary) === mintedShape(shadow) ? { kind: 'sequence', deltaMs: null } : null;
}

/** Generated-value settings of a route: the time tolerance, and kinds or fields switched off. */
export interface GeneratedPolicy {
  readonly toleranceMs: number;
  readonly kinds: ReadonlySet<GeneratedKind>;
  /** Field patterns (`$.token`) whose generated values are compared for equality instead. */
  readonly exactFields: readonly { covers(path: string): boolean }[];
}

/** True when the fact passes the policy for the field at `path`. */
export function withinPolicy(fact: GeneratedFact | null, path: string, policy: GeneratedPolicy): boolean {
  if (fact === null || !policy.kinds.has(fact.kind)) return false;
  if (policy.exactFields.some((f) => f.covers(path))) return false;
  return fact.deltaMs === null || fact.deltaMs <= policy.toleranceMs;
}
