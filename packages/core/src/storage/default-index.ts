import { AdaptiveIndex } from '../index/adaptive-index.js';
import { HnswIndex } from '../index/hnsw.js';
import type { HnswParams } from '../index/hnsw-params.js';
import type { ManifestState } from '../format/manifest.js';
import type { IndexFactory } from './index-factory.js';
import { CorruptionError } from '../errors.js';

/**
 * HNSW everywhere: an adaptive memtable index (exact while small), a graph per
 * sealed segment persisted in its graph section and reopened without a rebuild.
 */
export function defaultIndexFactory(manifest: ManifestState): IndexFactory {
  const params: Partial<HnswParams> = { ...manifest.hnsw };
  return {
    create: (dimension, metric) => new AdaptiveIndex(dimension, metric, params),
    seal: (index) => {
      const grown = index instanceof AdaptiveIndex ? index.toHnsw() : (index as HnswIndex);
      const graph = grown.serializeGraph();
      // Reload from the serialized graph: an exact-size copy without the memtable's growth slack,
      // and the very bytes the segment will hold.
      const sealed = HnswIndex.open({ dimension: grown.dimension, metric: grown.metric, params }, grown.vectors(), graph, { file: '(sealing)', offset: 0 });
      index.dispose();
      return { index: sealed, vectors: sealed.vectors(), graph };
    },
    build: (dimension, metric, vectors) => {
      const hnsw = new HnswIndex(dimension, metric, params, { initialCapacity: vectors.length / dimension });
      for (let row = 0; row < vectors.length / dimension; row++) hnsw.add(vectors.subarray(row * dimension, (row + 1) * dimension));
      return { index: hnsw, vectors: hnsw.vectors(), graph: hnsw.serializeGraph() };
    },
    open: (dimension, metric, rows, fillVectors, graph, source) => {
      // Opening never rebuilds: a segment without its graph section is damaged.
      if (!graph) throw new CorruptionError(source.file, source.offset, 'segment has no graph section');
      return HnswIndex.openWith({ dimension, metric, params }, rows, fillVectors, graph, source);
    },
  };
}
