// Talks to a facade's admin API the way an operator would (token, JSON body), and reads
// Prometheus text back into numbers, so tests assert on values rather than on log lines.

export interface AdminAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** The Authorization header of the token test facades accept (admin.ts needs one for reads too). */
export const ADMIN_AUTH: Readonly<Record<string, string>> = Object.freeze({ authorization: 'Bearer test-token' });

/** GET an admin path as JSON with a token (`null`: none). */
export async function adminGet<T = Record<string, unknown>>(adminUrl: string, path: string, token: string | null = 'test-token'): Promise<{ status: number; body: T }> {
  const res = await fetch(`${adminUrl}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as T };
}

/** PUT /routes/:name with the given body and token (`null`: no Authorization header). */
export async function putStage(adminUrl: string, route: string, body: unknown, token: string | null = 'test-token'): Promise<AdminAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${adminUrl}/routes/${route}`, { method: 'PUT', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Like putStage, but fails the test unless the change was accepted. */
export async function setStage(adminUrl: string, route: string, stage: string, extra: Record<string, unknown> = {}): Promise<void> {
  const answer = await putStage(adminUrl, route, { stage, force: true, reason: 'test', ...extra });
  if (answer.status !== 200) throw new Error(`PUT /routes/${route} ${stage}: ${answer.status} ${JSON.stringify(answer.body)}`);
}

export async function metricsText(adminUrl: string): Promise<string> {
  const res = await fetch(`${adminUrl}/metrics`);
  return res.text();
}

/** Sum of every sample of `name` whose labels include all of `labels` (0 when there is none). */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) sum += Number(m[3]);
  }
  return sum;
}
