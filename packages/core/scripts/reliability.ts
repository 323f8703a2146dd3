/**
 * `pnpm test:reliability`: the long forms of the reliability suite — the
 * long-tier files (`*.long.test.ts`, which `pnpm test:long` runs) and the
 * reliability files of the fast tier, with iteration counts raised through
 * their environment variables — and a table of the figures each test reports.
 *
 *   pnpm test:reliability              long forms (about an hour on 2 cores)
 *   pnpm test:reliability --quick      the CI sizes of `pnpm test:long`, with the table
 *   pnpm test:reliability --json out.json
 *
 * Any OMENDB_* variable already set wins over the long-form value, e.g.
 * OMENDB_KILL9_ITERATIONS=20000 or OMENDB_SEED=7.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LONG_FORM: Record<string, string> = {
  OMENDB_KILL9_ITERATIONS: '5000',
  OMENDB_KILL9_POINT_RUNS: '20',
  OMENDB_POWER_RUNS: '1000',
  OMENDB_CORRUPTION_OFFSETS: '1000000',
  OMENDB_IO_SEEDS: '10',
  OMENDB_IO_OPS: '60',
  OMENDB_MODEL_SEEDS: '300',
  OMENDB_MODEL_STEPS: '1000',
  OMENDB_LOCK_RACE_ROUNDS: '50',
};

/** Per tier: the vitest config that includes its files, and the files. */
const TIERS: [config: string, files: string[]][] = [
  ['vitest.config.ts', ['reliability-sim-disk.test.ts', 'reliability-power.test.ts', 'reliability-io.test.ts', 'locking.test.ts', 'bad-input.test.ts']],
  [
    'vitest.long.config.ts',
    [
      'kill9.long.test.ts',
      'reliability-power.long.test.ts',
      'reliability-corruption.long.test.ts',
      'reliability-io.long.test.ts',
      'reliability-model.long.test.ts',
      'locking-races.long.test.ts',
    ],
  ],
];

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;

const work = mkdtempSync(join(tmpdir(), 'omendb-reliability-'));
const report = join(work, 'figures.jsonl');
const env: NodeJS.ProcessEnv = { ...process.env, OMENDB_RELIABILITY_REPORT: report };
if (!quick) for (const [key, value] of Object.entries(LONG_FORM)) env[key] ??= value;

const vitest = join(repo, 'node_modules', '.bin', 'vitest');
console.log(`reliability suite (${quick ? 'CI sizes' : 'long forms'}), seed ${env.OMENDB_SEED ?? 'default'}`);
const started = Date.now();
// No per-test timeout: a long form runs for many minutes; a hang still shows as a run that never ends.
let status = 0;
for (const [config, files] of TIERS) {
  const testFiles = files.map((f) => `packages/core/test/${f}`);
  const run = spawnSync(vitest, ['run', '--config', config, ...testFiles, '--testTimeout=0', '--hookTimeout=0'], { cwd: repo, env, stdio: 'inherit' });
  status ||= run.status ?? 1;
}
const minutes = (Date.now() - started) / 60_000;

const figures = existsSync(report)
  ? readFileSync(report, 'utf8')
      .trim()
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
  : [];
console.log(`\nfigures (${figures.length} tests, ${minutes.toFixed(1)} min, exit ${status}):`);
for (const { test, ...rest } of figures) {
  console.log(`  ${String(test).padEnd(58)} ${Object.entries(rest).map(([k, v]) => `${k}=${v}`).join(' ')}`);
}
if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify({ quick, minutes, exit: status, env: pick(env), figures }, null, 2)}\n`);
rmSync(work, { recursive: true, force: true });
process.exit(status);

function pick(all: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith('OMENDB_') && k !== 'OMENDB_RELIABILITY_REPORT')) as Record<string, string>;
}
