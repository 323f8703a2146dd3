import type { FullTextRecord, ManifestState } from '../format/manifest.js';
import { DEFAULT_BM25 } from '../text/bm25.js';
import { englishTextIndexer } from '../text/english-indexer.js';
import { defaultIndexFactory } from './default-index.js';
import type { IndexFactory } from '../storage/index-factory.js';

/** The collection's indexes: the default vector index, and the BM25 index when its manifest records `fullText`. */
export function collectionIndexFactory(manifest: ManifestState): IndexFactory {
  const factory = defaultIndexFactory(manifest);
  const fullText = manifest.fullText;
  return fullText ? { ...factory, text: englishTextIndexer({ k1: fullText.k1, b: fullText.b }) } : factory;
}

/** The manifest record of createCollection's `fullText` argument; undefined when off. */
export function fullTextRecord(arg: boolean | { k1?: number; b?: number } | undefined): FullTextRecord | undefined {
  if (arg === undefined || arg === false) return undefined;
  const params = arg === true ? {} : arg;
  return { analyzer: 'english', k1: params.k1 ?? DEFAULT_BM25.k1, b: params.b ?? DEFAULT_BM25.b };
}
