/**
 * @omendb/llamaindex — an OmenDB vector store for LlamaIndex TS storage
 * contexts. See the README for the record layout, filter semantics and scores.
 */
export { OmenVectorStore } from './omen-vector-store.js';
export type { OmenVectorStoreOptions } from './options.js';
export { similarityFromDistance } from './similarity.js';
export { TEXT_SEARCH_MODE } from './check-query.js';
export { encodeKey, decodeKey } from './metadata-keys.js';
