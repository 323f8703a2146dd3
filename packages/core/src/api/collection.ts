import { ClosedError, DimensionMismatchError, DuplicateIdError, NotFoundError, ValidationError } from '../errors.js';
import { OperationKind } from '../format/operation.js';
import { validateQuantizationSpec } from '../quantize/spec.js';
import { CollectionSearch, Hits, passes, scanCollection, type RowFilter } from '../search/fanout.js';
import type { CollectionState, RecordLocation } from '../storage/collection-state.js';
import type { CollectionStore } from '../storage/collection-store.js';
import type { IncludeField, Metric } from '../types.js';
import { collectionStats } from '../memory/collection-stats.js';
import { embedTexts, textsOf } from './embed.js';
import { compileFilter, fullTextSearch, type FullTextSearchArgs } from './full-text-search.js';
import { withSparseVectors } from './sparse-embedding.js';
import type { EmbeddingBinding } from './embedding-binding.js';
import type { EmbeddingFunction } from './embedding-function.js';
import { packVectors, queryVectors, validateIds, validateRecords, type RecordsInput, type ValidRecords } from './records.js';
import { DEFAULT_GET_INCLUDE, DEFAULT_QUERY_INCLUDE, GetResult, QueryResult, type CollectionStats } from './results.js';
import { setHits } from './query-rows.js';
import { keepStoredMetadata, validateKeepKeys, type UpsertOptions } from './keep-metadata.js';
import { deleteSchema, getSchema, parse, parseQuery, type QueryInput } from './schemas.js';
import { requireDeleteSelector } from './delete-selector.js';
import { idAt, readGetResult } from './get-result.js';
import { readDistinct, type DistinctArgs, type DistinctResult } from './distinct.js';
import type { DeleteArgs, GetArgs, ModifyArgs, QueryArgs } from './collection-call-args.js';
import { runSearches, searchContext, type SearchLike, type SearchOptions } from './collection-search.js';
import type { SearchResult } from './search-result.js';

export type { DeleteArgs, GetArgs, ModifyArgs, QueryArgs } from './collection-call-args.js';

/** @internal What a collection needs from its database. */
export interface CollectionContext {
  isOpen(): boolean;
  /** A read-only database catches up with its writer when a read is due to (readConsistencyIntervalMs). */
  catchUp(): void;
  modify(store: CollectionStore, args: ModifyArgs): Promise<void>;
}

/**
 * A named set of records (id, vector, metadata, document) with one dimension
 * and metric. Obtained from `OmenDB.createCollection` / `getCollection`.
 * Methods throw ClosedError after the database is closed or the collection deleted.
 */
export class Collection {
  /** @internal */
  constructor(
    private readonly store: CollectionStore,
    private readonly context: CollectionContext,
    private readonly embedder: EmbeddingBinding,
  ) {}

  /** Stable id, kept across renames (32 hex digits). */
  get id(): string {
    return this.store.manifest.id;
  }

  /** The collection's name (changed by `modify`). */
  get name(): string {
    return this.store.name;
  }

  /**
   * The embedding function of text calls: the one passed to
   * create/getCollection in this process, or the one rebuilt from the
   * manifest by the first text call; undefined before either.
   */
  get embeddingFunction(): EmbeddingFunction | undefined {
    return this.embedder.current;
  }

  /** Distance of every search (see `Metric`): `'l2'` squared Euclidean, `'cosine'` 1 − cos, `'ip'` 1 − a·b. */
  get metric(): Metric {
    return this.store.state.metric;
  }

  /** Fixed at creation or by the first add; null while the collection is empty and unset. */
  get dimension(): number | null {
    return this.store.state.dimension;
  }

  /** Chroma's `configuration` view of the index settings and the function in use (read-only). */
  get configuration(): { hnsw: { space: Metric; max_neighbors: number; ef_construction: number; ef_search: number }; embeddingFunction?: EmbeddingFunction } {
    const { metric, hnsw } = this.store.manifest;
    const hnswView = { space: metric, max_neighbors: hnsw.M, ef_construction: hnsw.efConstruction, ef_search: hnsw.efSearch };
    const ef = this.embedder.current;
    return ef ? { hnsw: hnswView, embeddingFunction: ef } : { hnsw: hnswView };
  }

  /** The user metadata given at creation or by `modify`. */
  get metadata(): Record<string, unknown> | null {
    return this.store.manifest.metadata;
  }

  /**
   * Adds new records. `ids`: distinct non-empty strings; `embeddings`: n × dimension
   * (the first vectors fix an unset dimension, at most 65,536), or omitted with
   * `documents` (n strings) to embed them with the collection's embedding
   * function, once per call and before anything is logged; `metadatas`,
   * `documents`: n entries each (optional; a document is at most
   * `maxDocumentBytes` UTF-8 bytes, 1 MiB by default). Arrays may not have
   * holes and strings must be well-formed UTF-16. Arguments are copied when
   * the call is made. Throws DuplicateIdError when an id exists,
   * DimensionMismatchError, ValidationError, EmbeddingFunctionError (nothing
   * written; see README, "What a call may store").
   */
  async add(records: RecordsInput): Promise<void> {
    return this.mutate(records, OperationKind.Add, true);
  }

  /**
   * Adds records, or replaces existing ones entirely (vector, metadata,
   * document). Same shapes as {@link add}, `documents` embedded as `add`
   * does. `options.keepMetadata`: metadata keys whose stored value an
   * existing record keeps over the given one (e.g. a creation time), read
   * and written in one step of the write queue, so concurrent upserts of an
   * id cannot lose it. Throws DimensionMismatchError, ValidationError,
   * EmbeddingFunctionError.
   */
  async upsert(records: RecordsInput, options: UpsertOptions = {}): Promise<void> {
    const keep = options.keepMetadata === undefined ? undefined : validateKeepKeys(options.keepMetadata);
    return this.mutate(records, OperationKind.Upsert, true, keep);
  }

  /**
   * Changes existing records: given embeddings and documents replace; given
   * metadata merges key by key (a null value removes the key), as in Chroma.
   * `documents` without `embeddings` are re-embedded, as in Chroma.
   * Throws NotFoundError (nothing written) when an id does not exist.
   */
  async update(records: RecordsInput): Promise<void> {
    return this.mutate(records, OperationKind.Update, false);
  }

  /**
   * Deletes the records matching `ids` and/or the filters (all of them must
   * match when several are given). Missing ids are ignored. Throws
   * ValidationError when nothing restricts the selection: no ids and no
   * filter, or only empty filters (`{ where: {} }`), as Chroma does (see
   * delete-selector.ts).
   */
  async delete(args: DeleteArgs = {}): Promise<void> {
    this.ensureOpen();
    const a = parse(deleteSchema, args, 'delete arguments');
    const ids = a.ids === undefined ? undefined : validateIds(a.ids);
    const filter = compileFilter(a.where, a.whereDocument, this.store.state.factory.text);
    requireDeleteSelector(ids, a.where, a.whereDocument);
    return this.store.write((state) => ({ type: OperationKind.Delete, ids: this.select(state, ids, filter) }));
  }

  /**
   * The `nResults` nearest records to each query, ascending by distance
   * (HNSW, Malkov & Yashunin 2018; exact with `exact: true`; Chroma's
   * distances: see `Metric`). `queryTexts` are embedded with the
   * collection's embedding function. Result arrays are q × ≤ k. Throws
   * DimensionMismatchError when a query's length is not the collection's
   * dimension, ValidationError for malformed arguments or filters (code and
   * path in `issues`), EmbeddingFunctionError.
   */
  query(args: QueryArgs): Promise<QueryResult> {
    // Not an async function: a call with query embeddings never waits, and its answer costs less without one's frame.
    try {
      this.ensureFresh();
      const a = parseQuery(args);
      const filter = compileFilter(a.where, a.whereDocument, this.store.state.factory.text);
      if (this.store.state.dimension === 0) throw new ValidationError('this collection stores records without vectors (dimension 0); it cannot be queried by vector');
      if (a.queryEmbeddings !== undefined) return Promise.resolve(this.answer(a, a.queryEmbeddings, filter));
      return this.queryTexts(a, a.queryTexts!, filter);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** {@link query} of texts: embedded, then answered from the state as it is once they are. */
  private async queryTexts(a: QueryInput, texts: string[], filter: RowFilter): Promise<QueryResult> {
    return this.answer(a, await embedTexts(await this.embedder.resolve(), texts, this.store.state.dimension), filter);
  }

  /** The answer to {@link query} for `queryEmbeddings`, from the current state. */
  private answer(a: QueryInput, queryEmbeddings: unknown[], filter: RowFilter): QueryResult {
    const state = this.store.state;
    const result = new QueryResult(a.include ?? DEFAULT_QUERY_INCLUDE, queryEmbeddings.length);
    if (state.dimension === null) {
      for (let q = 0; q < queryEmbeddings.length; q++) setHits(result, q, Hits.none());
      return result;
    }
    const queries = queryVectors(queryEmbeddings, state.dimension, state.metric, 'queryEmbeddings');
    // One search for the call: the filter's per-row answers are shared by every query embedding.
    const search = new CollectionSearch(state, filter);
    const options = { efSearch: a.efSearch ?? this.store.manifest.hnsw.efSearch, exact: a.exact };
    // Many query embeddings share their graph walks with a worker thread (CollectionSearch.searchMany).
    const offset = a.offset ?? 0;
    const found = search.searchMany(queries, offset + a.nResults, options);
    for (let q = 0; q < found.length; q++) setHits(result, q, offset === 0 ? found[q] : found[q].slice(offset));
    return result;
  }

  /**
   * Chroma's Search API: `searches` is a `Search` of the `chromadb` package
   * (≥ 3.5), the object its constructor takes, or Chroma's JSON payload
   * (`{ filter, rank, group_by, limit, select }`), or a non-empty array of
   * them. Ranks with `Knn` on `#embedding` (a vector, or a text embedded
   * with the collection's embedding function) and on `#document` (BM25 over
   * the documents, scored 1 − BM25), fused by arithmetic or `Rrf`; lower
   * scores are better. Returns one result list per search, best first.
   * Throws ValidationError (code `unsupported` for what is not supported,
   * e.g. sparse vector keys), DimensionMismatchError, EmbeddingFunctionError.
   */
  async search(searches: SearchLike | SearchLike[], options?: SearchOptions): Promise<SearchResult> {
    this.ensureFresh();
    return runSearches(searchContext(this.store, this.embedder, this, () => this.ensureOpen()), searches, options);
  }

  /**
   * Records by ids and/or filters. With `ids`, results follow their order
   * (missing ids are skipped); otherwise storage order. `offset`/`limit` page.
   * Throws ValidationError for malformed arguments or filters.
   */
  async get(args: GetArgs = {}): Promise<GetResult> {
    this.ensureFresh();
    const a = parse(getSchema, args, 'get arguments');
    const include = a.include ?? DEFAULT_GET_INCLUDE;
    const ids = a.ids === undefined ? undefined : validateIds(a.ids);
    const filter = compileFilter(a.where, a.whereDocument, this.store.state.factory.text);
    const state = this.store.state;
    const locations = this.locations(state, ids, filter, a.offset ?? 0, a.limit ?? Infinity);
    return readGetResult(locations, include);
  }

  /**
   * The distinct values of a top-level metadata key among live records, each
   * with how many records hold it (SQL's `SELECT key, count(*) GROUP BY key`,
   * MongoDB's `distinct`; Chroma has no equivalent). Counts strings, numbers
   * and booleans; records without the key or with null, an array or an object
   * there are not counted. Values come numbers ascending, then strings (UTF-16
   * code unit order), then false, true; `offset`/`limit` page them.
   *
   * Cost: the first call for a key in an open database reads every live
   * record's metadata once; from then on every write moves the counts in the
   * same step as the write itself (WAL replay included), so later calls cost
   * O(distinct values) and see the same writes as a `get` made at that moment.
   * Throws ValidationError for malformed arguments.
   */
  async distinct(args: DistinctArgs): Promise<DistinctResult> {
    this.ensureOpen();
    return readDistinct(this.store.state, args);
  }

  /** The first `limit` records (default 10) in storage order, with their embeddings, as Chroma's `peek`. */
  async peek(args: { limit?: number } = {}): Promise<GetResult> {
    return this.get({ limit: args.limit ?? 10, include: ['embeddings', 'metadatas', 'documents'] });
  }

  /**
   * Renames the collection and/or replaces its metadata, durably: one
   * manifest publish, so a crash leaves the old or the new name, never
   * neither. Throws AlreadyExistsError (name taken), ValidationError.
   */
  async modify(args: ModifyArgs): Promise<void> {
    this.ensureOpen();
    await this.context.modify(this.store, args);
  }

  /** Number of live records. */
  async count(): Promise<number> {
    this.ensureFresh();
    return this.store.state.count;
  }

  /**
   * Seals the memtable, then merges every segment into one and drops
   * tombstoned rows, rebuilding its HNSW graph. Runs in the write queue.
   */
  async compact(): Promise<void> {
    this.ensureOpen();
    await this.store.compact();
  }

  /** @internal BM25 ranking over documents; highest score first. */
  async fullTextSearch(args: FullTextSearchArgs): Promise<{ ids: string[]; scores: number[] }> {
    this.ensureOpen();
    return fullTextSearch(this.store, args);
  }

  /**
   * Resolves once no background merge of this collection runs or is
   * warranted by the merge policy (see `OpenOptions.mergePolicy`): after a
   * bulk load, `await db.checkpoint()` then this gives the segments a query
   * will see from now on. Resolves at once with `mergePolicy: false`.
   */
  async waitForMerges(): Promise<void> {
    this.ensureOpen();
    await this.store.merger.idle();
  }

  /** Memory and disk accounting of this collection (see `Stats`). */
  stats(): CollectionStats {
    this.ensureOpen();
    return collectionStats(this.store);
  }

  private async mutate(
    records: RecordsInput,
    type: OperationKind.Add | OperationKind.Upsert | OperationKind.Update,
    requireEmbeddings: boolean,
    keepMetadata?: string[],
  ): Promise<void> {
    this.ensureOpen();
    const state = this.store.state;
    // Chroma re-embeds the documents of an update; a collection without any function keeps its vectors, as before functions existed.
    const embed = state.dimension !== 0 && needsEmbedding(records) && (type !== OperationKind.Update || this.embedder.exists);
    const checked = embed
      ? await this.embedRecords(records, type)
      : validateRecords(records, { requireEmbeddings, dimension: state.dimension, metric: state.metric, maxDocumentBytes: this.store.options.maxDocumentBytes });
    // Awaited only when documents are to be embedded: otherwise the call joins the write queue in call order.
    const sparse = withSparseVectors(this.store.manifest.sparse, this.embedder.sparse, this.store.name, checked);
    const valid = sparse instanceof Promise ? await sparse : sparse;
    this.ensureOpen();
    return this.store.write((current) => {
      // The dimension may have been fixed by an earlier write queued before this one.
      if (valid.vectors && current.dimension !== null && valid.dim !== current.dimension) {
        throw new DimensionMismatchError(current.dimension, valid.dim, ['embeddings', 0]);
      }
      // The first vectors fix the dimension: PQ's subvectors must divide it (checked at create when given).
      if (valid.vectors && current.dimension === null) validateQuantizationSpec(this.store.manifest.quantization, valid.dim);
      if (type === OperationKind.Add) {
        for (const id of valid.ids) if (current.locate(id)) throw new DuplicateIdError(id, 'a record with this id exists; use upsert to replace it');
      }
      if (type === OperationKind.Update) checkAllExist(current, valid.ids);
      const metadatas = keepMetadata ? keepStoredMetadata(current, valid.ids, valid.metadatas, keepMetadata) : valid.metadatas;
      return { type, ids: valid.ids, dim: valid.dim, vectors: valid.vectors, metadatas, documents: valid.documents };
    });
  }

  /**
   * Records whose `documents` are to be embedded: everything else is checked
   * first, so a bad id or metadata costs no embedding call.
   */
  private async embedRecords(records: RecordsInput, type: OperationKind): Promise<ValidRecords> {
    const { dimension, metric } = this.store.state;
    const valid = validateRecords(records, { requireEmbeddings: false, dimension, metric, maxDocumentBytes: this.store.options.maxDocumentBytes });
    if (type === OperationKind.Update) checkAllExist(this.store.state, valid.ids);
    const texts = textsOf(records.documents!, 'documents');
    const rows = await embedTexts(await this.embedder.resolve(), texts, dimension);
    this.ensureOpen();
    const packed = packVectors(rows, dimension, metric);
    return { ...valid, dim: packed.dim, vectors: packed.vectors };
  }

  /** Matching locations from the `offset`-th on, at most `limit`; the scan stops once it has them. */
  private locations(state: CollectionState, ids: string[] | undefined, filter: RowFilter, offset = 0, limit = Infinity): RecordLocation[] {
    const out: RecordLocation[] = [];
    if (limit === 0) return out;
    let skipped = 0;
    const matches = ids === undefined ? scanCollection(state, filter) : locateAll(state, ids, filter);
    for (const loc of matches) {
      if (skipped < offset) {
        skipped++;
        continue;
      }
      out.push(loc);
      if (out.length >= limit) break;
    }
    return out;
  }

  private select(state: CollectionState, ids: string[] | undefined, filter: RowFilter): string[] {
    return this.locations(state, ids, filter).map(idAt);
  }

  /** Open, and caught up with the writer when this is a reader due to (it may find the collection deleted). */
  private ensureFresh(): void {
    this.ensureOpen();
    this.context.catchUp();
    this.ensureOpen();
  }

  private ensureOpen(): void {
    if (!this.context.isOpen()) throw new ClosedError(`collection ${JSON.stringify(this.store.name)} is closed or was deleted`);
  }
}

/** Throws NotFoundError (update of ids that do not exist). */
function checkAllExist(state: CollectionState, ids: string[]): void {
  const missing = ids.filter((id) => !state.locate(id));
  if (missing.length > 0) throw new NotFoundError(`update of ${missing.length} missing id(s), e.g. ${JSON.stringify(missing[0])}`);
}

/** Documents without embeddings: the embedding function supplies the vectors (Chroma's text-first calls). */
function needsEmbedding(records: unknown): records is RecordsInput {
  if (typeof records !== 'object' || records === null) return false;
  const { embeddings, documents } = records as Record<string, unknown>;
  return embeddings === undefined && Array.isArray(documents) && documents.length > 0;
}

function* locateAll(state: CollectionState, ids: string[], filter: RowFilter): Generator<RecordLocation> {
  for (const id of ids) {
    const loc = state.locate(id);
    if (loc && passes(loc.part, loc.row, filter)) yield loc;
  }
}
