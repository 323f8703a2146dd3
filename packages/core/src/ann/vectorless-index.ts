import { RowIndex } from './row-index.js';
import type { IndexFactory } from '../storage/index-factory.js';

const EMPTY = new Float32Array(0);

/**
 * The index factory of a collection created with dimension 0 (records
 * without vectors): every index is a {@link RowIndex}. Its segments hold an
 * empty vectors section and no graph section (docs/format/segment.md).
 */
export function vectorlessIndexFactory(): IndexFactory {
  return {
    create: (_dimension, metric) => new RowIndex(metric),
    seal: (index) => ({ vectors: EMPTY, graph: null, index }),
    build: async (_dimension, metric, _vectors, rows) => {
      const index = new RowIndex(metric, rows ?? 0);
      return { vectors: EMPTY, graph: null, index };
    },
    open: (parts) => new RowIndex(parts.metric, parts.rows),
  };
}
