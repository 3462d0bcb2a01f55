// Difference paths and the patterns over them (ignore rules, normalizers, redaction).
// Paths are parsed into segments once; patterns are compiled once per route at start-up, so
// matching at comparison time is a walk over short arrays, never a regex built per request.

/** One step of a path: an object key / name, or an array index / text line. */
export type PathSegment = string | number;

const ANY = Symbol('*');
const DEEP = Symbol('**');
type PatternSegment = string | typeof ANY | typeof DEEP;

/** Thrown at compile time for a pattern that cannot be parsed; `code` is stable for tests and config errors. */
export class PathPatternError extends Error {
  readonly code = 'INVALID_PATH_PATTERN';
  constructor(
    readonly pattern: string,
    why: string,
  ) {
    super(`invalid path pattern ${JSON.stringify(pattern)}: ${why}`);
    this.name = 'PathPatternError';
  }
}

/** A compiled pattern. `matches` is an exact match; `covers` also matches everything below a match. */
export interface PathPattern {
  readonly source: string;
  matches(path: string | readonly PathSegment[]): boolean;
  covers(path: string | readonly PathSegment[]): boolean;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** Outside JSON bodies (header and cookie names) any name without `.`, `[`, `]`, `"`, `*` prints bare. */
const BARE_NAME = /^[^.[\]"*]+$/;

/** Formats segments as a diff path: `$.items[3].price`, `$["odd key"]`, `headers.x-request-id`, `text[12]`. */
export function formatPath(segments: readonly PathSegment[]): string {
  const bare = segments[0] === '$' ? IDENTIFIER : BARE_NAME;
  let out = '';
  segments.forEach((seg, i) => {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (i === 0) out += seg;
    else out += bare.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`;
  });
  return out;
}

/** Reads a quoted key starting at `s[i] === '"'`; returns the key and the index after the closing `]`. */
function readQuoted(s: string, i: number): [string, number] {
  let j = i + 1;
  while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
  if (j >= s.length || s[j + 1] !== ']') throw new Error('unterminated ["..."] key');
  const key: unknown = JSON.parse(s.slice(i, j + 1));
  return [key as string, j + 2];
}

/** Splits a path or pattern into segments; wildcards only when `wildcards` (patterns). */
function tokenize(s: string, wildcards: boolean): PatternSegment[] | PathSegment[] {
  const out: (PatternSegment | number)[] = [];
  const name = (from: number): number => {
    let j = from;
    while (j < s.length && s[j] !== '.' && s[j] !== '[') j++;
    const word = s.slice(from, j);
    if (word === '') throw new Error(`empty segment at ${from}`);
    out.push(wildcards && word === '*' ? ANY : wildcards && word === '**' ? DEEP : word);
    return j;
  };
  if (s === '') throw new Error('empty path');
  let i = s[0] === '$' ? 1 : name(0);
  if (s[0] === '$') out.push('$');
  while (i < s.length) {
    if (s[i] === '.') {
      if (s[i + 1] === '.') {
        if (!wildcards) throw new Error(`".." at ${i}`);
        out.push(DEEP);
        i = s[i + 2] === '[' ? i + 2 : name(i + 2);
      } else i = name(i + 1);
    } else if (s[i] !== '[') {
      throw new Error(`expected "." or "[" at ${i}`);
    } else {
      const close = s.indexOf(']', i);
      if (s[i + 1] === '"') {
        const [key, next] = readQuoted(s, i + 1);
        out.push(key);
        i = next;
      } else if (close < 0) throw new Error(`unclosed "[" at ${i}`);
      else {
        const inner = s.slice(i + 1, close);
        if (wildcards && (inner === '*' || inner === '**')) out.push(inner === '*' ? ANY : DEEP);
        else if (/^\d+$/.test(inner)) out.push(Number(inner));
        else throw new Error(`"[${inner}]" is neither an index, "*" nor a quoted key`);
        i = close + 1;
      }
    }
  }
  return out as PatternSegment[] | PathSegment[];
}

/**
 * The last key of a diff path (`$.health.uptime`: `uptime`; PHP-FPM's `$["start time"]`: `start
 * time`; undefined for an index), without parsing the whole path: it runs for every differing field.
 */
export function lastName(path: string): string | undefined {
  const plain = /\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(path)?.[1];
  if (plain !== undefined || !path.endsWith('"]')) return plain;
  const quoted = /\[("(?:[^"\\]|\\.)*")\]$/.exec(path)?.[1];
  try {
    return quoted === undefined ? undefined : (JSON.parse(quoted) as string);
  } catch {
    return undefined;
  }
}

/** Parses a diff path into segments; throws on a malformed path. */
export function parsePath(path: string): PathSegment[] {
  return tokenize(path, false) as PathSegment[];
}

/** The value at an exact path (`$.items[3].price`, `$["odd key"]`) of a parsed JSON document; undefined when there is none. */
export function valueAtPath(doc: unknown, path: string): unknown {
  let segments: PathSegment[];
  try { segments = parsePath(path); } catch { return undefined; }
  let v: unknown = doc;
  for (const seg of segments.slice(1)) v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[seg] : undefined;
  return v;
}

/** Header names are case-insensitive: `headers.X-Request-Id` means `headers.x-request-id`. */
function lowerHeaderName<T>(segs: T[]): T[] {
  if (segs[0] === 'headers' && typeof segs[1] === 'string') segs[1] = segs[1].toLowerCase() as T;
  return segs;
}

function matchFrom(p: readonly PatternSegment[], pi: number, s: readonly PathSegment[], si: number, prefix: boolean): boolean {
  while (pi < p.length) {
    const want = p[pi];
    if (want === DEEP) {
      // With no other `**` after it, a whole-path match leaves one place for the rest of the pattern:
      // the path's last steps. Trying every depth made `$..password` cost O(depth) per node of a
      // document, O(depth²) over a body nested thousands deep (0.2 s on the event loop at 5,000).
      if (!prefix && !p.includes(DEEP, pi + 1)) {
        const k = s.length - (p.length - pi - 1);
        return k >= si && matchFrom(p, pi + 1, s, k, false);
      }
      for (let k = si; k <= s.length; k++) if (matchFrom(p, pi + 1, s, k, prefix)) return true;
      return false;
    }
    if (si >= s.length) return false;
    if (want !== ANY && want !== String(s[si])) return false;
    pi++;
    si++;
  }
  return prefix || si === s.length;
}

/**
 * Compiles a pattern into a {@link PathPattern}. `*` is one key or index, `**` (or `..`) any
 * depth including none; `[3]` and `.3` are the same step. Throws {@link PathPatternError}.
 */
export function compilePattern(source: string): PathPattern {
  let segs: PatternSegment[];
  try {
    // pattern steps are compared as strings: `[3]` and `.3` are the same step
    segs = lowerHeaderName((tokenize(source.trim(), true) as (PatternSegment | number)[]).map((t) => (typeof t === 'number' ? String(t) : t)));
  } catch (err) {
    throw new PathPatternError(source, (err as Error).message);
  }
  const toSegs = (path: string | readonly PathSegment[]): readonly PathSegment[] | null => {
    if (typeof path !== 'string') return path;
    try {
      return lowerHeaderName(parsePath(path));
    } catch {
      return null; // a malformed path matches nothing rather than throwing out of compare
    }
  };
  return Object.freeze({
    source,
    matches: (path: string | readonly PathSegment[]) => {
      const s = toSegs(path);
      return s !== null && matchFrom(segs, 0, s, 0, false);
    },
    covers: (path: string | readonly PathSegment[]) => {
      const s = toSegs(path);
      return s !== null && matchFrom(segs, 0, s, 0, true);
    },
  });
}

/** Compiles a pattern once into an exact-match predicate over diff paths. Throws {@link PathPatternError}. */
export function compilePathPattern(pattern: string): (path: string) => boolean {
  const compiled = compilePattern(pattern);
  return (path) => compiled.matches(path);
}
