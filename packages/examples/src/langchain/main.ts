/**
 * The LangChain RAG example: Markdown (the project's own docs by default, or
 * `--dir`) loaded, split with `@langchain/textsplitters`, embedded locally,
 * stored in `OmenVectorStore`, and retrieved for each question. Embeds with the
 * offline semantic default of `@omendb/default-embed` (`--embedder hashing`:
 * the lexical hashing embedder). With a chat
 * model configured by environment (see `llm-from-env.ts`) it answers;
 * otherwise it prints the prompt it would send. No network, model or TTY
 * needed by default.
 *
 *   pnpm --filter @omendb/examples exec tsx src/langchain/main.ts
 *   pnpm --filter @omendb/examples exec tsx src/langchain/main.ts --dir ~/notes -q "how do I rotate the keys?" --k 3
 *   OPENAI_API_KEY=… pnpm --filter @omendb/examples exec tsx src/langchain/main.ts
 */
import { type CommonOptions, databaseDirectory, exampleProgram, parseExampleArgs, runMain, userPath } from '../cli/options.js';
import { PROGRAMMING_QUESTIONS, PROJECT_DOCS_QUESTIONS } from '../demo-questions.js';
import { DefaultEmbeddings } from './default-embeddings.js';
import { HashingEmbeddings } from './hashing-embeddings.js';
import { chatModelFromEnv } from './llm-from-env.js';
import { loadMarkdownDirectory, loadProjectDocs } from './markdown-files.js';
import { runRag } from './rag.js';

function parseArguments(argv: string[]): CommonOptions {
  const program = exampleProgram(
    'langchain example',
    'LangChain RAG over Markdown with OmenVectorStore: load, split, embed locally, store, retrieve, answer or print the prompt.',
    'chunks to retrieve per question',
    4,
  );
  return parseExampleArgs<CommonOptions>(program, argv);
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv);
  const out = (line: string) => void process.stdout.write(`${line}\n`);
  const corpus = options.dir === undefined ? loadProjectDocs() : loadMarkdownDirectory(userPath(options.dir));
  const questions = options.query.length > 0 ? options.query : options.dir === undefined ? PROJECT_DOCS_QUESTIONS : PROGRAMMING_QUESTIONS;
  const embeddings = options.embedder === 'hashing' ? new HashingEmbeddings() : new DefaultEmbeddings();
  const { llm, description } = await chatModelFromEnv();
  out(
    options.embedder === 'hashing'
      ? `Embedder: HashingEmbeddings (local feature hashing, ${embeddings.dimension}-d, lexical, not semantic)`
      : `Embedder: DefaultEmbeddings (@omendb/default-embed, Universal Sentence Encoder lite, ${embeddings.dimension}-d, semantic, offline)`,
  );
  out(`LLM: ${description}`);
  out(`Corpus: ${corpus.documents.length} files from ${corpus.source}`);
  const dbDir = databaseDirectory(options.db, 'omendb-langchain-');
  await runRag({ documents: corpus.documents, dbDir, questions, k: options.k, embeddings, llm: llm ?? undefined, out });
}

runMain('langchain example', main);
