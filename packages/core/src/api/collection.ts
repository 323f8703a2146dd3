import { ClosedError, DimensionMismatchError, DuplicateIdError, NotFoundError, ValidationError } from '../errors.js';
import { OperationKind } from '../format/operation.js';
import { validateQuantizationSpec } from '../quantize/spec.js';
import { compileWhere, compileWhereDocument, type Where, type WhereDocument } from '../search/filter/index.js';
import { CollectionSearch, documentAt, metadataAt, passes, scanCollection, type Hit, type RowFilter } from '../search/fanout.js';
import type { CollectionState, RecordLocation } from '../storage/collection-state.js';
import type { CollectionStore } from '../storage/collection-store.js';
import type { VectorIndex } from '../index/types.js';
import type { IncludeField, Metadata, Metric } from '../types.js';
import { collectionStats } from '../memory/collection-stats.js';
import { queryVectors, validateIds, validateRecords, type RecordsInput } from './records.js';
import { DEFAULT_GET_INCLUDE, DEFAULT_QUERY_INCLUDE, type CollectionStats, type GetResult, type QueryResult } from './results.js';
import { deleteSchema, getSchema, parse, parseQuery } from './schemas.js';

/** Arguments of `Collection.query`. */
export interface QueryArgs {
  /** `number[][]` or `Float32Array[]`, q × dimension, finite float32-range values. */
  queryEmbeddings: (number[] | Float32Array)[];
  /** Results per query (k), an integer in 1…100,000; default 10. */
  nResults?: number;
  /** Metadata filter (Chroma's language); only matching records are searched. */
  where?: Where;
  /** Document-text filter; only matching records are searched. */
  whereDocument?: WhereDocument;
  /** Default `['metadatas', 'documents', 'distances']`. */
  include?: IncludeField[];
  /** HNSW candidate list size for this query, an integer in 1…100,000 (raised to k); default the collection's. */
  efSearch?: number;
  /** Brute-force search over every row (exact ground truth); default false. */
  exact?: boolean;
}

/** Arguments of `Collection.get`; with none, every record. Several selectors must all match. */
export interface GetArgs {
  /** Records with these ids, in this order; missing ids are skipped. */
  ids?: string[];
  /** Metadata filter (Chroma's language). */
  where?: Where;
  /** Document-text filter. */
  whereDocument?: WhereDocument;
  /** At most this many records (an integer ≥ 0); default all. */
  limit?: number;
  /** Skip this many matching records first (an integer ≥ 0); default 0. */
  offset?: number;
  /** Default `['metadatas', 'documents']`. */
  include?: IncludeField[];
}

/** Arguments of `Collection.delete`: at least one selector; several must all match. */
export interface DeleteArgs {
  /** Records with these ids; missing ids are ignored. */
  ids?: string[];
  /** Metadata filter (Chroma's language). */
  where?: Where;
  /** Document-text filter. */
  whereDocument?: WhereDocument;
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
    private readonly isOpen: () => boolean,
  ) {}

  /** The collection's name, as given at creation. */
  get name(): string {
    return this.store.name;
  }

  /** Distance of every search (see `Metric`): `'l2'` squared Euclidean, `'cosine'` 1 − cos, `'ip'` 1 − a·b. */
  get metric(): Metric {
    return this.store.state.metric;
  }

  /** Fixed at creation or by the first add; null while the collection is empty and unset. */
  get dimension(): number | null {
    return this.store.state.dimension;
  }

  /** The user metadata given at creation. */
  get metadata(): Record<string, unknown> | null {
    return this.store.manifest.metadata;
  }

  /**
   * Adds new records. `ids`: distinct non-empty strings; `embeddings`: n × dimension
   * (required); `metadatas`, `documents`: n entries each (optional).
   * Throws DuplicateIdError when an id exists, DimensionMismatchError, ValidationError.
   */
  async add(records: RecordsInput): Promise<void> {
    return this.mutate(records, OperationKind.Add, true);
  }

  /**
   * Adds records, or replaces existing ones entirely (vector, metadata,
   * document). Same shapes as {@link add}; throws DimensionMismatchError,
   * ValidationError.
   */
  async upsert(records: RecordsInput): Promise<void> {
    return this.mutate(records, OperationKind.Upsert, true);
  }

  /**
   * Changes existing records: given embeddings and documents replace; given
   * metadata merges key by key (a null value removes the key), as in Chroma.
   * Throws NotFoundError (nothing written) when an id does not exist.
   */
  async update(records: RecordsInput): Promise<void> {
    return this.mutate(records, OperationKind.Update, false);
  }

  /**
   * Deletes the records matching `ids` and/or the filters (all of them must
   * match when several are given). Missing ids are ignored. Throws
   * ValidationError when no selector is given.
   */
  async delete(args: DeleteArgs = {}): Promise<void> {
    this.ensureOpen();
    const a = parse(deleteSchema, args, 'delete arguments');
    if (a.ids === undefined && a.where === undefined && a.whereDocument === undefined) {
      throw new ValidationError('delete needs ids, where or whereDocument');
    }
    const ids = a.ids === undefined ? undefined : validateIds(a.ids);
    const filter = compileFilter(a.where, a.whereDocument);
    return this.store.write((state) => ({ type: OperationKind.Delete, ids: this.select(state, ids, filter) }));
  }

  /**
   * The k nearest records to each query embedding, ascending by distance
   * (HNSW, Malkov & Yashunin 2018; exact with `exact: true`). Result arrays
   * are q × ≤ k. Throws DimensionMismatchError when a query's length is not
   * the collection's dimension, ValidationError for malformed arguments or
   * filters (code and path in `issues`).
   */
  async query(args: QueryArgs): Promise<QueryResult> {
    this.ensureOpen();
    const a = parseQuery(args);
    const include = a.include ?? DEFAULT_QUERY_INCLUDE;
    const filter = compileFilter(a.where, a.whereDocument);
    const state = this.store.state;
    const result: QueryResult = { ids: [], distances: [], metadatas: [], documents: [], include };
    const withEmbeddings = include.includes('embeddings');
    if (withEmbeddings) result.embeddings = [];
    if (state.dimension === null) {
      for (const _ of a.queryEmbeddings) pushRow(result, [], [], [], [], []);
      return result;
    }
    const queries = queryVectors(a.queryEmbeddings, state.dimension, state.metric, 'queryEmbeddings');
    // One search for the call: the filter's per-row answers are shared by every query embedding.
    const search = new CollectionSearch(state, filter);
    const options = { efSearch: a.efSearch ?? this.store.manifest.hnsw.efSearch, exact: a.exact };
    const withMetadata = include.includes('metadatas');
    const withDocuments = include.includes('documents');
    for (const query of queries) {
      const hits = search.search(query, a.nResults, options);
      const ids: string[] = [];
      const distances: number[] = [];
      const metadatas: (Metadata | null)[] = [];
      const documents: (string | null)[] = [];
      // Only the fields asked for are read: a vector copy or a metadata decode per hit is not free.
      for (const hit of hits) {
        ids.push(idAt(state, hit));
        distances.push(hit.distance);
        metadatas.push(withMetadata ? metadataAt(state, hit.segment, hit.row) : null);
        documents.push(withDocuments ? documentAt(state, hit.segment, hit.row) : null);
      }
      const embeddings = withEmbeddings ? hits.map((h) => Array.from(indexOf(state, h).vector(h.row))) : undefined;
      pushRow(result, ids, distances, metadatas, documents, embeddings);
    }
    return result;
  }

  /**
   * Records by ids and/or filters. With `ids`, results follow their order
   * (missing ids are skipped); otherwise storage order. `offset`/`limit` page.
   * Throws ValidationError for malformed arguments or filters.
   */
  async get(args: GetArgs = {}): Promise<GetResult> {
    this.ensureOpen();
    const a = parse(getSchema, args, 'get arguments');
    const include = a.include ?? DEFAULT_GET_INCLUDE;
    const ids = a.ids === undefined ? undefined : validateIds(a.ids);
    const filter = compileFilter(a.where, a.whereDocument);
    const state = this.store.state;
    const locations = this.locations(state, ids, filter, a.offset ?? 0, a.limit ?? Infinity);
    const records = locations.map((loc) => state.read(loc));
    const result: GetResult = {
      ids: records.map((r) => r.id),
      metadatas: records.map((r) => (include.includes('metadatas') ? r.metadata : null)),
      documents: records.map((r) => (include.includes('documents') ? r.document : null)),
      include,
    };
    if (include.includes('embeddings')) result.embeddings = records.map((r) => Array.from(r.vector));
    return result;
  }

  /** The first `limit` records (default 10) in storage order. */
  async peek(args: { limit?: number } = {}): Promise<GetResult> {
    return this.get({ limit: args.limit ?? 10 });
  }

  /** Number of live records. */
  async count(): Promise<number> {
    this.ensureOpen();
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

  /** Memory and disk accounting of this collection (see `Stats`). */
  stats(): CollectionStats {
    this.ensureOpen();
    return collectionStats(this.store);
  }

  private mutate(records: RecordsInput, type: OperationKind.Add | OperationKind.Upsert | OperationKind.Update, requireEmbeddings: boolean): Promise<void> {
    this.ensureOpen();
    const state = this.store.state;
    const valid = validateRecords(records, { requireEmbeddings, dimension: state.dimension, metric: state.metric });
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
      if (type === OperationKind.Update) {
        const missing = valid.ids.filter((id) => !current.locate(id));
        if (missing.length > 0) throw new NotFoundError(`update of ${missing.length} missing id(s), e.g. ${JSON.stringify(missing[0])}`);
      }
      return { type, ids: valid.ids, dim: valid.dim, vectors: valid.vectors, metadatas: valid.metadatas, documents: valid.documents };
    });
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
    return this.locations(state, ids, filter).map((loc) => state.read(loc).id);
  }

  private ensureOpen(): void {
    if (!this.isOpen()) throw new ClosedError(`collection ${JSON.stringify(this.store.name)} is closed or was deleted`);
  }
}

function* locateAll(state: CollectionState, ids: string[], filter: RowFilter): Generator<RecordLocation> {
  for (const id of ids) {
    const loc = state.locate(id);
    if (loc && passes(state, loc.segment, loc.row, filter)) yield loc;
  }
}

function idAt(state: CollectionState, hit: Hit): string {
  return (hit.segment ?? state.memtable!).externalId(hit.row);
}

function indexOf(state: CollectionState, hit: Hit): VectorIndex {
  return hit.segment ? hit.segment.index : state.memtable!.index;
}

function compileFilter(where: unknown, whereDocument: unknown): RowFilter {
  return {
    where: where === undefined || where === null ? undefined : compileWhere(where),
    whereDocument: whereDocument === undefined || whereDocument === null ? undefined : compileWhereDocument(whereDocument),
  };
}

function pushRow(
  result: QueryResult,
  ids: string[],
  distances: number[],
  metadatas: (Metadata | null)[],
  documents: (string | null)[],
  embeddings: number[][] | undefined,
): void {
  result.ids.push(ids);
  result.distances.push(distances);
  result.metadatas.push(metadatas);
  result.documents.push(documents);
  if (embeddings && result.embeddings) result.embeddings.push(embeddings);
}
