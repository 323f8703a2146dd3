import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The fast tier: what the README's test command (`pnpm test`) runs. It must
 * pass in minutes on a busy 2-core machine, so it holds no clock assertions
 * and only bounded forms of the reliability runs. Kill loops, sweeps, real
 * servers and anything slower than ~10 s live in `*.long.test.ts` files,
 * which `pnpm test:long` runs (vitest.long.config.ts, same glob).
 */
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, 'packages/*/test/**/*.long.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // vitest's default on two cores is one worker; most files wait on child processes and fsync, so two overlap well.
    maxWorkers: 2,
    // Files of one worker share loaded modules instead of importing the engine afresh per file: about a
    // third less CPU for the tier. Tests therefore leave no global state behind (databases closed, spies
    // restored); the long tier keeps isolation.
    isolate: false,
  },
});
