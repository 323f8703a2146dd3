/**
 * `OmenVectorStore`: a LangChain JS vector store over an embedded OmenDB
 * collection, shaped like LangChain's `Chroma` store so that Chroma code ports
 * by changing one import. It maps documents, ids and filters and calls
 * `@omendb/core`; it never touches files itself.
 */
import type { Callbacks } from '@langchain/core/callbacks/manager';
import { Document, type DocumentInterface } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { maximalMarginalRelevance } from '@langchain/core/utils/math';
import { VectorStore, type MaxMarginalRelevanceSearchOptions } from '@langchain/core/vectorstores';
import { ClosedError, DimensionMismatchError, NotFoundError, quantizationLabel, ValidationError, type Collection, type Where } from '@omendb/core';
import { resolveIds, toDocument, toRecords } from './document-records.js';
import { checkHybridOptions, hybridSearch, type HybridSearchOptions } from './hybrid-search.js';
import { acquireDatabase, type DatabaseLease } from './shared-database.js';
import { resolveArgs, type OmenVectorStoreArgs, type ResolvedArgs } from './store-args.js';
import { combineWhere } from './where.js';

/** Options of `addDocuments` / `addVectors`. */
export interface OmenAddOptions {
  /** One id per document; default each `Document.id`, else a random UUID. Existing ids are overwritten (upsert). */
  ids?: string[];
}

/** Arguments of `delete`: exactly one of `ids` and `filter`. */
export interface OmenDeleteParams {
  /** Ids to delete; ids that do not exist are ignored. */
  ids?: string[];
  /** A Chroma `where` filter selecting the records to delete. */
  filter?: Where;
}

interface OpenCollection {
  collection: Collection;
  /** Present when the store opened the database itself (`path`), absent with `db`. */
  lease?: DatabaseLease;
}

const DEFAULT_K = 4;
const DEFAULT_FETCH_K = 20;
const DEFAULT_LAMBDA = 0.5;

/**
 * A LangChain vector store backed by an OmenDB collection.
 *
 * Scores: `similaritySearchWithScore` and `similaritySearchVectorWithScore`
 * return the collection's **distance**, as Chroma's LangChain store does —
 * lower is closer: `l2` squared Euclidean, `cosine` 1 − cos, `ip` 1 − dot.
 *
 * Filters are Chroma `where` objects (`$eq $ne $gt $gte $lt $lte $in $nin
 * $and $or $contains $not_contains`, dotted keys into nested metadata).
 *
 * The database opens on first use (or in the static constructors). One call
 * to `addDocuments` / `addVectors` is one atomic write. Call `close()` when
 * done: it checkpoints and releases the directory lock.
 *
 * Errors are `@omendb/core`'s: `ValidationError` (bad arguments, filters,
 * metadata), `DimensionMismatchError` (a vector of the wrong length),
 * `NotFoundError`, `LockError`, `ClosedError` (use after `close()`).
 */
export class OmenVectorStore extends VectorStore {
  declare FilterType: Where;

  /** The collection's name. */
  readonly collectionName: string;
  /** Metadata given for a new collection (Chroma's `collectionMetadata`). */
  readonly collectionMetadata?: Record<string, unknown>;
  /** The default filter ANDed into every search. */
  readonly filter?: Where;

  private readonly args: ResolvedArgs;
  private opening?: Promise<OpenCollection>;
  private closed = false;

  _vectorstoreType(): string {
    return 'omendb';
  }

  /**
   * @param embeddings embeds documents and queries (any LangChain `Embeddings`).
   * @param args see {@link OmenVectorStoreArgs}; all optional.
   * @throws ValidationError for invalid arguments, including Chroma's `url`.
   */
  constructor(embeddings: EmbeddingsInterface, args: OmenVectorStoreArgs = {}) {
    const resolved = resolveArgs(args);
    super(embeddings, args);
    this.args = resolved;
    this.collectionName = resolved.collectionName;
    this.collectionMetadata = resolved.collectionMetadata;
    this.filter = resolved.filter;
  }

  /** The underlying OmenDB collection, opened (and created when missing) on first call. */
  async ensureCollection(): Promise<Collection> {
    return (await this.open(false)).collection;
  }

  /**
   * Embeds `documents` with `this.embeddings` and upserts them.
   * @returns the ids, in order (see {@link OmenAddOptions.ids}). The documents are not modified.
   */
  async addDocuments(documents: DocumentInterface[], options?: OmenAddOptions): Promise<string[]> {
    if (documents.length === 0) return [];
    const ids = resolveIds(documents, options?.ids);
    const vectors = await this.embeddings.embedDocuments(documents.map((doc) => doc.pageContent));
    return this.upsert(vectors, documents, ids);
  }

  /**
   * Upserts precomputed vectors (n × dimension) with their documents.
   * @returns the ids, in order. Throws DimensionMismatchError for a vector of the wrong length.
   */
  async addVectors(vectors: number[][], documents: DocumentInterface[], options?: OmenAddOptions): Promise<string[]> {
    if (vectors.length === 0 && documents.length === 0) return [];
    return this.upsert(vectors, documents, resolveIds(documents, options?.ids));
  }

  /**
   * The `k` nearest documents to `query` (an embedding), each with its
   * distance (lower is closer), ascending. Documents carry their `id`.
   */
  async similaritySearchVectorWithScore(query: number[], k: number, filter?: Where): Promise<[Document, number][]> {
    const { collection } = await this.open(false);
    const result = await collection.query({
      queryEmbeddings: [query],
      nResults: k,
      where: combineWhere(this.filter, filter),
      include: ['metadatas', 'documents', 'distances'],
    });
    const ids = result.ids[0];
    return ids.map((id, i) => [toDocument(id, result.documents[0][i], result.metadatas[0][i]), result.distances[0][i]]);
  }

  /**
   * Maximal marginal relevance (Carbonell & Goldstein 1998): fetches the
   * `fetchK` (default 20) nearest documents, then picks `k` (default 4) of
   * them, each maximising `lambda · sim(query) − (1 − lambda) · max sim(picked)`
   * with cosine similarity; `lambda` in [0, 1] (default 0.5; 1 = pure relevance).
   */
  override async maxMarginalRelevanceSearch(
    query: string,
    options: MaxMarginalRelevanceSearchOptions<this['FilterType']>,
    _callbacks?: Callbacks,
  ): Promise<Document[]> {
    const k = options.k ?? DEFAULT_K;
    const fetchK = options.fetchK ?? DEFAULT_FETCH_K;
    const lambda = options.lambda ?? DEFAULT_LAMBDA;
    if (!(lambda >= 0 && lambda <= 1)) {
      throw new ValidationError('invalid MMR options', [{ code: 'invalid_value', path: ['lambda'], message: 'expected a number from 0 to 1' }]);
    }
    const { collection } = await this.open(false);
    const queryEmbedding = await this.embeddings.embedQuery(query);
    const result = await collection.query({
      queryEmbeddings: [queryEmbedding],
      nResults: fetchK,
      where: combineWhere(this.filter, options.filter),
      include: ['embeddings', 'metadatas', 'documents'],
    });
    // Core answers a query on a collection that never held a vector with `embeddings: []` (no row per query).
    const candidates = result.embeddings?.[0] ?? [];
    const picked = maximalMarginalRelevance(queryEmbedding, candidates, lambda, k);
    return picked.map((i) => toDocument(result.ids[0][i], result.documents[0][i], result.metadatas[0][i]));
  }

  /**
   * Hybrid search: the `k` (default 4) documents best for `query` by both
   * its embedding (dense, HNSW) and its words (BM25 over the documents),
   * fused by reciprocal rank fusion (`hybrid-search.ts`; `rrfK` default 60,
   * `fetchK` candidates per ranking, `weights` `[dense, text]`), each with
   * its RRF score, higher is better. `filter` (a Chroma `where`) applies
   * inside both rankings, ANDed with the store's `filter`. Needs a
   * collection created with `fullText: true` unless the text weight is 0:
   * otherwise ValidationError, code `no_full_text_index`.
   */
  async hybridSearchWithScore(query: string, options?: HybridSearchOptions): Promise<[Document, number][]> {
    if (typeof query !== 'string' || query.trim().length === 0) {
      throw new ValidationError('invalid hybrid search', [{ code: 'invalid_type', path: ['query'], message: 'expected a query text with a non-space character' }]);
    }
    const checked = checkHybridOptions(options);
    const { collection } = await this.open(false);
    const embedding = await this.embeddings.embedQuery(query);
    const hits = await hybridSearch(collection, query, embedding, combineWhere(this.filter, options?.filter), checked);
    return hits.map((h) => [toDocument(h.id, h.document, h.metadata), h.score]);
  }

  /** {@link hybridSearchWithScore} without the scores. */
  async hybridSearch(query: string, options?: HybridSearchOptions): Promise<Document[]> {
    return (await this.hybridSearchWithScore(query, options)).map(([doc]) => doc);
  }

  /** The stored documents with these ids, in the order given; missing ids are skipped. */
  async getByIds(ids: string[]): Promise<Document[]> {
    const { collection } = await this.open(false);
    const result = await collection.get({ ids, include: ['metadatas', 'documents'] });
    return result.ids.map((id, i) => toDocument(id, result.documents[i], result.metadatas[i]));
  }

  /**
   * Deletes by ids or by filter. Missing ids are ignored. The store's default
   * `filter` does not apply, as in Chroma.
   * @throws ValidationError when neither `ids` nor a non-empty `filter` is
   * given, or when both are: Chroma's store then deletes the ids and ignores
   * the filter, so the same call would delete different records here and there.
   */
  override async delete(params: OmenDeleteParams = {}): Promise<void> {
    const where = combineWhere(undefined, params.filter);
    if (params.ids === undefined && where === undefined) {
      throw new ValidationError('delete needs { ids } or { filter }; to drop the whole collection use db.deleteCollection(name)');
    }
    if (params.ids !== undefined && where !== undefined) {
      throw new ValidationError(
        "delete takes { ids } or { filter }, not both (Chroma's store deletes the ids and ignores the filter): to delete those of the ids that match, call get with both first",
      );
    }
    const { collection } = await this.open(false);
    await collection.delete({ ids: params.ids, where });
  }

  /**
   * Releases the database: the last store sharing a `path` closes it
   * (checkpoint, lock released). A database passed as `db` stays open.
   * Later calls on this store throw ClosedError. Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const opening = this.opening;
    this.opening = undefined;
    const opened = await opening?.catch(() => undefined);
    await opened?.lease?.release();
  }

  /** A store over `texts`, `metadatas` being one object per text or one shared by all. */
  static override async fromTexts(
    texts: string[],
    metadatas: object[] | object,
    embeddings: EmbeddingsInterface,
    args: OmenVectorStoreArgs = {},
  ): Promise<OmenVectorStore> {
    const docs = texts.map(
      (text, i) => new Document({ pageContent: text, metadata: (Array.isArray(metadatas) ? metadatas[i] : metadatas) as Record<string, unknown> }),
    );
    return OmenVectorStore.fromDocuments(docs, embeddings, args);
  }

  /** A store holding `docs` (embedded and upserted); closed again if adding fails. */
  static override async fromDocuments(docs: DocumentInterface[], embeddings: EmbeddingsInterface, args: OmenVectorStoreArgs = {}): Promise<OmenVectorStore> {
    const store = new OmenVectorStore(embeddings, args);
    try {
      await store.addDocuments(docs);
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /**
   * A store over a collection that must already exist. Unlike Chroma's, which
   * creates a missing collection, this throws NotFoundError naming the
   * directory searched: with an embedded database, a missing collection
   * usually means the process runs from another directory than the one that
   * wrote it.
   */
  static async fromExistingCollection(embeddings: EmbeddingsInterface, args: OmenVectorStoreArgs = {}): Promise<OmenVectorStore> {
    const store = new OmenVectorStore(embeddings, args);
    await store.open(true);
    return store;
  }

  private async upsert(vectors: number[][], documents: DocumentInterface[], ids: string[]): Promise<string[]> {
    const records = toRecords(vectors, documents, ids);
    const { collection } = await this.open(false);
    await collection.upsert(records);
    return ids;
  }

  private open(mustExist: boolean): Promise<OpenCollection> {
    if (this.closed) return Promise.reject(new ClosedError(`OmenVectorStore of collection ${JSON.stringify(this.collectionName)} is closed`));
    if (this.opening === undefined) {
      const opening = this.openCollection(mustExist);
      this.opening = opening;
      // A failed open is retried by the next call rather than cached.
      opening.catch(() => {
        if (this.opening === opening) this.opening = undefined;
      });
    }
    return this.opening;
  }

  private async openCollection(mustExist: boolean): Promise<OpenCollection> {
    const a = this.args;
    const lease = a.db === undefined ? await acquireDatabase(a.path, a.durability) : undefined;
    const db = a.db ?? lease!.db;
    try {
      let collection: Collection;
      if (mustExist) {
        const names = (await db.listCollections()).map((c) => c.name);
        if (!names.includes(a.collectionName)) {
          throw new NotFoundError(
            `collection ${JSON.stringify(a.collectionName)} does not exist in ${db.dir} ` +
              `(collections there: ${names.length > 0 ? names.map((n) => JSON.stringify(n)).join(', ') : 'none'})`,
          );
        }
        collection = await db.getCollection(a.collectionName);
      } else {
        collection = await db.getOrCreateCollection({
          name: a.collectionName,
          metric: a.metric,
          metadata: a.collectionMetadata,
          dimension: a.numDimensions,
          quantization: a.quantization,
          fullText: a.fullText,
          // The store embeds with its LangChain Embeddings: the collection has no embedding function of its own.
          embeddingFunction: null,
        });
      }
      checkCompatible(collection, a);
      return { collection, lease };
    } catch (error) {
      await lease?.release();
      throw error;
    }
  }
}

/** An existing collection must have the metric and dimension this store asked for, when it asked. */
function checkCompatible(collection: Collection, a: ResolvedArgs): void {
  const space = a.collectionMetadata?.['hnsw:space'];
  const wanted = a.metric ?? (typeof space === 'string' ? space : undefined);
  if (wanted !== undefined && wanted !== collection.metric) {
    throw new ValidationError(
      `collection ${JSON.stringify(collection.name)} exists with metric ${JSON.stringify(collection.metric)}, not ${JSON.stringify(wanted)}`,
      [{ code: 'metric_mismatch', path: ['metric'], message: `the collection uses ${collection.metric}` }],
    );
  }
  if (a.numDimensions !== undefined && collection.dimension !== null && collection.dimension !== a.numDimensions) {
    throw new DimensionMismatchError(collection.dimension, a.numDimensions, ['numDimensions']);
  }
  const quantization = collection.stats().quantization;
  if (a.quantization !== undefined && quantizationLabel(a.quantization) !== quantizationLabel(quantization)) {
    throw new ValidationError(
      `collection ${JSON.stringify(collection.name)} exists with quantization ${quantizationLabel(quantization)}, not ${quantizationLabel(a.quantization)}`,
      [{ code: 'quantization_mismatch', path: ['quantization'], message: `the collection uses ${quantizationLabel(quantization)}` }],
    );
  }
}
