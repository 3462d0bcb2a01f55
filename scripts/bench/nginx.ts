// nginx as the reference proxy: found on PATH (or at /usr/sbin/nginx, where Debian puts it
// outside a normal user's PATH), configured in a temp dir with `proxy_pass` to the monolith over
// an upstream keepalive pool, one worker (the facade runs as one process too), started in the
// foreground so the PID spawned here is the master, and stopped by that PID.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { childPids } from './cpu';
import { freePort, spawnCommand, stopChild, tail, waitForPort, type Spawned } from './children';

export interface NginxFound {
  readonly bin: string;
  readonly version: string;
  /** How it was found: 'PATH' or the fixed path checked. */
  readonly via: string;
}

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function findNginx(explicit?: string): NginxFound | null {
  const candidates: Array<[string, string]> = [];
  if (explicit) candidates.push([explicit, '--nginx']);
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) candidates.push([path.join(dir, 'nginx'), 'PATH']);
  candidates.push(['/usr/sbin/nginx', '/usr/sbin/nginx']);
  for (const [bin, via] of candidates) {
    if (!executable(bin)) continue;
    // `nginx -v` prints its version on stderr.
    const r = spawnSync(bin, ['-v'], { encoding: 'utf8', timeout: 5000 });
    if (r.status !== 0) continue;
    return { bin, via, version: `${r.stderr}${r.stdout}`.trim().replace(/^nginx version:\s*/, '') };
  }
  return null;
}

export interface RunningNginx {
  readonly port: number;
  readonly master: Spawned;
  readonly workers: readonly number[];
  readonly confFile: string;
  stop(): Promise<void>;
}

function config(dir: string, port: number, upstreamPort: number): string {
  return `# written by scripts/bench/nginx.ts
worker_processes 1;
daemon off;
master_process on;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_timeout 120s;
  keepalive_requests 1000000;
  upstream monolith {
    server 127.0.0.1:${upstreamPort};
    keepalive 64;
    keepalive_requests 1000000;
    keepalive_timeout 120s;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://monolith;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
  }
}
`;
}

export async function startNginx(found: NginxFound, dir: string, upstreamPort: number): Promise<RunningNginx> {
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const confFile = path.join(dir, 'nginx.conf');
  fs.writeFileSync(confFile, config(dir, port, upstreamPort));
  const master = spawnCommand('nginx', found.bin, ['-p', dir, '-c', confFile, '-e', path.join(dir, 'error.log')], dir);
  const exited = (): boolean => master.proc.exitCode !== null || master.proc.signalCode !== null;
  try {
    await waitForPort(port, 10_000, exited);
  } catch (err) {
    await stopChild(master, 'SIGQUIT');
    throw new Error(`${(err as Error).message}\n--- nginx output ---\n${tail(master.log)}\n--- error.log ---\n${tail(path.join(dir, 'error.log'))}`);
  }
  let workers: number[] = [];
  for (let i = 0; i < 50 && workers.length === 0; i++) {
    workers = childPids(master.pid);
    if (workers.length === 0) await new Promise((r) => setTimeout(r, 20));
  }
  master.extraPids = workers;
  return {
    port, master, workers, confFile,
    // SIGQUIT: graceful shutdown; the master waits for its workers to finish and exit.
    stop: () => stopChild(master, 'SIGQUIT'),
  };
}
