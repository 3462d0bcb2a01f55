import { graphqlOperation } from '../../src/core/graphql';

const json = (body: unknown) => graphqlOperation(Buffer.from(JSON.stringify(body)), 'application/json; charset=utf-8');

describe('the operation a GraphQL POST runs', () => {
  it('a named query with variables, input objects and strings holding braces is a read named by its operation', () => {
    expect(json({ query: 'query GetProduct($id: ID!, $f: Filter = {a: 1}) { product(id: $id, where: {x: "}"}) { price } }', variables: { id: 1 } }))
      .toEqual({ kind: 'query', label: 'GetProduct' });
    expect(json({ query: '{ me { name } }' })).toEqual({ kind: 'query', label: 'me' }); // the shorthand, labelled by its field
    expect(json({ query: '{ a(text: """block\n}string""") }' })).toEqual({ kind: 'query', label: 'a' });
  });

  it('mutations and subscriptions are writes, also behind a comment', () => {
    expect(json({ query: '# {\nmutation AddItem { add(sku: "a") { id } }' })).toEqual({ kind: 'mutation', label: 'AddItem' });
    expect(json({ query: 'subscription S { s }' })?.kind).toBe('subscription');
  });

  it('of several operations the one operationName names runs; a document with a mutation in it is a write whichever runs', () => {
    expect(json({ query: 'query A { a } fragment F on P { id }', operationName: 'A' })).toEqual({ kind: 'query', label: 'A' });
    expect(json({ query: 'query A { a } query B { b }', operationName: 'B' })).toEqual({ kind: 'query', label: 'B' });
    expect(json({ query: 'query A { a } query B { b }' })).toBeNull(); // which runs is not said
    expect(json({ query: 'query A { a } mutation B { b }', operationName: 'B' })).toEqual({ kind: 'mutation', label: 'B' });
    expect(json({ query: 'query A { a } mutation B { b }', operationName: 'A' })?.kind).toBe('mutation');
  });

  it('a batch is a read only when every operation in it is a query', () => {
    expect(json([{ query: '{ a }' }, { query: 'query Q { b }' }])).toEqual({ kind: 'query', label: 'a,Q' });
    expect(json([{ query: '{ a }' }, { query: 'mutation M { b }' }])).toEqual({ kind: 'mutation', label: 'M' });
  });

  it('a persisted query named by its hash alone, a schema, a broken document or another media type says nothing (a write)', () => {
    expect(json({ extensions: { persistedQuery: { version: 1, sha256Hash: 'ab12' } } })).toBeNull();
    expect(json({ query: 'type Query { a: Int }' })).toBeNull();
    expect(json({ query: '{ a ' })).toBeNull();
    expect(graphqlOperation(Buffer.from('query=%7Ba%7D'), 'application/x-www-form-urlencoded')).toBeNull();
    expect(graphqlOperation(Buffer.from('query Z { z }'), 'application/graphql')).toEqual({ kind: 'query', label: 'Z' });
  });

  it('a REST write whose `query` is a JSON filter, an empty selection, or any document saying `mutation` is never a read', () => {
    expect(json({ name: 'Open tickets', query: '{"status":"open"}' })).toBeNull();
    expect(json({ query: '{ "price": { "$lt": 100 } }' })).toBeNull();
    expect(json({ query: '{}' })).toBeNull();
    expect(json({ query: '{ }' })).toBeNull();
    expect(json({ query: '{ a(note: "a mutation in words") }' })?.kind).toBe('mutation'); // the backstop errs towards a write
  });

  it('a block string ends at a triple quote not escaped: a mutation hidden behind an escaped one is still a mutation', () => {
    const doc = 'query A { f(s: """\\"""), g(t: """) } mutation M { h(u: """) } query M { x(v: \\""" """) }';
    expect(json({ query: doc, operationName: 'M' })?.kind).toBe('mutation');
    expect(json({ query: '{ a(text: """x \\""" y""") }' })).toEqual({ kind: 'query', label: 'a' });
  });
});
