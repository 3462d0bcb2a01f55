// A monolith and a service, each a real upstream on 127.0.0.1, behind one route `app` on `/**` of a
// real facade at a given stage: the set-up of the tests that drive one application on both sides.
import type { Stage } from '../../src/core/stages';
import { setStage } from './admin-client';
import { startTestFacade, type TestFacade } from './facade';
import { startUpstream, type Handler, type TestUpstream } from './upstream';

export interface TwoSides {
  readonly monolith: TestUpstream;
  readonly service: TestUpstream;
  readonly facade: TestFacade;
  /** Stops the facade, then both upstreams. */
  close(): Promise<void>;
}

export async function startTwoSides(monolith: Handler, service: Handler, stage: Stage): Promise<TwoSides> {
  const m = await startUpstream('monolith', monolith);
  const s = await startUpstream('svc', service);
  const facade = await startTestFacade({ monolith: { url: m.url }, services: { svc: { url: s.url } }, routes: [{ name: 'app', match: { path: '/**' }, service: 'svc' }] });
  if (stage !== 'off') await setStage(facade.adminUrl!, 'app', stage);
  return { monolith: m, service: s, facade, close: async () => { await facade.close(); await Promise.all([m.close(), s.close()]); } };
}
