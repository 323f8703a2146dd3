/**
 * Progress for a long loop: a redrawn bar (`cli-progress`) on a terminal, and a
 * few plain lines otherwise, because redraws written to a CI log or a file
 * become hundreds of lines of carriage returns.
 */
import cliProgress from 'cli-progress';

/** A progress display over `total` units of work. */
export interface Progress {
  /** Records `n` more units done (n ≥ 0). */
  increment(n: number): void;
  /** Ends the display; call once, after the last `increment`. */
  stop(): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** What is being counted, shown after the counts: e.g. `"passages"`. */
  unit: string;
  /** Output stream; default `process.stdout`. A bar is drawn only when `stream.isTTY`. */
  stream?: NodeJS.WriteStream;
  /** Plain-line mode: how many evenly spaced lines to print (the last at 100%), ≥ 1. Default 4. */
  plainLines?: number;
}

/** Starts a progress display for `total` units of `label` work (e.g. `"Embedding + storing"`). */
export function createProgress(label: string, total: number, options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stdout;
  return stream.isTTY ? barProgress(label, total, options.unit, stream) : plainProgress(label, total, options, stream);
}

function barProgress(label: string, total: number, unit: string, stream: NodeJS.WriteStream): Progress {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {eta_formatted} left`,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    increment: (n) => bar.increment(n),
    stop: () => bar.stop(),
  };
}

function plainProgress(label: string, total: number, options: ProgressOptions, stream: NodeJS.WriteStream): Progress {
  const lines = Math.max(1, options.plainLines ?? 4);
  const started = performance.now();
  let done = 0;
  let printed = 0;
  const print = (): void => {
    const seconds = (performance.now() - started) / 1000;
    const percent = total === 0 ? 100 : Math.round((100 * done) / total);
    stream.write(`${label}: ${done}/${total} ${options.unit} (${percent}%, ${seconds.toFixed(2)} s)\n`);
  };
  return {
    increment(n) {
      done += n;
      // Print each time another 1/lines of the work crosses, but never the same step twice.
      const step = total === 0 ? lines : Math.floor((done * lines) / total);
      if (step > printed) {
        printed = step;
        print();
      }
    },
    stop() {
      if (printed < lines) print();
    },
  };
}
