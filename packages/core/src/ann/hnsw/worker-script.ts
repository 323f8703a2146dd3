import type { WorkerOptions } from 'node:worker_threads';

/**
 * How to start worker script `name` (an entry beside this module): .js in
 * the ESM bundle, .cjs in the CommonJS bundle (a tsup entry of that name;
 * tsup shims import.meta.url in CJS), .ts when running the sources under
 * vitest or tsx, through tsx's loader (Node 20 ignores `--import` in a
 * worker's execArgv).
 *
 * A bundled worker starts with no Node options (`execArgv: []`) instead of
 * inheriting the process's: it runs only this package's code, so a
 * `--require` or `--import` the application starts with (tsx's loader, an
 * APM agent) would only cost memory and start-up time. Measured in a
 * process started with tsx's loader: each worker that had run left about
 * 7 MB of freed memory resident in its thread's malloc arena after it quit,
 * 8–10 MB over a 100,000 × 128 build with default options (three linking
 * workers one after another; RSS growth 841–874 against 766–787 bytes per
 * vector; a script, not committed). A process started without such
 * options has nothing to inherit, so this changes nothing there.
 */
export function workerScript(name: string): { script: string | URL; options: Pick<WorkerOptions, 'eval' | 'execArgv'> } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { script: new URL(here.endsWith('.cjs') ? `./${name}.cjs` : `./${name}.js`, here), options: { eval: false, execArgv: [] } };
  const source = JSON.stringify(new URL(`./${name}.ts`, here).href);
  return { script: `import('tsx/esm/api').then(({ register }) => { register(); return import(${source}); })`, options: { eval: true } };
}
