/**
 * What the example tests share: a small folder of notes (a nested Markdown
 * file with two heading levels, one flat Markdown file and one bike note) and
 * a run of an example command as CI runs it (a child process through tsx, no
 * TTY, `INIT_CWD` cleared so paths resolve against this package).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Writes the notes under `dir` (created): garden/tomatoes.md, bread.md and bikes.<bikes>. */
export function writeNotes(dir: string, bikes: 'md' | 'txt' = 'md'): void {
  mkdirSync(join(dir, 'garden'), { recursive: true });
  writeFileSync(
    join(dir, 'garden', 'tomatoes.md'),
    '# Garden\n\n## Tomatoes\n\nWater tomatoes deeply twice a week and stake the vines so the fruit stays off the soil.\n',
  );
  writeFileSync(join(dir, 'bread.md'), '# Bread\n\nKnead the dough for ten minutes, then let it rise until doubled before baking at 220 degrees.\n');
  const chain = 'Oil the bicycle chain every few hundred kilometres and after riding in rain.\n';
  writeFileSync(join(dir, `bikes.${bikes}`), bikes === 'md' ? `# Bikes\n\n${chain}` : chain);
}

/** Runs `node --import tsx <script> ...args` in this package; a failed run returns its exit code and output instead of throwing. */
export async function runExample(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: packageDir,
      env: { ...process.env, INIT_CWD: '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
