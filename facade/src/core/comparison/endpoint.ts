// Endpoint = method + path template: the unit comparisons, noise and findings are counted by.
// Segments that look like identifiers (numbers, uuids, hex, ulids, long tokens, keys with 3+ digits) become
// `:id`; a route's own endpoint patterns (`/api/profiles/:username`) win over the automatic rule.

/** An endpoint pattern from config, compiled once: literal segments (lower-cased) or `:name`. */
export interface EndpointPattern {
  readonly source: string;
  readonly segments: readonly ({ readonly literal: string } | { readonly param: string })[];
}

import { isFanOut, isIdSegment } from '../identifiers';

export { isIdSegment };

/** Compiles `/api/users/:id/orders` (a leading method is not part of it). Throws on a pattern not starting with `/`. */
export function compileEndpointPattern(source: string): EndpointPattern {
  if (!source.startsWith('/')) throw new Error(`endpoint pattern ${JSON.stringify(source)} must start with "/"`);
  const parts = source === '/' ? [] : source.slice(1).split('/');
  return Object.freeze({
    source,
    segments: Object.freeze(parts.map((p) => (p.startsWith(':') && p.length > 1 ? { param: p } : { literal: p.toLowerCase() }))),
  });
}

function fits(pattern: EndpointPattern, segments: readonly string[]): boolean {
  if (pattern.segments.length !== segments.length) return false;
  return pattern.segments.every((s, i) => !('literal' in s) || s.literal === segments[i]!.toLowerCase());
}

/**
 * The endpoint of a request: `GET /api/orders/:id`. `path` is the normalized path without query.
 * The first configured pattern that fits wins; otherwise identifier-like segments become `:id`.
 */
export function endpointOf(method: string, path: string, patterns: readonly EndpointPattern[] = []): string {
  // A segment's `;parameters` (a servlet's `;jsessionid=…`) name no other resource: one endpoint, not one per session.
  const segments = segmentsOf(path.includes(';') ? path.replace(/;[^/]*/g, '') : path);
  for (const p of patterns) if (fits(p, segments)) return `${method} ${p.source}`;
  let template = `${method} `;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    template += `/${formatOfId(s) ?? (isIdSegment(s) || isFanOut(s, segments[i + 1]) ? ':id' : s)}`;
  }
  return segments.length === 0 ? `${template}/` : template;
}

// A record asked for in a format by its suffix (Rails' and Django's `/issues/3.json`, `/issues/2.pdf`,
// `/products/7.xml`): the id's endpoint in that format, `:id.json`, whatever the id's length (`123.json`
// was an id by its three digits, `3.json` an endpoint of its own).
const FORMAT_SUFFIX = /^([^.]+)\.([A-Za-z][A-Za-z0-9]{0,7})$/;
function formatOfId(segment: string): string | null {
  const m = FORMAT_SUFFIX.exec(segment);
  return m && /^\d+$/.test(m[1]!) ? `:id.${m[2]!}` : null;
}

/** The path's segments, without one leading and one trailing slash (`/` and `` have none). */
function segmentsOf(path: string): string[] {
  if (path === '/' || path === '') return [];
  const rest = path.charCodeAt(0) === 47 ? path.slice(1) : path;
  return (rest.endsWith('/') ? rest.slice(0, -1) : rest).split('/');
}

// A front controller (`index.php`, `default.aspx`, `/`) serves every page of an application and
// says which by a query parameter: phpMyAdmin's `?route=/database/structure`, WordPress admin's
// `?page=` and `?action=`, Joomla's `?option=…&view=…`, MediaWiki's `?action=history`. Without
// them every page is one endpoint, whose noise evidence (`text[812]`) mixes unrelated pages.
const SCRIPT = /(?:^|\/)[^/]*\.(?:php\d?|aspx?|jsp|cfm|cgi|pl|do|action)$/i;
const ROUTING_PARAMS = ['route', 'r', 'controller', 'module', 'mod', 'option', 'view', 'task', 'page', 'action', 'act', 'op', 'cmd', 'do'];
const ROUTING_VALUE = /^[A-Za-z0-9_./:-]{1,64}$/;

/**
 * The routing parameters of a front controller's request, as they name its page (`?route=/database/structure`),
 * ids in them as `:id`; '' when the path is no front controller or names none. `query`: the request's, after `?`.
 */
export function frontControllerOf(path: string, query: string): string {
  if (query === '' || !(path === '/' || SCRIPT.test(path))) return '';
  const params = new URLSearchParams(query);
  let out = '';
  for (const name of ROUTING_PARAMS) {
    const value = params.get(name);
    if (value === null || !ROUTING_VALUE.test(value)) continue;
    const named = value.split('/').map((s) => (s !== '' && isIdSegment(s) ? ':id' : s)).join('/');
    out += `${out === '' ? '?' : '&'}${name}=${named}`;
  }
  return out;
}

/** A WebDAV REPORT's kind (RFC 3253 §3.6): the local name of its body's root element (`log-report`, `calendar-multiget`, `sync-collection`). */
const REPORT_ROOT = /^(?:\s|<\?[^>]*\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)*<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]{0,63})[\s/>]/;

/**
 * One REPORT path answers many reports (Subversion's `log-report`, `file-revs-report` and
 * `update-report` on the same `!svn/rvr/<rev>/<file>`; CalDAV's `calendar-query` and
 * `calendar-multiget` on a calendar): each is its own endpoint, as a GraphQL operation is, so the
 * noise one report shows (a blame's revision properties in hash order) is not counted against the
 * real differences of another.
 */
export function reportKind(body: Buffer | null): string | undefined {
  if (body === null || body.length === 0) return undefined;
  return REPORT_ROOT.exec(body.toString('utf8', 0, Math.min(body.length, 2048)).replace(/^\uFEFF/, ''))?.[1];
}
