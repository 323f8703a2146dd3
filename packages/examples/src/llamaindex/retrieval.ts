/**
 * LlamaIndex retrieval over real Markdown, stored in OmenDB: the corpus's
 * passages become LlamaIndex documents, `VectorStoreIndex.fromDocuments`
 * embeds them with the given local embedding model into an
 * {@link OmenVectorStore}, a retriever answers each question with scored
 * nodes, a metadata filter asks one question again outside its best file, and the
 * index is reopened from disk with `VectorStoreIndex.fromVectorStore`.
 */
import { OmenVectorStore } from '@omendb/llamaindex';
import { MetadataMode, Settings, VectorStoreIndex, storageContextFromDefaults, type MetadataFilters, type NodeWithScore } from 'llamaindex';
import { snippet } from '../cli/format.js';
import type { Corpus } from '../corpus/load.js';
import type { DefaultEmbedding } from './default-embedding.js';
import { HashingEmbedding } from './hashing-embedding.js';
import { passageDocuments } from './passage-documents.js';

export interface RetrievalOptions {
  corpus: Corpus;
  /** Database directory; must not be open elsewhere (LockError). Nodes already in it are reused, not indexed again. */
  dbDir: string;
  questions: readonly string[];
  /** Nodes retrieved per question, ≥ 1. */
  k: number;
  /** Embeds nodes and questions; default the lexical {@link HashingEmbedding} (`main.ts` passes the semantic default). */
  embedModel?: DefaultEmbedding | HashingEmbedding;
  /** Receives each output line, without a newline. */
  out: (line: string) => void;
}

/** What the run found, for callers that check it (the tests). */
export interface RetrievalSummary {
  nodeCount: number;
  /** Per question: the passage (source document) id of each retrieved node, best first. */
  answers: string[][];
  /** The first question's answer again after reopening the database. */
  reopenedAnswer: string[];
}

const SNIPPET_CHARS = 110;

/**
 * Runs the example and prints as it goes: the embedder, the corpus, the
 * indexing time, each question's nodes (rank, cosine score, file › section,
 * snippet), a filtered retrieval and the reopened index's answer.
 * @throws core's errors (LockError when `dbDir` is open elsewhere), and Error when there are no passages or questions.
 */
export async function runRetrieval(options: RetrievalOptions): Promise<RetrievalSummary> {
  const { corpus, dbDir, questions, k, out } = options;
  if (corpus.passages.length === 0) throw new Error(`no passages in ${corpus.source}`);
  if (questions.length === 0) throw new Error('no questions to ask');
  const embedModel = options.embedModel ?? new HashingEmbedding();
  // VectorStoreIndex embeds questions with Settings.embedModel (and requires it set); the store embeds nodes with its own.
  Settings.embedModel = embedModel;
  out(
    embedModel instanceof HashingEmbedding
      ? `Embedder: HashingEmbedding (the examples' HashingEmbedder, ${embedModel.dimension}-d, lexical, not semantic; no network, model or API key)`
      : `Embedder: DefaultEmbedding (@omendb/default-embed, Universal Sentence Encoder lite, ${embedModel.dimension}-d, semantic; no network or API key)`,
  );
  out(`Corpus: ${corpus.passages.length} passages from ${corpus.fileCount} files in ${corpus.source}`);

  const started = performance.now();
  const vectorStore = new OmenVectorStore({ path: dbDir, embedModel });
  let answers: string[][];
  let nodeCount: number;
  try {
    const collection = await vectorStore.client();
    const existing = await collection.count();
    let index: VectorStoreIndex;
    if (existing > 0) {
      // Indexing again would add the passages a second time: LlamaIndex gives new chunks new ids.
      index = await VectorStoreIndex.fromVectorStore(vectorStore);
      out(`Reusing: ${existing} nodes already in OmenDB collection "${collection.name}" (${collection.metric}) at ${dbDir}`);
    } else {
      const storageContext = await storageContextFromDefaults({ vectorStore });
      index = await VectorStoreIndex.fromDocuments(passageDocuments(corpus.passages), { storageContext });
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      out(`Indexed: ${await collection.count()} nodes into OmenDB collection "${collection.name}" (${collection.metric}) in ${seconds} s`);
    }
    nodeCount = await collection.count();

    const retriever = index.asRetriever({ similarityTopK: k });
    answers = [];
    for (const [i, question] of questions.entries()) {
      out('');
      out(`Q${i + 1}: ${question}`);
      const results = await retriever.retrieve(question);
      printResults(results, out);
      answers.push(results.map(passageId));
    }

    const last = questions[questions.length - 1];
    const topFile = (await retriever.retrieve(last))[0]?.node.metadata.file as string | undefined;
    if (topFile !== undefined) {
      const filters: MetadataFilters = { filters: [{ key: 'file', operator: '!=', value: topFile }] };
      out('');
      out(`Q${questions.length} again, filtered to file != "${topFile}":`);
      printResults(await index.asRetriever({ similarityTopK: k, filters }).retrieve(last), out);
    }
  } finally {
    await vectorStore.close();
  }

  // A new process would do exactly this: open the directory and wrap it in an index.
  const reopenedStore = new OmenVectorStore({ path: dbDir, embedModel });
  try {
    const reopened = await VectorStoreIndex.fromVectorStore(reopenedStore);
    const results = await reopened.asRetriever({ similarityTopK: k }).retrieve(questions[0]);
    const reopenedAnswer = results.map(passageId);
    const same = reopenedAnswer.join('\n') === answers[0].join('\n');
    out('');
    out(`Reopened with VectorStoreIndex.fromVectorStore: Q1 returns ${same ? 'the same' : 'DIFFERENT'} ${reopenedAnswer.length} nodes, top score ${results[0]?.score?.toFixed(4) ?? '-'}`);
    return { nodeCount, answers, reopenedAnswer };
  } finally {
    await reopenedStore.close();
  }
}

/** The passage a node came from: its LlamaIndex source document (see `passage-documents.ts`). */
function passageId(result: NodeWithScore): string {
  return result.node.sourceNode?.nodeId ?? result.node.id_;
}

function printResults(results: NodeWithScore[], out: (line: string) => void): void {
  if (results.length === 0) out('  (no nodes)');
  results.forEach((result, rank) => {
    const { file, section } = result.node.metadata as { file?: string; section?: string };
    const where = section ? `${file} › ${section}` : `${file}`;
    out(`  ${rank + 1}. ${(result.score ?? 0).toFixed(4)}  ${where}`);
    out(`     ${snippet(result.node.getContent(MetadataMode.NONE), SNIPPET_CHARS)}`);
  });
}
