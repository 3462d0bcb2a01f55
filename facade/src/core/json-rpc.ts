// JSON-RPC over POST: which methods a request body calls. JSON-RPC servers take every call on one
// path (an Ethereum node, Kodi, aria2, Bitcoin Core, Transmission's RPC), so the path cannot tell a
// read from a write: the body's `method` does. A route lists its read methods
// (`reads.jsonRpcMethods`, a name or a prefix ending in `*`); a request whose every call is one of
// them is a read, anything else (a batch with one write in it, a body that does not parse) a write.
// The methods also name the endpoint (`POST /rpc#eth_getBalance`), so one method's evidence is not
// another's. Pure.
import { jsonDocument } from './compare/body';

/** The methods a JSON-RPC request calls (one object or a batch, with or without `jsonrpc`), in order; null for any other body. */
export function jsonRpcMethods(body: Buffer): string[] | null {
  const value = jsonDocument(body);
  if (value === undefined) return null;
  const calls = Array.isArray(value) ? value : [value];
  if (calls.length === 0) return null;
  const methods: string[] = [];
  for (const call of calls) {
    if (call === null || typeof call !== 'object' || Array.isArray(call)) return null;
    const method = (call as Record<string, unknown>).method;
    if (typeof method !== 'string' || method === '') return null;
    methods.push(method);
  }
  return methods;
}

/** Whether `method` is one the route lists: by name, or by a prefix ending in `*` (`eth_get*`). */
export function listedMethod(method: string, listed: readonly string[]): boolean {
  return listed.some((m) => (m.endsWith('*') ? method.startsWith(m.slice(0, -1)) : method === m));
}

/** An endpoint's label for the calls: the method, or a batch's distinct methods in order (`eth_call,eth_getBalance`), at most 100 characters. */
export function methodsLabel(methods: readonly string[]): string {
  const label = [...new Set(methods)].join(',');
  return label.length > 100 ? `${label.slice(0, 99)}…` : label;
}
