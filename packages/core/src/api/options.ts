import type { Vfs } from '../fs/vfs.js';
import type { QuantizationSpec } from '../types.js';
import type { Durability, Metric } from '../types.js';
import type { EmbeddingFunction } from './embedding-function.js';
import type { FullTextArgs } from './full-text-wiring.js';

/** Options of `OmenDB.open`. */
export interface OpenOptions {
  /**
   * When a write's promise resolves (default `'sync'`):
   * - `'sync'`: after fdatasync — survives power loss. Concurrent writes share one fdatasync (group commit).
   * - `'os'`: after write(2) — survives a process crash, not a power loss.
   * - `'none'`: buffered in the process (up to 1 MiB) — for bulk loads; a crash may lose the tail.
   */
  durability?: Durability;
  /**
   * Memtable bytes (vectors + graph + content) that trigger an automatic
   * checkpoint; default 64 MiB. A write is followed by a checkpoint once
   * another write of its size would not fit (a single write larger than what
   * is left still goes past it). One automatic checkpoint runs at a time,
   * and writes never wait for one: while a checkpoint is still writing its
   * segment, or compacting (`maxSegments`), the memtable keeps taking writes
   * and grows past the limit by what is written meanwhile; the next
   * checkpoint follows the first write after it ends. (A default-options
   * bulk load of 1M × 128-d rows, batches of 1,000, reached 190,000 rows,
   * about 2.1 limits, during its backstop compaction.)
   */
  memtableLimitBytes?: number;
  /**
   * Segments per collection above which a checkpoint also compacts them all
   * (in its own job: the next checkpoint waits for it); default 8. A backstop
   * for when background merges fall behind: a merge being built then is
   * aborted (the compaction takes its segments too).
   */
  maxSegments?: number;
  /**
   * Background merges of segments (default on; `false` turns them off, then
   * only `maxSegments` and `compact()` merge). A tiered policy (as Lucene's
   * TieredMergePolicy or Qdrant's merge optimizer): after each checkpoint,
   * at open and after each merge, the newest run of segments merges into one
   * while each older segment is at most `sizeRatio` × the newer ones behind
   * it (a segment under the memtable limit counts as that limit), the merged
   * size stays ≤ `maxMergedBytes` and the run holds ≤ `maxMergeAtOnce`
   * segments. One merge at a time per collection; it rebuilds the run's
   * HNSW graph on the worker thread and the caller's thread in small batches
   * with turns of the event loop between them, so writes, reads and
   * checkpoints go on; it publishes with compact()'s crash-safe manifest
   * protocol. `close()` aborts a running merge and removes its files.
   * - `sizeRatio`: 1–1024, default 16. Lower: fewer rewrites, more segments.
   * - `maxMergedBytes`: bytes, default 1 GiB (2^30), at most 2^31 − 1 (one segment file is mapped whole).
   * - `maxMergeAtOnce`: 2–1024 segments, default 10.
   * - `deletedThreshold`: share of a segment's rows deleted, over 0 and at
   *   most 1, default 0.2: when no tiered merge is due, a segment with at
   *   least that share and at least `minDeletedRows` rows deleted (as of the
   *   last checkpoint) is rewritten on its own without them (Qdrant's vacuum
   *   optimizer), the segment with the largest share first. A graph walk
   *   crosses deleted rows on its way to live ones.
   * - `minDeletedRows`: integer ≥ 1, default 1,000; lower it for small
   *   collections whose deleted rows should leave memory and disk sooner.
   * With the defaults a collection up to ~1 GiB of segments ends as one
   * segment once writes pause; each small checkpoint (explicit, or at close)
   * then costs a rebuild of the segment before it in the background.
   */
  mergePolicy?: boolean | { sizeRatio?: number; maxMergedBytes?: number; maxMergeAtOnce?: number; deletedThreshold?: number; minDeletedRows?: number };
  /**
   * Largest document a write accepts, in UTF-8 bytes; default 1 MiB, at most
   * 256 MiB. A larger one is a ValidationError (code `too_large`). Results
   * decode only the documents they return, so one result holds at most
   * nResults × this.
   */
  maxDocumentBytes?: number;
  /**
   * How long to wait for the write lock when another process holds it, in
   * milliseconds (default 0: fail at once with LockError). The wait polls,
   * so it ends within ~200 ms of the holder's close. Not part of the options
   * a shared open must repeat.
   */
  lockTimeoutMs?: number;
  /**
   * Open as a reader beside the one process that writes `dir` (default
   * false). Takes no lock and writes no file, so it never blocks or slows the
   * writer, and any number of processes may read at once. Sees every write
   * the writer acknowledged before the open (or the last refresh), never part
   * of one (docs/format/readers.md). Every write (add, upsert, update,
   * delete, modify, create/deleteCollection, checkpoint, compact) throws
   * ReadOnlyError. `dir` must hold a database (else NotFoundError). The other
   * write options (durability, memtable, segments, mergePolicy, lockTimeoutMs) are ignored.
   */
  readOnly?: boolean;
  /**
   * With `readOnly`: how stale a read may be, in milliseconds, as LanceDB's
   * `readConsistencyInterval`. 0: every read (query, get, count, peek,
   * getCollection, listCollections…) first catches up with the writer; n:
   * a read catches up when the last catch-up is n ms old; omitted (default):
   * only `db.refresh()` catches up. A catch-up reads only what the writer
   * appended since the last one, or, after a checkpoint or compaction,
   * reloads from the newer manifest (keeping the segments it already holds).
   */
  readConsistencyIntervalMs?: number;
  /** @internal File-system implementation (tests inject faults through it). */
  vfs?: Vfs;
}

/** Arguments of `createCollection`. */
export interface CreateCollectionArgs extends FullTextArgs {
  /** 1–128 characters, without `/`, `\`, `..` or NUL. */
  name: string;
  /**
   * chromadb's (≥ 3.5) collection `Schema`, read by shape: a
   * `SparseVectorIndexConfig({ embeddingFunction, sourceKey: K.DOCUMENT, bm25 })`
   * on one metadata key makes a sparse-vector index there (documents
   * embedded into the key on add/upsert/update; `Knn({ query, key })` ranks by
   * the dot product), `FtsIndexConfig` on `#document` the BM25 index
   * (`fullText`), and the `#embedding` vector index's `space` and
   * `embeddingFunction` apply as `metric` and `embeddingFunction`. Chroma
   * Cloud features (SPANN, CMEK) and sparse indexes on several keys raise
   * ValidationError (code `unsupported`). The sparse embedding function is
   * not rebuilt on reopen: pass the schema again to `getCollection`.
   */
  schema?: unknown;
  /**
   * Vector length, 0–65,536; when omitted it is fixed by the first add (same
   * cap). 0: records without vectors (a key-value collection: add/upsert/get/
   * delete with ids, metadata, documents and `where`; `query` throws ValidationError).
   */
  dimension?: number;
  /** Default `'l2'`, or Chroma's `metadata["hnsw:space"]`. */
  metric?: Metric;
  /**
   * User metadata stored with the collection: plain data, checked as record
   * metadata is (no cycles, BigInts, Proxies or throwing getters; ≤ 1 MiB), with
   * any keys but `__proto__`, `constructor`, `prototype`. Chroma's `hnsw:*` keys
   * configure the index.
   */
  metadata?: Record<string, unknown> | null;
  /**
   * HNSW parameters: `M` 2…100 (default 16), `efConstruction` M…4096 (200),
   * `efSearch` 1…4096 (64); see ann/hnsw/hnsw-params.ts. Chroma's `hnsw:M`,
   * `hnsw:construction_ef`, `hnsw:search_ef` metadata keys also work.
   */
  hnsw?: { M?: number; efConstruction?: number; efSearch?: number };
  /**
   * How sealed segments store vectors (default `'none'`): `'sq8'` (1 byte per
   * dimension), `'binary'` (1 bit per dimension) or `{ type: 'pq', subvectors: m,
   * bits: 8 }` (m bytes per vector; m divides the dimension). Quantized segments
   * search the HNSW graph on the codes, rescore the best `k × oversampling`
   * with the float32 vectors, and keep those vectors in the segment file
   * (memory-mapped), not in memory. The memtable (recent writes) stays float32.
   */
  quantization?: QuantizationSpec;
  /**
   * Rescoring of quantized searches: candidates = k × `oversampling` (1–1024).
   * Default by measurement (`defaultOversampling`): sq8 2, PQ 8, binary
   * min(64, max(8, ⌈4096 / d⌉)). Only with `quantization`.
   */
  rescore?: { oversampling: number };
  /**
   * Embeds `documents` given without `embeddings` and `queryTexts` (Chroma's
   * `EmbeddingFunction` shape). Its `name` and `getConfig()` are stored with
   * the collection, so a reopened collection rebuilds it through
   * `registerEmbeddingFunction`. Omitted: the offline default
   * (`@omendb/default-embed`, imported at the first text call; vector-only
   * use never imports it). `null`: none (text calls need one passed later).
   * The metric stays `metric` / `hnsw:space` (default `'l2'`), as in Chroma's JS client.
   */
  embeddingFunction?: EmbeddingFunction | null;
  /** Chroma's `configuration`: `hnsw.space`, `max_neighbors` (M), `ef_construction`, `ef_search`, `embeddingFunction`. */
  configuration?: {
    hnsw?: { space?: Metric; ef_construction?: number; ef_search?: number; max_neighbors?: number };
    embeddingFunction?: EmbeddingFunction;
  };
}
