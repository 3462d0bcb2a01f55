// Step: a POST that only reads runs as a read of its stage: a GraphQL `query` (core/graphql.ts),
// git's fetch (`git-upload-pack`), a path the route lists in `reads.postPaths` (a search), or a
// JSON-RPC call of methods the route lists in `reads.jsonRpcMethods` (core/json-rpc.ts). As a write it would
// be sent to both sides and never asked again, so every value its answers make per request (a
// trace's timings, a request id) stayed unjudged; as a read it is shadowed, compared and re-asked.
// Only at a stage that compares (a write's body is read then anyway, under the write's own caps):
// at `off` and `complete` a POST streams through untouched. A GraphQL request's operation also
// names its endpoint (`POST /graphql#GetProduct`, and a GET's `operationName` too), so one query's
// evidence is not another's.
import { decide } from '../core/decide';
import { carriesGraphql, graphqlOperation } from '../core/graphql';
import { jsonRpcMethods, listedMethod, methodsLabel } from '../core/json-rpc';
import { bufferBody, needsReplay } from './buffer-body';
import type { FacadeDeps, RequestContext, Step } from './context';
import { onPaths } from './path-patterns';

/** A GraphQL GET's operation (`?operationName=GetProduct&variables=…`, Apollo's persisted queries). */
const OPERATION_NAME = /[?&]operationName=([_A-Za-z][_0-9A-Za-z]{0,99})(?:&|$)/;

/** A GraphQL endpoint: a path whose last segment is `graphql` or `gql` (`/graphql`, `/api/v2/graphql`), or one the route lists. */
function graphqlEndpoint(ctx: RequestContext, deps: FacadeDeps): boolean {
  return /\/(?:graphql|gql)\/?$/i.test(ctx.path) || onPaths(ctx, deps, ctx.runtime!.config.reads.graphqlPaths);
}

/**
 * Git's smart-HTTP fetch (`POST …/git-upload-pack`, its own request type): a clone or a fetch
 * negotiates what to send and changes nothing. As a write a clone through a `shadow` route ran on
 * both sides and every answer's pack was never compared. `git-receive-pack` (a push) stays a write.
 */
const gitFetch = (ctx: RequestContext): boolean => ctx.path.endsWith('/git-upload-pack') && ctx.req.headers['content-type'] === 'application/x-git-upload-pack-request';

export const postReads: Step = (ctx, deps) => {
  const d = ctx.decision;
  const rt = ctx.runtime;
  if (!d || !rt || !needsReplay(ctx)) return undefined;
  if (d.kind === 'read') {
    if (rt.config.reads.graphql && ctx.query.includes('operationName=') && graphqlEndpoint(ctx, deps)) {
      ctx.operation = OPERATION_NAME.exec(ctx.query)?.[1];
    }
    return undefined;
  }
  if (ctx.req.method !== 'POST') return undefined;
  const { reads } = rt.config;
  if (onPaths(ctx, deps, reads.postPaths) || gitFetch(ctx)) {
    ctx.decision = decide(d.stage, 'GET');
    return undefined;
  }
  const type = ctx.req.headers['content-type'];
  // Any media type: JSON-RPC clients send `application/json`, `application/json-rpc`, or a form's type over a JSON body.
  if (reads.jsonRpcMethods.length > 0 && !(reads.graphql && graphqlEndpoint(ctx, deps))) {
    return withBody(ctx, deps, (body) => {
      const methods = jsonRpcMethods(body);
      if (methods === null) return;
      ctx.operation = methodsLabel(methods);
      if (methods.every((m) => listedMethod(m, reads.jsonRpcMethods))) ctx.decision = decide(d.stage, 'GET');
    });
  }
  if (!reads.graphql || !carriesGraphql(type) || !graphqlEndpoint(ctx, deps)) return undefined;
  // express-graphql reads `query` and `operationName` from the URL first: a body can then not say what runs.
  if (/[?&](?:query|operationName)=/.test(ctx.query)) return undefined;
  return withBody(ctx, deps, (body) => {
    const op = graphqlOperation(body, type);
    if (op === null) return;
    ctx.operation = op.label;
    if (op.kind === 'query') ctx.decision = decide(d.stage, 'GET');
  });
};

/** Reads the body as the write would read it (its caps, its 413, its spool), then lets `classify` look at it. */
function withBody(ctx: RequestContext, deps: FacadeDeps, classify: (body: Buffer) => void): 'handled' | undefined | Promise<'handled' | undefined> {
  const then = (outcome: 'handled' | void): 'handled' | undefined => {
    if (outcome === 'handled') return 'handled';
    if (ctx.body !== null) classify(ctx.body);
    return undefined;
  };
  const read = bufferBody(ctx, deps);
  return read instanceof Promise ? read.then(then) : then(read);
}
