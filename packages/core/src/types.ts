/**
 * Public data types shared by every layer. Shapes follow Chroma's JS client so
 * that Chroma code ports by changing the client line.
 */

/** A scalar metadata value. */
export type MetadataScalar = string | number | boolean | null;

/**
 * A metadata value: a scalar, an array of scalars, or a nested object (Chroma
 * rejects nested objects; OmenDB stores them and `where` reaches into them with
 * dotted keys such as `"loc.lines.from"`).
 */
export type MetadataValue = MetadataScalar | MetadataScalar[] | { [key: string]: MetadataValue };

/** Metadata of one record. */
export type Metadata = { [key: string]: MetadataValue };

/**
 * Distance metric, defined as Chroma defines it; results are ordered by
 * ascending distance.
 * - `l2`: squared Euclidean distance, Σ (aᵢ − bᵢ)².
 * - `cosine`: 1 − cos(a, b).
 * - `ip`: 1 − a·b.
 */
export type Metric = 'l2' | 'cosine' | 'ip';

/** Fields a read may return; `ids` are always returned. */
export type IncludeField = 'embeddings' | 'metadatas' | 'documents' | 'distances';

/** When a write is acknowledged; see `OmenDB.open`. */
export type Durability = 'sync' | 'os' | 'none';

/**
 * How a collection compresses its vectors in sealed segments.
 * - `'none'` (default): float32 only.
 * - `'sq8'`: int8 per dimension, `d` bytes per vector (¼ of float32).
 * - `'binary'`: 1 bit per dimension, `⌈d / 8⌉` bytes (1/32 of float32).
 * - `{ type: 'pq', subvectors: m, bits: 8 }`: product quantization, `m`
 *   bytes per vector; `m` must divide the dimension.
 * Quantized search ranks on the codes, then rescores the best
 * `k × oversampling` candidates with the float32 vectors.
 */
export type QuantizationSpec = 'none' | 'sq8' | 'binary' | PqSpec;

/** Product quantization parameters (Jégou, Douze & Schmid 2011). */
export interface PqSpec {
  type: 'pq';
  /** Subvectors `m` = code bytes per vector; divides the dimension. */
  subvectors: number;
  /** Bits per subvector code; only 8 (256 centroids per subspace). */
  bits: 8;
}

/** The quantizers that store codes: every `QuantizationSpec` but `'none'`. */
export type QuantizerKind = 'sq8' | 'binary' | 'pq';
