import { CorruptionError } from '../../errors.js';
import { checkGraphHeader, type GraphSource, loadGraphLinks, parseGraphLinks, storedLevels } from '../../format/graph-load.js';
import { metricCode } from '../../kernels/metric-code.js';
import type { PagedVectors } from '../../storage/paged-vectors.js';
import type { Metric } from '../../types.js';
import { HnswIndex } from './hnsw.js';
import { PagedLoad } from './hnsw-paged.js';
import type { HnswParams } from './hnsw-params.js';

/** What the collection says a stored graph must be; `params.M` / `efConstruction`, when given, must match the graph's. */
export interface StoredSpec {
  dimension: number;
  metric: Metric;
  params?: Partial<HnswParams>;
}

/**
 * Loads a graph written by `HnswIndex.serializeGraph` over its vectors
 * without re-inserting. `vectors`: `rows × dimension` float32 values, or
 * their little-endian bytes (a segment's vectors section, at any
 * alignment); copied once into the index memory. See {@link openStoredWith}.
 */
export function openStored(spec: StoredSpec, vectors: Float32Array | Uint8Array, graph: Uint8Array, source: GraphSource): HnswIndex {
  const bytes = vectors instanceof Uint8Array ? vectors : new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength);
  const rowBytes = spec.dimension * 4;
  if (bytes.byteLength % rowBytes !== 0) {
    throw new CorruptionError(source.file, source.offset, `vectors hold ${bytes.byteLength} bytes, not whole ${spec.dimension}-d float32 rows`);
  }
  return openStoredWith(spec, bytes.byteLength / rowBytes, (dest) => dest.set(bytes), graph, source);
}

/**
 * Loads a graph written by `HnswIndex.serializeGraph` over `rows` vectors
 * that `fill` writes straight into the index memory: it gets a view of
 * `rows × dimension × 4` bytes to fill with the little-endian float32 rows
 * (e.g. a positional read of a segment's vectors section) and to check
 * before returning (it may throw; the index is then released). Links are
 * copied after the structural checks of docs/format/graph.md; nothing is
 * re-inserted. `efSearch` applies to searches. Throws
 * CorruptionError(source.file, source.offset + position of the bad field).
 */
export function openStoredWith(spec: StoredSpec, rows: number, fill: (dest: Uint8Array) => void, graph: Uint8Array, source: GraphSource): HnswIndex {
  const header = checkGraphHeader(graph, expectation(spec, rows), source);
  return HnswIndex.fromStored(spec, header, rows, (into) => {
    into.addNodes(storedLevels(graph, rows), fill);
    loadGraphLinks(into, graph, header, source);
    return null;
  });
}

/**
 * Loads a graph written by `HnswIndex.serializeGraph` over the `rows`
 * vectors of `vectors` without waiting for them: returns once the graph
 * section is checked and parsed (docs/format/graph.md, every check), and
 * loads the vectors, each 4 KiB page checked against its CRC-32, and the
 * links as searches first reach them and in the background (see
 * hnsw-paged.ts). Searches return what {@link openStoredWith} over the
 * same bytes returns; until every row is in they walk in JavaScript.
 * `vectors` is closed when all is loaded, the index disposed, or this
 * throws. Throws CorruptionError(source.file, source.offset + position)
 * for the graph; a bad vectors page fails the search or call reaching it.
 */
export function openStoredPaged(spec: StoredSpec, rows: number, vectors: PagedVectors, graph: Uint8Array, source: GraphSource): HnswIndex {
  try {
    const header = checkGraphHeader(graph, expectation(spec, rows), source);
    const { blocks, blockOffsets } = parseGraphLinks(graph, header, source);
    return HnswIndex.fromStored(spec, header, rows, (into, loaded) => {
      const levels = storedLevels(graph, rows);
      into.addNodes(levels, null);
      into.entryPoint = rows === 0 ? -1 : header.entryPoint;
      into.maxLevel = rows === 0 ? -1 : header.maxLevel;
      return new PagedLoad(into, vectors, blocks, blockOffsets, levels, loaded);
    });
  } catch (error) {
    vectors.close();
    throw error;
  }
}

function expectation(spec: StoredSpec, rows: number) {
  return { metricCode: metricCode(spec.metric), dimension: spec.dimension, rows, M: spec.params?.M, efConstruction: spec.params?.efConstruction };
}
