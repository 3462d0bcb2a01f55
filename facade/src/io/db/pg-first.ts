// Imported by pg-sql.ts just before node-postgres. pg asks once, as it loads, whether it runs in a
// Cloudflare Worker: where `navigator` is missing (Node 20) it builds a fetch Response to find out,
// which loads Node's bundled undici (~25 ms of every PostgreSQL command's start, measured). A
// navigator naming Node answers it; pg-sql.ts takes it away again once pg is loaded, so nothing
// else ever sees it. On Node 21+ `navigator` exists and this does nothing.
const lent = typeof (globalThis as { navigator?: unknown }).navigator === 'undefined';
if (lent) Object.defineProperty(globalThis, 'navigator', { value: { userAgent: `Node.js/${process.version}` }, configurable: true, writable: true });

/** Takes back the navigator lent for pg's check (when one was lent). */
export function returnNavigator(): void {
  if (lent) delete (globalThis as { navigator?: unknown }).navigator;
}
