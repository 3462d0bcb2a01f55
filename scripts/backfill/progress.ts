// Progress display for the bulk phase of a backfill: a cli-progress bar when the output is a
// terminal, plain "n/total rows" lines at every tenth otherwise (CI logs, pipes, files),
// so a redirected run leaves a readable log instead of carriage-return noise.
import { Presets, SingleBar } from 'cli-progress';

export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface ProgressReporter {
  update(done: number, total: number): void;
  /** Ends the bar (if one was drawn); safe to call more than once. */
  stop(): void;
}

/** Picks a bar or plain lines depending on whether `out` is a TTY. */
export function progressReporter(label: string, out: OutputStream): ProgressReporter {
  return out.isTTY ? barReporter(label, out) : lineReporter(label, out);
}

function barReporter(label: string, out: OutputStream): ProgressReporter {
  let bar: SingleBar | null = null;
  return {
    update(done, total) {
      if (!bar) {
        bar = new SingleBar(
          {
            format: `${label} [{bar}] {percentage}% | {value}/{total} rows | {eta_formatted} left`,
            stream: out as NodeJS.WritableStream,
            hideCursor: true,
            etaBuffer: 20,
          },
          Presets.shades_classic,
        );
        bar.start(total, done);
        return;
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}

function lineReporter(label: string, out: OutputStream): ProgressReporter {
  let lastTenth = -1;
  return {
    update(done, total) {
      const tenth = total === 0 ? 10 : Math.floor((done * 10) / total);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      const pct = total === 0 ? 100 : Math.floor((done * 100) / total);
      out.write(`${label}: ${done}/${total} rows (${pct}%)\n`);
    },
    stop() {},
  };
}
