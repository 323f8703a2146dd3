/**
 * The LangChain RAG pipeline of the example, as a function so that tests and
 * other programs can run it: split Markdown with `@langchain/textsplitters`,
 * embed, store in `OmenVectorStore`, retrieve for each question, then either
 * ask a chat model or print the prompt it would be sent.
 */
import { Document } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import { OmenVectorStore } from '@omendb/langchain';
import { snippet } from '../cli/format.js';
import { HashingEmbeddings } from './hashing-embeddings.js';

/** Chunk size and overlap of the splitter, in characters. */
export const CHUNK_SIZE = 1000;
export const CHUNK_OVERLAP = 150;
export const COLLECTION = 'langchain-rag';
const SNIPPET_CHARS = 160;

/** The prompt: the retrieved chunks as context, then the question. */
export const RAG_PROMPT = ChatPromptTemplate.fromMessages([
  [
    'system',
    'Answer the question using only the context below. Cite the sources you use in brackets. ' +
      'If the context does not contain the answer, say so.\n\nContext:\n{context}',
  ],
  ['human', '{question}'],
]);

export interface RagOptions {
  /** Whole files (`metadata.source` set); split here. */
  documents: Document[];
  /** Database directory (created if missing). */
  dbDir: string;
  questions: readonly string[];
  /** Chunks retrieved per question, ≥ 1. */
  k: number;
  /** Any LangChain embeddings; default the lexical {@link HashingEmbeddings} (`main.ts` passes the semantic default). */
  embeddings?: EmbeddingsInterface;
  /** A chat model to answer with; without one the prompt is printed instead. */
  llm?: BaseChatModel;
  out: (line: string) => void;
}

export interface RagAnswer {
  question: string;
  /** Ids of the retrieved chunks, nearest first (`<source>#<n>`). */
  chunkIds: string[];
  /** The prompt's messages as text. */
  prompt: string;
  /** The model's answer, or null without a model. */
  answer: string | null;
}

/** Runs the pipeline, printing as it goes; returns what each question retrieved and produced. */
export async function runRag(options: RagOptions): Promise<{ chunkCount: number; answers: RagAnswer[] }> {
  const { out } = options;
  const embeddings = options.embeddings ?? new HashingEmbeddings();
  const splitter = RecursiveCharacterTextSplitter.fromLanguage('markdown', { chunkSize: CHUNK_SIZE, chunkOverlap: CHUNK_OVERLAP });
  const chunks = withStableIds(await splitter.splitDocuments(options.documents));
  out(`Split: ${chunks.length} chunks with RecursiveCharacterTextSplitter (markdown, ${CHUNK_SIZE} chars, ${CHUNK_OVERLAP} overlap)`);

  const store = new OmenVectorStore(embeddings, { path: options.dbDir, collectionName: COLLECTION, collectionMetadata: { 'hnsw:space': 'cosine' } });
  try {
    const started = performance.now();
    // Stable ids make a re-run over the same directory an overwrite, not a duplicate.
    await store.addDocuments(chunks);
    out(`Stored: ${chunks.length} chunks in OmenVectorStore "${COLLECTION}" (cosine) at ${options.dbDir} in ${((performance.now() - started) / 1000).toFixed(2)} s`);

    const answers: RagAnswer[] = [];
    for (const [index, question] of options.questions.entries()) {
      const hits = await store.similaritySearchWithScore(question, options.k);
      out('');
      out(`Q${index + 1}: ${question}`);
      out('Retrieved context (cosine distance, lower is closer):');
      if (hits.length === 0) out('  (nothing)');
      hits.forEach(([doc, distance], rank) => {
        out(`  ${rank + 1}. ${distance.toFixed(4)}  ${describe(doc)}`);
        out(`     ${snippet(doc.pageContent, SNIPPET_CHARS)}`);
      });
      const variables = { context: hits.map(([doc]) => `[${describe(doc)}]\n${doc.pageContent}`).join('\n\n'), question };
      const prompt = (await RAG_PROMPT.formatMessages(variables)).map((m) => `${m.getType()}: ${m.content}`).join('\n');
      let answer: string | null = null;
      if (options.llm) {
        answer = await RAG_PROMPT.pipe(options.llm).pipe(new StringOutputParser()).invoke(variables);
        out(`Answer: ${answer}`);
      } else {
        out('Prompt that would be sent:');
        for (const line of prompt.split('\n')) out(`  | ${line}`);
      }
      answers.push({ question, chunkIds: hits.map(([doc]) => doc.id!), prompt, answer });
    }
    return { chunkCount: chunks.length, answers };
  } finally {
    await store.close();
  }
}

/** `source lines a–b` of a chunk. */
function describe(doc: Document): string {
  const lines = doc.metadata.loc?.lines;
  return lines ? `${doc.metadata.source} lines ${lines.from}–${lines.to}` : String(doc.metadata.source);
}

/** Gives each chunk the id `<source>#<n>`, n counting the chunks of its file from 0; the input is not modified. */
function withStableIds(chunks: Document[]): Document[] {
  const seen = new Map<string, number>();
  return chunks.map((chunk) => {
    const source = String(chunk.metadata.source);
    const n = seen.get(source) ?? 0;
    seen.set(source, n + 1);
    return new Document({ pageContent: chunk.pageContent, metadata: chunk.metadata, id: `${source}#${n}` });
  });
}
