// GraphQL over POST: which operation a request body runs, and whether it only reads. A GraphQL
// `query` is a read by the specification ("a read-only fetch"), sent as POST because its document
// does not fit a URL: the facade treats it as a read (shadowed, compared, re-asked), a `mutation`
// or `subscription` as a write. Only what the body says is trusted: a persisted query named by its
// hash alone, a batch with one mutation in it, or a document that does not parse is a write. Pure.

export type OperationKind = 'query' | 'mutation' | 'subscription';

export interface GraphqlOperation {
  readonly kind: OperationKind;
  /** The operation's name, or its first top-level field for an anonymous one (`product`): the endpoint's label. */
  readonly label: string;
}

/** Whether a request's media type carries a GraphQL request (JSON, or the document itself). */
export function carriesGraphql(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || type === 'application/graphql' || type === 'application/graphql+json' || type === 'application/graphql-response+json';
}

interface Definition {
  readonly kind: OperationKind | 'fragment';
  readonly name: string | null;
  readonly firstField: string | null;
}

const NAME = /[_A-Za-z][_0-9A-Za-z]*/y;

/** The top-level definitions of a GraphQL document (operations and fragments); null when it does not lex. */
export function definitionsOf(doc: string): Definition[] | null {
  const out: Definition[] = [];
  let i = 0;
  let depth = 0;
  let current: { kind: Definition['kind']; name: string | null; firstField: string | null } | null = null;
  let expectName = false; // after `query`/`mutation`/`subscription`/`fragment`: the next name is the definition's
  let parens = 0;
  while (i < doc.length) {
    const c = doc[i]!;
    if (c === '#') { while (i < doc.length && doc[i] !== '\n' && doc[i] !== '\r') i++; continue; }
    if (c === '"') {
      if (depth > 0 && parens === 0) return null; // a string among fields: not a selection set (a JSON filter in a REST write)
      if (doc.startsWith('"""', i)) {
        // A block string ends at the first `"""` not escaped as `\"""`.
        let end = doc.indexOf('"""', i + 3);
        while (end > 0 && doc[end - 1] === '\\') end = doc.indexOf('"""', end + 3);
        if (end < 0) return null;
        i = end + 3;
      } else {
        i++;
        while (i < doc.length && doc[i] !== '"') { if (doc[i] === '\\') i++; if (doc[i] === '\n') return null; i++; }
        if (i >= doc.length) return null;
        i++;
      }
      continue;
    }
    if (c === '(') { parens++; i++; continue; }
    if (c === ')') { parens--; i++; continue; }
    if (parens > 0 && (c === '{' || c === '}')) { i++; continue; } // an input object among arguments
    if (c === '{') {
      if (depth === 0 && parens === 0) {
        if (current === null) current = { kind: 'query', name: null, firstField: null }; // the query shorthand
        expectName = false;
      }
      depth++;
      i++;
      continue;
    }
    if (c === '}') {
      depth--;
      if (depth < 0) return null;
      if (depth === 0 && current !== null) { out.push(current); current = null; }
      i++;
      continue;
    }
    NAME.lastIndex = i;
    const m = NAME.exec(doc);
    if (m) {
      const word = m[0];
      i += word.length;
      if (parens > 0) continue;
      if (depth === 0) {
        if (current === null) {
          if (word === 'query' || word === 'mutation' || word === 'subscription' || word === 'fragment') {
            current = { kind: word, name: null, firstField: null };
            expectName = true;
          } else return null; // a type system definition, or not GraphQL
        } else if (expectName) { current.name = word; expectName = false; }
      } else if (depth === 1 && current !== null && current.firstField === null) {
        // `alias: field`: the field is the name after the colon
        let j = i;
        while (j < doc.length && /\s|,/.test(doc[j]!)) j++;
        if (doc[j] !== ':') current.firstField = word;
      }
      continue;
    }
    i++; // punctuation, whitespace, commas, variables' `$`, values
  }
  // Every operation selects at least one field: `{}` or `{ }` is no query.
  return depth === 0 && current === null && parens === 0 && out.every((d) => d.firstField !== null || d.kind === 'fragment') ? out : null;
}

/** The words that make an operation a write, anywhere in the document (strings and comments too): a backstop to the lexer. */
const WRITE_WORD = /\b(?:mutation|subscription)\b/;

function operationIn(doc: unknown, operationName: unknown): GraphqlOperation | null {
  if (typeof doc !== 'string' || doc.length > 1_000_000) return null;
  const defs = definitionsOf(doc);
  if (defs === null) return null;
  // A query never says `mutation` (a misread of an odd document must fail towards a write).
  if (defs.some((d) => d.kind !== 'query' && d.kind !== 'fragment') || WRITE_WORD.test(doc)) {
    const write = defs.find((d) => d.kind === 'mutation' || d.kind === 'subscription');
    return { kind: write?.kind === 'subscription' ? 'subscription' : 'mutation', label: write?.name ?? write?.firstField ?? 'mutation' };
  }
  const ops = defs.filter((d) => d.kind !== 'fragment');
  const chosen = typeof operationName === 'string' && operationName !== ''
    ? ops.find((d) => d.name === operationName)
    : ops.length === 1 ? ops[0] : undefined;
  if (!chosen) return null;
  return { kind: chosen.kind as OperationKind, label: chosen.name ?? chosen.firstField ?? 'query' };
}

/**
 * The operation a POST body runs: a JSON `{ query, operationName }` (or a batch of them: a read only
 * when every one is a query), or a document sent as `application/graphql`. Null when the body is not
 * such a request, or does not say what it runs (a persisted query's hash alone).
 */
export function graphqlOperation(body: Buffer, contentType: string | undefined): GraphqlOperation | null {
  if (!carriesGraphql(contentType) || body.length === 0) return null;
  const text = body.toString('utf8');
  if (/^\s*application\/graphql\s*(?:;|$)/i.test(contentType!)) return operationIn(text, undefined);
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch { return null; }
  const one = (r: unknown): GraphqlOperation | null => (r !== null && typeof r === 'object' && !Array.isArray(r)
    ? operationIn((r as Record<string, unknown>).query, (r as Record<string, unknown>).operationName) : null);
  if (!Array.isArray(parsed)) return one(parsed);
  if (parsed.length === 0 || parsed.length > 100) return null;
  const ops = parsed.map(one);
  if (ops.some((o) => o === null)) return null;
  const write = ops.find((o) => o!.kind !== 'query');
  return write ?? { kind: 'query', label: ops.map((o) => o!.label).join(',').slice(0, 100) };
}
