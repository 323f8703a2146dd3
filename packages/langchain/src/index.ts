/**
 * @omendb/langchain — `OmenVectorStore`, an embedded, durable LangChain JS
 * vector store with the shape of LangChain's `Chroma` store. See the README
 * for migration from Chroma, HNSWLib and MemoryVectorStore.
 */
export { OmenVectorStore, type OmenAddOptions, type OmenDeleteParams } from './omen-vector-store.js';
export { OmenHybridRetriever, type OmenHybridRetrieverInput } from './hybrid-retriever.js';
export type { HybridSearchOptions } from './hybrid-search.js';
export { DEFAULT_COLLECTION_NAME, DEFAULT_PATH, type OmenVectorStoreArgs } from './store-args.js';
export type { Where } from '@omendb/core';
