import { CorruptionError } from '../errors.js';
import type { ManifestState } from '../format/manifest.js';
import { AdaptiveIndex, EXACT_MEMTABLE_ROWS, transientBeam } from '../ann/adaptive-index.js';
import { HnswIndex } from '../ann/hnsw/hnsw.js';
import { openStoredPaged, openStoredWith } from '../ann/hnsw/hnsw-open.js';
import type { HnswParams } from '../ann/hnsw/hnsw-params.js';
import { PARALLEL_BUILD_MIN_ROWS } from '../ann/hnsw/hnsw-options.js';
import type { VectorIndex } from '../storage/vector-index.js';
import { buildQuantizedSegment } from '../ann/quantized/quantized-build.js';
import { QuantizedHnswIndex } from '../ann/quantized/quantized-index.js';
import { loadQuantizer } from '../quantize/train.js';
import type { IndexFactory, SealedIndex, SegmentIndexParts } from '../storage/index-factory.js';
import { vectorlessIndexFactory } from '../ann/vectorless-index.js';

/**
 * Largest batch of a background build (a merge): the caller's thread links
 * its share of a batch without yielding, so this bounds the event loop's
 * stall. Measured with bench/merge-stall.ts (20,000 × 128 generated rows,
 * M 16, efConstruction 200, two threads, on a 2-core machine at load
 * average 28): longest stall 0.48 s at ≤ 64 rows, 1.76 s at ≤ 256, 2.18 s at
 * ≤ 1,024, and 58 s for the whole build without yielding; the build took
 * 60–72 s and reached recall@10 0.973–0.974 in every case.
 */
const BACKGROUND_MAX_BATCH_ROWS = 64;

/**
 * HNSW everywhere: an adaptive memtable index (exact while small), a graph per
 * sealed segment persisted in its graph section and reopened without a rebuild.
 *
 * With `manifest.quantization` set, each sealed segment also gets a quantizer
 * trained on its own vectors, the codes of every row and the codebook; it is
 * served by a QuantizedHnswIndex that walks the same graph on the codes and
 * rescores with the float32 vectors read from the segment file. Compaction
 * builds a new segment and so trains a new quantizer on all the live rows.
 */
export function defaultIndexFactory(manifest: ManifestState): IndexFactory {
  if (manifest.dimension === 0) return vectorlessIndexFactory();
  const params: Partial<HnswParams> = { ...manifest.hnsw };
  const quantization = manifest.quantization ?? 'none';

  /**
   * The sealed form of a built graph index: kept to serve its segment
   * (float32), or, quantized, coded here and released with `owner` once the
   * segment is written, to be reopened from the file.
   */
  const sealed = (hnsw: HnswIndex, graph: Uint8Array, owner: VectorIndex): SealedIndex => {
    const vectors = hnsw.vectors();
    if (quantization === 'none') return { index: hnsw, vectors, graph };
    const { codes, codebook } = buildQuantizedSegment(quantization, vectors, hnsw.dimension, hnsw.metric, graph);
    return { vectors, graph, quantization: { codes, codebook }, release: () => owner.dispose() };
  };

  return {
    // A transient memtable's graph serves only until a merge re-links its rows: linked with a narrower beam.
    create: (dimension, metric, options) =>
      new AdaptiveIndex(dimension, metric, params, EXACT_MEMTABLE_ROWS, options?.transient === true ? transientBeam(params) : undefined),
    seal: (index) => {
      // The memtable's index stays searchable (readers use it until the segment is published);
      // `release` frees it after the switch.
      const grown = index instanceof AdaptiveIndex ? index.toHnsw() : (index as HnswIndex);
      const graph = grown.serializeGraph();
      if (quantization !== 'none') return sealed(grown, graph, index);
      // Reload from the serialized graph: an exact-size copy without the memtable's growth slack,
      // and the very bytes the segment will hold.
      const copy = HnswIndex.open({ dimension: grown.dimension, metric: grown.metric, params }, grown.vectors(), graph, { file: '(sealing)', offset: 0 });
      return { ...sealed(copy, graph, copy), release: () => index.dispose() };
    },
    build: async (dimension, metric, vectors, _rows, options = {}) => {
      // Two threads from PARALLEL_BUILD_MIN_ROWS rows (see HnswIndex.build). In the background,
      // smaller batches with a turn of the event loop between them: the caller's thread links its
      // share of each batch synchronously, so the batch size bounds how long it is held.
      const background = options.background === true;
      // Seeded by the largest segment's graph (HnswIndex.build decides whether its dead rows allow it): a
      // float32 segment's, or a quantized one's, which was linked on the same float32 rows. A merge below
      // PARALLEL_BUILD_MIN_ROWS rebuilds: a seeded build links in batches with a turn between each, which for
      // a few hundred rows beside busy writers took longer than the sequential rebuild it saves.
      const { seed } = options;
      const source = seed?.index instanceof HnswIndex || seed?.index instanceof QuantizedHnswIndex ? seed.index : undefined;
      const seeded = source !== undefined && vectors.length / dimension >= PARALLEL_BUILD_MIN_ROWS;
      const build = {
        onIndex: options.holding,
        ...(seeded ? { seed: { index: source, dead: seed!.dead, at: seed!.at } } : {}),
        ...(background ? { yielding: true, signal: options.signal, maxBatchRows: BACKGROUND_MAX_BATCH_ROWS } : {}),
      };
      const hnsw = await HnswIndex.build({ dimension, metric, params }, vectors, build);
      if (background) await new Promise<void>((resolve) => setImmediate(resolve));
      return sealed(hnsw, hnsw.serializeGraph(), hnsw);
    },
    open: (parts) => {
      const { file, graph } = parts;
      // Opening never rebuilds: a segment without its graph section is damaged.
      if (!graph) throw new CorruptionError(file, 12, 'segment has no graph section');
      if (quantization === 'none') {
        const stray = parts.codes ?? parts.codebook;
        if (stray) throw new CorruptionError(file, stray.offset, 'quantization section in a segment of an unquantized collection');
        const spec = { dimension: parts.dimension, metric: parts.metric, params };
        // A version-2 file opens without waiting for its vectors: they load page by page, checked as they arrive.
        const paged = parts.pagedVectors?.();
        if (paged) return openStoredPaged(spec, parts.rows, paged, graph.bytes, { file, offset: graph.offset });
        return openStoredWith(spec, parts.rows, parts.fillVectors, graph.bytes, { file, offset: graph.offset });
      }
      return openQuantized(parts, graph, params, manifest);
    },
  };
}

function openQuantized(
  parts: SegmentIndexParts,
  graph: { bytes: Uint8Array; offset: number },
  params: Partial<HnswParams>,
  manifest: ManifestState,
): QuantizedHnswIndex {
  const { file, codes, codebook, dimension, metric } = parts;
  if (!codes || !codebook) throw new CorruptionError(file, 12, `segment of a ${describe(manifest)}-quantized collection has no ${codes ? 'codebook' : 'codes'} section`);
  const quantizer = loadQuantizer(codebook.bytes, { file, offset: codebook.offset }, { dimension, metric });
  const expected = manifest.quantization!;
  const kind = typeof expected === 'string' ? expected : expected.type;
  if (quantizer.kind !== kind || (typeof expected === 'object' && quantizer.codeBytes !== expected.subvectors)) {
    throw new CorruptionError(file, codebook.offset, `codebook is ${quantizer.kind} with ${quantizer.codeBytes}-byte codes; the collection is ${describe(manifest)}`);
  }
  const originals = parts.originals();
  try {
    return QuantizedHnswIndex.open({
      dimension,
      metric,
      params,
      quantizer,
      codes: codes.bytes,
      graph: graph.bytes,
      originals,
      oversampling: manifest.rescore?.oversampling,
      source: { file, offset: graph.offset },
      codesSource: { file, offset: codes.offset },
    });
  } catch (err) {
    originals.close?.();
    throw err;
  }
}

function describe(manifest: ManifestState): string {
  const q = manifest.quantization!;
  return typeof q === 'string' ? q : `pq (m = ${q.subvectors})`;
}
