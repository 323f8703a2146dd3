/**
 * `pnpm llamaindex`: LlamaIndex retrieval over the project's own Markdown (or
 * `--dir <folder>`), stored in OmenDB through `@omendb/llamaindex`, embedded
 * locally. Prints each question's nodes with their cosine scores. Runs
 * without a network, a model or a TTY.
 *
 *   pnpm llamaindex
 *   pnpm llamaindex -- --dir ~/notes --query "how do I rotate the keys?" --k 5
 *   pnpm llamaindex -- --db ./li-db      # keep the database; a second run reuses it
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { loadDefaultCorpus, loadDirectory } from '../corpus/load.js';
import { PROGRAMMING_QUESTIONS, PROJECT_DOCS_QUESTIONS } from '../demo-questions.js';
import { runRetrieval } from './retrieval.js';

interface Options {
  dir?: string;
  query: string[];
  db?: string;
  k: number;
}

function parseArguments(argv: string[]): Options {
  const program = new Command()
    .name('pnpm llamaindex --')
    .description('LlamaIndex retrieval over Markdown, stored in OmenDB, embedded locally.')
    .option('--dir <folder>', 'index every .md/.txt file under <folder> instead of the project docs')
    .option('-q, --query <text>', 'a question to ask (repeatable); replaces the built-in questions', (v: string, all: string[]) => [...all, v], [])
    .option('--db <dir>', 'database directory to create or reuse (default: a temporary directory, removed afterwards)')
    .option('-k, --k <n>', 'nodes to retrieve per question', positiveInteger, 3)
    .showHelpAfterError();
  // `pnpm llamaindex -- --dir x` forwards the `--` itself.
  const args = argv.slice(2);
  if (args[0] === '--') args.shift();
  program.parse(args, { from: 'user' });
  return program.opts<Options>();
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected an integer >= 1');
  return n;
}

/** Relative paths are taken from where the user ran pnpm (`INIT_CWD`), not this package. */
function userPath(path: string): string {
  return isAbsolute(path) ? path : resolve(process.env.INIT_CWD || process.cwd(), path);
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv);
  const corpus = options.dir === undefined ? loadDefaultCorpus() : loadDirectory(userPath(options.dir));
  const questions = options.query.length > 0 ? options.query : options.dir === undefined ? PROJECT_DOCS_QUESTIONS : PROGRAMMING_QUESTIONS;
  const dbDir = options.db === undefined ? mkdtempSync(join(tmpdir(), 'omendb-llamaindex-')) : userPath(options.db);
  try {
    await runRetrieval({ corpus, dbDir, questions, k: options.k, out: (line) => process.stdout.write(`${line}\n`) });
  } finally {
    if (options.db === undefined) rmSync(dbDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  // OmenDB errors carry a stable `code`; show it so a failure can be matched to the docs.
  const code = typeof (error as { code?: unknown })?.code === 'string' ? ` [${(error as { code: string }).code}]` : '';
  const message = error instanceof Error ? `${error.name}${code}: ${error.message}` : String(error);
  process.stderr.write(`llamaindex example failed: ${message}\n`);
  process.exitCode = 1;
});
