/**
 * The LangChain RAG example: Markdown (the project's own docs by default, or
 * `--dir`) loaded, split with `@langchain/textsplitters`, embedded locally,
 * stored in `OmenVectorStore`, and retrieved for each question. With a chat
 * model configured by environment (see `llm-from-env.ts`) it answers;
 * otherwise it prints the prompt it would send. No network, model or TTY
 * needed by default.
 *
 *   pnpm --filter @omendb/examples exec tsx src/langchain/main.ts
 *   pnpm --filter @omendb/examples exec tsx src/langchain/main.ts --dir ~/notes -q "how do I rotate the keys?" --k 3
 *   OPENAI_API_KEY=… pnpm --filter @omendb/examples exec tsx src/langchain/main.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { PROGRAMMING_QUESTIONS, PROJECT_DOCS_QUESTIONS } from '../demo-questions.js';
import { HashingEmbeddings } from './hashing-embeddings.js';
import { chatModelFromEnv } from './llm-from-env.js';
import { loadMarkdownDirectory, loadProjectDocs } from './markdown-files.js';
import { runRag } from './rag.js';

interface Options {
  dir?: string;
  query: string[];
  db?: string;
  k: number;
}

function parseArguments(argv: string[]): Options {
  const program = new Command()
    .name('langchain example')
    .description('LangChain RAG over Markdown with OmenVectorStore: load, split, embed locally, store, retrieve, answer or print the prompt.')
    .option('--dir <folder>', 'use every .md/.markdown/.txt file under <folder> instead of the project docs')
    .option('-q, --query <text>', 'a question to ask (repeatable); replaces the built-in questions', (v: string, all: string[]) => [...all, v], [])
    .option('--db <dir>', 'database directory to create or reuse (default: a temporary directory, removed afterwards)')
    .option('-k, --k <n>', 'chunks to retrieve per question', positiveInteger, 4)
    .showHelpAfterError();
  // `pnpm … -- --dir x` forwards the `--` itself.
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
  const out = (line: string) => void process.stdout.write(`${line}\n`);
  const corpus = options.dir === undefined ? loadProjectDocs() : loadMarkdownDirectory(userPath(options.dir));
  const questions = options.query.length > 0 ? options.query : options.dir === undefined ? PROJECT_DOCS_QUESTIONS : PROGRAMMING_QUESTIONS;
  const embeddings = new HashingEmbeddings();
  const { llm, description } = await chatModelFromEnv();
  out(`Embedder: HashingEmbeddings (local feature hashing, ${embeddings.dimension}-d, lexical, not semantic)`);
  out(`LLM: ${description}`);
  out(`Corpus: ${corpus.documents.length} files from ${corpus.source}`);
  const dbDir = options.db === undefined ? mkdtempSync(join(tmpdir(), 'omendb-langchain-')) : userPath(options.db);
  if (options.db === undefined) removeOnExit(dbDir);
  await runRag({ documents: corpus.documents, dbDir, questions, k: options.k, embeddings, llm: llm ?? undefined, out });
}

/**
 * Removes the temporary database however the process ends: normally, on an
 * uncaught error (e.g. EPIPE when piped into `head`), or on Ctrl-C / SIGTERM,
 * which otherwise skip `finally` blocks.
 */
function removeOnExit(dir: string): void {
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
}

main().catch((error: unknown) => {
  // OmenDB errors carry a stable `code`; show it so a failure can be matched to the docs.
  const code = typeof (error as { code?: unknown })?.code === 'string' ? ` [${(error as { code: string }).code}]` : '';
  const message = error instanceof Error ? `${error.name}${code}: ${error.message}` : String(error);
  process.stderr.write(`langchain example failed: ${message}\n`);
  process.exitCode = 1;
});
