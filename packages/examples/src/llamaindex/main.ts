/**
 * `pnpm llamaindex`: LlamaIndex retrieval over the project's own Markdown (or
 * `--dir <folder>`), stored in OmenDB through `@omendb/llamaindex`, embedded
 * locally with the offline semantic default of `@omendb/default-embed`
 * (`--embedder hashing`: the lexical hashing embedder). Prints each question's nodes with their cosine scores. Runs
 * without a network, a model or a TTY.
 *
 *   pnpm llamaindex
 *   pnpm llamaindex -- --dir ~/notes --query "how do I rotate the keys?" --k 5
 *   pnpm llamaindex -- --db ./li-db      # keep the database; a second run reuses it
 */
import { type CommonOptions, databaseDirectory, exampleProgram, parseExampleArgs, runMain, userPath } from '../cli/options.js';
import { loadDefaultCorpus, loadDirectory } from '../corpus/load.js';
import { PROGRAMMING_QUESTIONS, PROJECT_DOCS_QUESTIONS } from '../demo-questions.js';
import { DefaultEmbedding } from './default-embedding.js';
import { HashingEmbedding } from './hashing-embedding.js';
import { runRetrieval } from './retrieval.js';

function parseArguments(argv: string[]): CommonOptions {
  const program = exampleProgram('pnpm llamaindex --', 'LlamaIndex retrieval over Markdown, stored in OmenDB, embedded locally.', 'nodes to retrieve per question', 3);
  return parseExampleArgs<CommonOptions>(program, argv);
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv);
  const corpus = options.dir === undefined ? loadDefaultCorpus() : loadDirectory(userPath(options.dir));
  const questions = options.query.length > 0 ? options.query : options.dir === undefined ? PROJECT_DOCS_QUESTIONS : PROGRAMMING_QUESTIONS;
  const dbDir = databaseDirectory(options.db, 'omendb-llamaindex-');
  const embedModel = options.embedder === 'hashing' ? new HashingEmbedding() : new DefaultEmbedding();
  await runRetrieval({ corpus, dbDir, questions, k: options.k, embedModel, out: (line) => process.stdout.write(`${line}\n`) });
}

runMain('llamaindex example', main);
