// Replaying writes must never reach a live upstream by accident: a target is live when it has the
// host and port of the configured monolith, a configured service, or the facade
// itself (which forwards to them). Loopback spellings (localhost, 127.x, ::1, 0.0.0.0) are one
// host, and a base path does not make a live origin safe. Pure.

export interface LiveUpstream {
  /** `monolith`, `service <name>` or `facade`. */
  readonly name: string;
  readonly url: string;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[?::1\]?|\[?::\]?|0\.0\.0\.0)$/i;

function origin(url: string): string | null {
  if (!URL.canParse(url)) return null;
  const u = new URL(url);
  const host = LOOPBACK.test(u.hostname) ? 'loopback' : u.hostname.toLowerCase();
  const port = u.port !== '' ? u.port : u.protocol === 'https:' ? '443' : '80';
  return `${host}:${port}`; // one port serves one scheme: http and https on it are the same server
}

/** The live upstream `target` points at, or null when it is none of them. */
export function liveUpstreamAt(target: string, live: readonly LiveUpstream[]): LiveUpstream | null {
  const t = origin(target);
  if (t === null) return null;
  return live.find((l) => origin(l.url) === t) ?? null;
}
