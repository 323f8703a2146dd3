/**
 * The questions the demo asks when the user gives none. Each set is written for
 * one corpus and was checked to retrieve the passages that answer it with the
 * lexical `HashingEmbedder`, so they use the corpus's own words; the semantic
 * default (`--embedder default`) does not need that.
 */

/** For the default corpus: the project's README and `packages/*\/docs`. */
export const PROJECT_DOCS_QUESTIONS: readonly string[] = [
  'How do I add embeddings to a collection and query it?',
  'When is a write durable after a crash?',
  'What happens to a torn record at the end of the write-ahead log?',
  'How are the HNSW graph links laid out on disk?',
];

/**
 * For `--dir` and `--jsonl`: programming questions, answered by the Rust book
 * (`/work/shared/data/rust-book/passages.jsonl`); on another corpus, pass `--query`.
 */
export const PROGRAMMING_QUESTIONS: readonly string[] = [
  'How do I handle errors with Result?',
  'How do I share state between threads with a mutex?',
  'What are lifetimes and why do references need them?',
  'How do I store keys and values in a hash map?',
];
