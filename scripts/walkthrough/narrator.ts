// The walkthrough's voice: step headings, narration, the exact command a person would type, that
// command's real output (run through runCli against the walkthrough's stack), and the pause for
// Enter in --step mode. Everything goes to one output stream, so tests can capture it whole.
import { Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import { runCli } from '../cli';

export interface NarratorOptions {
  readonly out: NodeJS.WritableStream;
  readonly input?: NodeJS.ReadableStream;
  readonly step: boolean;
  /** Environment the commands run with (the `export` lines printed at the start). */
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Aborting ends a pause for Enter. */
  readonly signal?: AbortSignal;
}

/** What one CLI command did: its exit code and what it printed. */
export interface CommandRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A writable that keeps what is written, with no TTY (so the CLI prints no colour). */
class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Quotes one argument the way a shell user would type it. */
export function shellQuote(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  if (!/["$`\\!]/.test(arg)) return `"${arg}"`;
  return arg.includes("'") ? `"${arg.replace(/(["\\$`])/g, '\\$1')}"` : `'${arg}'`;
}

export class Narrator {
  private stepNo = 0;

  constructor(private readonly opts: NarratorOptions) {}

  get out(): NodeJS.WritableStream {
    return this.opts.out;
  }

  /** `=== Step 3: dualwrite ===`, after waiting for Enter in --step mode. */
  async heading(title: string): Promise<number> {
    this.opts.signal?.throwIfAborted();
    this.stepNo += 1;
    if (this.opts.step && this.stepNo > 1) await this.pause();
    this.write(`\n=== Step ${this.stepNo}: ${title} ===\n`);
    return this.stepNo;
  }

  /** Narration: wrapped at 100 columns, one paragraph per call. */
  say(text: string): void {
    this.write(`${wrap(text, 100)}\n`);
  }

  /** A line of output from the walkthrough itself (figures it measured). */
  note(text: string): void {
    this.write(`  ${text}\n`);
  }

  /** Prints a shell command a person would type (not run by the CLI). */
  typed(command: string): void {
    this.write(`\n$ ${command}\n`);
  }

  /**
   * Prints `$ npx strangler <args>`, runs it through runCli and prints its output; returns what it did.
   * `show` shortens the printed stdout (marking what it left out); the returned run keeps all of it.
   */
  async cli(args: readonly string[], opts: { quiet?: boolean; allowFail?: boolean; show?: (stdout: string) => string } = {}): Promise<CommandRun> {
    if (!opts.quiet) this.typed(`npx strangler ${args.map(shellQuote).join(' ')}`);
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await runCli(args, {
      stdout, stderr, env: this.opts.env, cwd: this.opts.cwd,
      onInterrupt: () => () => undefined,
    });
    if (!opts.quiet) {
      this.write(indent((opts.show ? opts.show(stdout.text) : stdout.text) + stderr.text));
      if (code !== 0) this.write(`  (exit code ${code})\n`);
    }
    if (code !== 0 && !opts.allowFail) {
      throw new Error(`npx strangler ${args.join(' ')} exited with ${code}: ${(stderr.text || stdout.text).trim()}`);
    }
    return { code, stdout: stdout.text, stderr: stderr.text };
  }

  write(text: string): void {
    this.opts.out.write(text);
  }

  private async pause(): Promise<void> {
    const input = this.opts.input ?? process.stdin;
    const rl = createInterface({ input, output: this.opts.out, terminal: false });
    this.write('\n[press Enter for the next step] ');
    const signal = this.opts.signal;
    if (signal?.aborted) throw new Error('interrupted');
    try {
      await new Promise<void>((resolve, reject) => {
        rl.once('line', () => resolve()).once('close', () => resolve());
        signal?.addEventListener('abort', () => reject(new Error('interrupted')), { once: true });
      });
    } finally {
      rl.close();
    }
  }
}

/** Indents every non-empty line by two spaces (command output under its command). */
export function indent(text: string): string {
  if (text === '') return '';
  return text.replace(/\n$/, '').split('\n').map((l) => (l === '' ? '' : `  ${l}`)).join('\n') + '\n';
}

function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}
