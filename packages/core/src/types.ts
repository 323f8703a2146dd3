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
