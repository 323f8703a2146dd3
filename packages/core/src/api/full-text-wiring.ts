import type { FullTextRecord, ManifestState } from '../format/manifest.js';
import { DEFAULT_BM25 } from '../text/bm25.js';
import { englishTextIndexer } from '../text/english-indexer.js';
import { sparseIndexer } from '../text/sparse-postings.js';
import { defaultIndexFactory } from './default-index.js';
import type { IndexFactory } from '../storage/index-factory.js';

/** The collection's indexes: the default vector index, the BM25 index when its manifest records `fullText`, the sparse-vector index when it records `sparse`. */
export function collectionIndexFactory(manifest: ManifestState): IndexFactory {
  const factory = defaultIndexFactory(manifest);
  const { fullText, sparse } = manifest;
  return {
    ...factory,
    ...(fullText ? { text: englishTextIndexer({ k1: fullText.k1, b: fullText.b }) } : {}),
    ...(sparse ? { sparse: sparseIndexer(sparse.key) } : {}),
  };
}

/** createCollection's full-text argument (CreateCollectionArgs extends it). */
export interface FullTextArgs {
  /**
   * A BM25 full-text index over the documents (default off): `true`, or
   * `{ k1, b }` (BM25's term-frequency saturation, 0…100, default 1.2, and
   * length normalisation, 0…1, default 0.75; Robertson & Zaragoza 2009).
   * English analysis: Unicode words, lowercase, Lucene's English stop words,
   * Porter stemmer. Fixed at creation. Postings and doc lengths cost memory
   * and disk of about 0.6 × the documents' UTF-8 bytes (SciFact: 873 bytes
   * per abstract of 1,509; `stats().components.fullText`,
   * `diskComponents.fullText`); serve BM25 ranking and let
   * `whereDocument: { $contains }` skip documents without its whole words.
   */
  fullText?: boolean | { k1?: number; b?: number };
}

/** The manifest entry of createCollection's `fullText` argument: `{ fullText: record }`, or `{}` when off. */
export function fullTextEntry(arg: FullTextArgs['fullText']): { fullText?: FullTextRecord } {
  if (arg === undefined || arg === false) return {};
  const params = arg === true ? {} : arg;
  return { fullText: { analyzer: 'english', k1: params.k1 ?? DEFAULT_BM25.k1, b: params.b ?? DEFAULT_BM25.b } };
}
