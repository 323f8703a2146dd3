import cliProgress from 'cli-progress';
import type { CliIO } from './io.js';
import { formatPercent } from './format.js';

/** A running progress display; `detail` is the text after the percentage. */
export interface Progress {
  /** Sets the amount done (in the units of `total`) and the text shown after it. */
  update(done: number, detail: string): void;
  /** Shows the final state and releases the terminal. */
  finish(done: number, detail: string): void;
  /** Releases the terminal where it stands (after an error); does nothing once finished. */
  stop(): void;
}

/** Plain progress lines are printed at most this often when stderr is not a terminal. */
const PLAIN_INTERVAL_MS = 2000;

/**
 * A progress bar on a terminal (cli-progress), or plain lines at most every
 * two seconds when the output is a pipe or a file, so logs stay readable.
 * `total` may be 0 (nothing to do): the bar then shows 100 %.
 */
export function startProgress(io: CliIO, label: string, total: number): Progress {
  if (io.terminal) return terminalProgress(io.terminal, label, total);
  let lastPrint = io.now();
  let lastLine = '';
  const print = (done: number, detail: string) => {
    const line = `${label}: ${formatPercent(total === 0 ? 1 : done / total)} ${detail}\n`;
    if (line !== lastLine) io.stderr(line);
    lastLine = line;
  };
  return {
    update(done, detail) {
      const now = io.now();
      if (now - lastPrint < PLAIN_INTERVAL_MS) return;
      lastPrint = now;
      print(done, detail);
    },
    finish: print,
    stop: () => {},
  };
}

function terminalProgress(stream: NodeJS.WriteStream, label: string, total: number): Progress {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label} {bar} {percentage}% | {detail}`,
      hideCursor: true,
      barsize: 30,
      // Redraw at most ten times a second: drawing is slower than the work between updates.
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  const scale = Math.max(total, 1);
  let running = true;
  bar.start(scale, 0, { detail: '' });
  return {
    update(done, detail) {
      if (running) bar.update(Math.min(done, scale), { detail });
    },
    finish(done, detail) {
      if (!running) return;
      bar.update(total === 0 ? scale : Math.min(done, scale), { detail });
      this.stop();
    },
    stop() {
      // The bar hides the cursor while it runs: it must be stopped on every path out.
      if (running) bar.stop();
      running = false;
    },
  };
}
