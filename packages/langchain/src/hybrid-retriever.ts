/**
 * `OmenHybridRetriever`: a LangChain retriever over `OmenVectorStore.hybridSearch`
 * (dense + BM25, reciprocal rank fusion), for chains and agents that take a
 * `BaseRetriever`.
 */
import type { CallbackManagerForRetrieverRun } from '@langchain/core/callbacks/manager';
import type { DocumentInterface } from '@langchain/core/documents';
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import type { Where } from '@omendb/core';
import { checkHybridOptions, type HybridSearchOptions } from './hybrid-search.js';
import type { OmenVectorStore } from './omen-vector-store.js';

/** Fields of `new OmenHybridRetriever(...)`: the store, and `hybridSearch`'s options. */
export interface OmenHybridRetrieverInput extends BaseRetrieverInput, HybridSearchOptions {
  /** A store whose collection was created with `fullText: true`. */
  vectorStore: OmenVectorStore;
}

/**
 * Retrieves the `k` (default 4) documents best for a query by dense and
 * BM25 ranking fused with RRF, with their metadata and `id`, filtered by
 * `filter` (a Chroma `where`, ANDed with the store's own). Options are
 * checked in the constructor (ValidationError); errors of the search are
 * the store's (`no_full_text_index` without the full-text index).
 *
 * ```ts
 * const retriever = new OmenHybridRetriever({ vectorStore, k: 5, filter: { lang: 'en' } });
 * const docs = await retriever.invoke('what causes sourdough to rise');
 * ```
 */
export class OmenHybridRetriever extends BaseRetriever {
  lc_namespace = ['omendb', 'retrievers', 'hybrid'];

  static override lc_name(): string {
    return 'OmenHybridRetriever';
  }

  readonly vectorStore: OmenVectorStore;
  readonly options: HybridSearchOptions;

  constructor(fields: OmenHybridRetrieverInput) {
    super(fields);
    const { vectorStore, k, filter, fetchK, rrfK, weights } = fields;
    checkHybridOptions({ k, fetchK, rrfK, weights });
    this.vectorStore = vectorStore;
    this.options = { k, filter, fetchK, rrfK, weights };
  }

  /** The filter of every retrieval, if any. */
  get filter(): Where | undefined {
    return this.options.filter;
  }

  override async _getRelevantDocuments(query: string, _runManager?: CallbackManagerForRetrieverRun): Promise<DocumentInterface[]> {
    return this.vectorStore.hybridSearch(query, this.options);
  }
}
