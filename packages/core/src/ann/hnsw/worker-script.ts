/**
 * How to start worker script `name` (an entry beside this module): .js in
 * the ESM bundle, .cjs in the CommonJS bundle (a tsup entry of that name;
 * tsup shims import.meta.url in CJS), .ts when running the sources under
 * vitest or tsx, through tsx's loader (Node 20 ignores `--import` in a
 * worker's execArgv).
 */
export function workerScript(name: string): { script: string | URL; eval: boolean } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { script: new URL(here.endsWith('.cjs') ? `./${name}.cjs` : `./${name}.js`, here), eval: false };
  const source = JSON.stringify(new URL(`./${name}.ts`, here).href);
  return { script: `import('tsx/esm/api').then(({ register }) => { register(); return import(${source}); })`, eval: true };
}
