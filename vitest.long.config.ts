import { defineConfig } from 'vitest/config';

/**
 * The long tier (`pnpm test:long`, run by CI after the fast tier): kill
 * loops, power-loss, corruption and I/O-error sweeps, 100k-row accounting
 * and the real Chroma server. Sized to finish in about ten minutes on two
 * busy cores; `pnpm test:reliability` raises the reliability counts further.
 */
export default defineConfig({
  test: {
    // The files vitest.config.ts (the fast tier) excludes.
    include: ['packages/*/test/**/*.long.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
