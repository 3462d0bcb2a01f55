// A stand-in service in its own process (plain node, no ts-node: it starts in ~50 ms), so a test can
// freeze it with SIGSTOP and thaw it with SIGCONT the way an operator or a stuck GC would: the kernel
// keeps accepting its connections, nothing answers. It answers every request with
// `{ from, method, url, deadline }` (deadline: the x-request-timeout-ms header it got, or null).
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';

const SCRIPT = `
const http = require('node:http');
const name = process.argv[1];
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const body = JSON.stringify({ from: name, method: req.method, url: req.url, deadline: req.headers['x-request-timeout-ms'] ?? null });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

export interface ServiceProcess {
  readonly url: string;
  readonly pid: number;
  /** SIGSTOP: the process stops answering (its listen socket still accepts connections). */
  freeze(): void;
  /** SIGCONT. */
  thaw(): void;
  /** SIGKILL (after SIGCONT, so a frozen process dies too); resolves when it is gone. */
  kill(): Promise<void>;
}

const running = new Set<ChildProcess>();

export async function startServiceProcess(name: string): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['-e', SCRIPT, name], { stdio: ['ignore', 'pipe', 'inherit'] });
  running.add(child);
  const exited = new Promise<void>((r) => child.once('exit', () => { running.delete(child); r(); }));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    child.once('exit', (code) => reject(new Error(`${name} exited before listening (code ${code})`)));
  });
  const signal = (s: NodeJS.Signals): void => { if (child.exitCode === null && child.signalCode === null) child.kill(s); };
  return {
    url: `http://127.0.0.1:${port}`, pid: child.pid!,
    freeze: () => signal('SIGSTOP'),
    thaw: () => signal('SIGCONT'),
    kill: async () => { signal('SIGCONT'); signal('SIGKILL'); await exited; },
  };
}

/** Kills every service process a test started here that is still running (afterEach). */
export async function killServiceProcesses(): Promise<void> {
  for (const child of running) { child.kill('SIGCONT'); child.kill('SIGKILL'); }
  running.clear();
}
