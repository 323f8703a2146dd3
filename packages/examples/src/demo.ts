/**
 * `pnpm demo`: the whole job on real text. Loads a corpus (the project's own
 * docs by default, or `--dir` / `--jsonl`), splits it into passages, embeds them
 * locally with the offline semantic default of `@omendb/default-embed` (or the
 * lexical hashing embedder with `--embedder hashing`), stores them in OmenDB with
 * `durability: 'sync'`, asks a few questions, and prints the top passages with
 * their cosine distances, the ingest rate, query latencies and the database's
 * `stats()`. Runs without a network, an API key or a TTY.
 */
import { Option } from 'commander';
import { type Collection, OmenDB } from '@omendb/core';
import { summarizeLatency } from './cli/latency.js';
import { formatBytes, snippet } from './cli/format.js';
import { type CommonOptions, databaseDirectory, exampleProgram, parseExampleArgs, runMain, userPath } from './cli/options.js';
import { createProgress } from './cli/progress.js';
import { type Corpus, loadDefaultCorpus, loadDirectory, loadJsonl } from './corpus/load.js';
import { type Passage, passageBody, textForEmbedding } from './corpus/passage.js';
import { PROGRAMMING_QUESTIONS, PROJECT_DOCS_QUESTIONS } from './demo-questions.js';
import { createTextEmbedder, EMBED_CHUNK, type TextEmbedder } from './embedder/text-embedder.js';

/** Passages per `add` call: one WAL record and one fsync each under `durability: 'sync'`. */
const BATCH_SIZE = 256;
/** Queries timed for the latency figures: the questions, then stored passage vectors as further queries. */
const TIMED_QUERIES = 200;
const COLLECTION = 'passages';
const SNIPPET_CHARS = 160;

interface DemoOptions extends CommonOptions {
  jsonl?: string;
}

/** Parsed command line; paths stay as typed and are resolved against the user's directory later. */
function parseArguments(argv: string[]): DemoOptions {
  const program = exampleProgram(
    'pnpm demo --',
    'Index Markdown or JSONL passages into OmenDB with a local embedder, then ask questions.',
    'passages to show per question',
    3,
  ).addOption(new Option('--jsonl <file>', 'index passages from a JSONL file: {"text", "id"?, "file"?, "headings"?} per line').conflicts('dir'));
  return parseExampleArgs<DemoOptions>(program, argv);
}

async function loadCorpus(options: DemoOptions): Promise<Corpus> {
  if (options.jsonl !== undefined) return loadJsonl(userPath(options.jsonl));
  if (options.dir !== undefined) return loadDirectory(userPath(options.dir));
  return loadDefaultCorpus();
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function plural(n: number, noun: string): string {
  return `${count(n)} ${noun}${n === 1 ? '' : 's'}`;
}

type Print = (line?: string) => void;

/**
 * Embeds and adds `passages` in batches of {@link BATCH_SIZE}, embedding
 * {@link EMBED_CHUNK} at a time so the progress moves while the model works;
 * prints the ingest line.
 */
async function ingest(collection: Collection, passages: Passage[], embedder: TextEmbedder, out: Print): Promise<void> {
  let embedMs = 0;
  let addMs = 0;
  const progress = createProgress('Embedding + storing', passages.length, { unit: 'passages' });
  for (let start = 0; start < passages.length; start += BATCH_SIZE) {
    const batch = passages.slice(start, start + BATCH_SIZE);
    const embedStarted = performance.now();
    const embeddings: Array<number[] | Float32Array> = [];
    // A chunk counts as done when the next one starts; the last one once the batch is stored.
    let pending = 0;
    for (let i = 0; i < batch.length; i += EMBED_CHUNK) {
      progress.increment(pending);
      const chunk = batch.slice(i, i + EMBED_CHUNK);
      embeddings.push(...(await embedder.embedBatch(chunk.map(textForEmbedding))));
      pending = chunk.length;
    }
    const addStarted = performance.now();
    await collection.add({
      ids: batch.map((p) => p.id),
      embeddings,
      metadatas: batch.map((p) => ({ file: p.file, headings: p.headings })),
      documents: batch.map(passageBody),
    });
    const addEnded = performance.now();
    embedMs += addStarted - embedStarted;
    addMs += addEnded - addStarted;
    progress.increment(pending);
  }
  progress.stop();
  const totalMs = embedMs + addMs;
  out(
    `Ingest: ${count(passages.length)} passages in ${seconds(totalMs)} ` +
      `(${count(Math.round(passages.length / (totalMs / 1000)))} passages/s; ` +
      `embed ${seconds(embedMs)}, OmenDB add ${seconds(addMs)} in batches of ${BATCH_SIZE})`,
  );
}

/** Asks each question and prints its top `k` passages. Returns the search and question-embedding times, ms. */
async function ask(
  collection: Collection,
  questions: readonly string[],
  k: number,
  embedder: TextEmbedder,
  out: Print,
): Promise<{ searchMs: number[]; embedMs: number[] }> {
  const searchMs: number[] = [];
  const embedMs: number[] = [];
  for (const [index, question] of questions.entries()) {
    const embedStarted = performance.now();
    const [queryEmbedding] = await embedder.embedBatch([question]);
    const queryStarted = performance.now();
    const result = await collection.query({
      queryEmbeddings: [queryEmbedding],
      nResults: k,
      include: ['documents', 'metadatas', 'distances'],
    });
    searchMs.push(performance.now() - queryStarted);
    embedMs.push(queryStarted - embedStarted);

    out();
    out(`Q${index + 1}: ${question}`);
    const ids = result.ids[0] ?? [];
    if (ids.length === 0) out('  (no results)');
    for (let rank = 0; rank < ids.length; rank++) {
      const metadata = result.metadatas?.[0]?.[rank] ?? null;
      const file = typeof metadata?.file === 'string' ? metadata.file : ids[rank];
      const headings = Array.isArray(metadata?.headings) ? metadata.headings.map(String) : [];
      const distance = result.distances?.[0]?.[rank];
      out(`  ${rank + 1}. ${distance === undefined ? '   ?  ' : distance.toFixed(4)}  ${[file, ...headings].join(' › ')}`);
      out(`     ${snippet(result.documents?.[0]?.[rank] ?? '', SNIPPET_CHARS)}`);
    }
  }
  return { searchMs, embedMs };
}

/**
 * Times `extra` more searches, so the median and p95 describe a distribution
 * rather than four samples: the stored vectors of evenly spaced passages,
 * cycling on a small corpus (read back from the collection, so no embedding
 * is in the loop). Returns their durations, ms.
 */
async function timeMoreQueries(collection: Collection, extra: number, k: number): Promise<number[]> {
  if (extra === 0) return [];
  const stored = (await collection.get({ include: ['embeddings'] })).embeddings ?? [];
  const searchMs: number[] = [];
  for (let taken = 0; taken < extra && stored.length > 0; taken++) {
    const queryEmbedding = stored[Math.floor((taken * stored.length) / extra) % stored.length];
    const queryStarted = performance.now();
    await collection.query({ queryEmbeddings: [queryEmbedding], nResults: k, include: ['distances'] });
    searchMs.push(performance.now() - queryStarted);
  }
  return searchMs;
}

function printStats(db: OmenDB, out: Print): void {
  const stats = db.stats();
  const components = Object.entries(stats.components)
    .map(([name, bytes]) => `${name} ${formatBytes(bytes)}`)
    .join(', ');
  out(
    `db.stats(): count ${count(stats.count)}, memoryBytes ${count(stats.memoryBytes)} (${formatBytes(stats.memoryBytes)}), ` +
      `diskBytes ${count(stats.diskBytes)} (${formatBytes(stats.diskBytes)})${components ? `; components: ${components}` : ''}`,
  );
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv);
  const embedder = createTextEmbedder(options.embedder);
  const out: Print = (line = '') => void process.stdout.write(`${line}\n`);
  // Piped into `head`: stop quietly once the reader has gone (the exit hook still removes the temporary database).
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });

  out(`Embedder: ${embedder.description}`);
  const loadStarted = performance.now();
  const corpus = await loadCorpus(options);
  const loadMs = performance.now() - loadStarted;
  out(`Corpus: ${count(corpus.passages.length)} passages from ${count(corpus.fileCount)} files in ${corpus.source} (read + split in ${seconds(loadMs)})`);
  // Passages that are only markup (old-link anchors, editor comments) would be noise in every result list.
  const passages: Passage[] = corpus.passages.filter((p) => passageBody(p) !== '');
  const skipped = corpus.passages.length - passages.length;
  if (skipped > 0) out(`Skipped ${count(skipped)} passages holding only markup (HTML anchors, comments, link definitions): ${count(passages.length)} to index`);
  if (passages.length === 0) throw new Error('the corpus has no passages with text: nothing to index');

  const keepDb = options.db !== undefined;
  const dbDir = databaseDirectory(options.db, 'omendb-demo-');
  let db: OmenDB | undefined;
  try {
    db = await OmenDB.open(dbDir, { durability: 'sync' });
    out(`Database: ${dbDir} (${keepDb ? 'kept' : 'temporary, removed at exit'}), durability 'sync'`);
    const collection = await db.getOrCreateCollection({ name: COLLECTION, dimension: embedder.dimension, metric: 'cosine' });
    const existing = await collection.count();
    if (existing > 0) out(`Reusing ${count(existing)} records already in collection '${COLLECTION}'; pass a new --db to index afresh.`);
    else await ingest(collection, passages, embedder, out);

    const builtIn = options.dir === undefined && options.jsonl === undefined ? PROJECT_DOCS_QUESTIONS : PROGRAMMING_QUESTIONS;
    const questions = options.query.length > 0 ? options.query : builtIn;
    const asked = await ask(collection, questions, options.k, embedder, out);
    const more = await timeMoreQueries(collection, Math.max(0, TIMED_QUERIES - questions.length), options.k);
    const search = summarizeLatency([...asked.searchMs, ...more]);
    const embed = summarizeLatency(asked.embedMs);
    out();
    out(
      `Query latency over ${search.count} queries (k=${options.k}; the ${plural(questions.length, 'question')} + stored passage vectors): ` +
        `median ${search.medianMs.toFixed(3)} ms, p95 ${search.p95Ms.toFixed(3)} ms, max ${search.maxMs.toFixed(3)} ms; ` +
        `embedding a question: median ${embed.medianMs.toFixed(3)} ms`,
    );
    printStats(db, out);
  } finally {
    await db?.close();
  }
}

runMain('demo', main);
