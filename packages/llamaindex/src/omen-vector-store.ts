/**
 * `OmenVectorStore`: LlamaIndex TS's `BaseVectorStore` on an OmenDB
 * collection — a durable, embedded store for storage contexts.
 */
import { ClosedError, OmenDB, quantizationLabel, ValidationError, type Collection } from '@omendb/core';
import { BaseVectorStore, type BaseNode, type VectorStoreQuery, type VectorStoreQueryResult } from 'llamaindex';
import { checkQuery } from './check-query.js';
import { nodeToRecord, REF_DOC_ID_KEY } from './node-record.js';
import { checkOptions, DEFAULT_METRIC, type CheckedOptions, type OmenVectorStoreOptions } from './options.js';
import { runQuery } from './query-modes.js';

interface Opened {
  db: OmenDB;
  collection: Collection;
  /** Whether the store opened `db` itself (from `path`) and so must close it. */
  owned: boolean;
}

/**
 * A LlamaIndex vector store that keeps nodes — embedding, text and metadata —
 * in an OmenDB collection, so an index survives restarts and crashes with no
 * server and no JSON file rewritten on every change.
 *
 * ```ts
 * const vectorStore = new OmenVectorStore({ path: './index-db' });
 * const storageContext = await storageContextFromDefaults({ vectorStore });
 * const index = await VectorStoreIndex.fromDocuments(docs, { storageContext });
 * // later, in another process:
 * const again = await VectorStoreIndex.fromVectorStore(new OmenVectorStore({ path: './index-db' }));
 * ```
 *
 * `storesText` is true: nodes come back from `query` whole (text, metadata,
 * relationships), so `VectorStoreIndex.fromVectorStore` needs no docstore.
 * The record layout is in `node-record.ts`, filter semantics in
 * `filters/evaluate.ts`, scores in `similarity.ts`.
 *
 * The database is opened lazily on first use. Errors are core's typed
 * errors: ValidationError (bad options, nodes or queries),
 * DimensionMismatchError, LockError, ClosedError after `close()`.
 */
export class OmenVectorStore extends BaseVectorStore<Promise<Collection>> {
  override storesText = true;
  private readonly options: CheckedOptions;
  private opening: Promise<Opened> | undefined;
  private closed = false;

  /**
   * Checks `options` (ValidationError); opens nothing yet. The embed model
   * is `options.embedModel`, else LlamaIndex's `Settings.embedModel` (LlamaIndex
   * throws when neither is set).
   */
  constructor(options: OmenVectorStoreOptions) {
    const checked = checkOptions(options);
    super(options);
    this.options = checked;
  }

  /** The underlying collection (opening the database on first use), for core's full API. */
  override client(): Promise<Collection> {
    return this.open().then((opened) => opened.collection);
  }

  /**
   * Stores `nodes` (each with an embedding of the collection's dimension),
   * replacing any stored node with the same id, in one durable write.
   * Returns their ids in order. Throws ValidationError (a node without an
   * embedding, metadata core cannot hold, a repeated id) or
   * DimensionMismatchError; nothing is written when it throws.
   */
  override async add(nodes: BaseNode[]): Promise<string[]> {
    if (nodes.length === 0) return [];
    const records = nodes.map((node, i) => nodeToRecord(node, i));
    const { collection } = await this.open();
    await collection.upsert({
      ids: records.map((r) => r.id),
      embeddings: records.map((r) => r.embedding),
      metadatas: records.map((r) => r.metadata),
      documents: records.map((r) => r.document),
    });
    return records.map((r) => r.id);
  }

  /**
   * Deletes every node whose source document is `refDocId` (its `ref_doc_id`),
   * as `VectorStoreIndex.deleteRefDoc` expects; no error when there is none.
   */
  override async delete(refDocId: string): Promise<void> {
    if (typeof refDocId !== 'string') throw new ValidationError('refDocId must be a string');
    const { collection } = await this.open();
    await collection.delete({ where: { [REF_DOC_ID_KEY]: refDocId } });
  }

  /**
   * The `similarityTopK` best nodes for `query` that pass `filters` and, when
   * `docIds` is given, belong to one of those source documents, best first;
   * `nodes[i]`, `ids[i]` and `similarities[i]` describe the same node. The
   * mode decides the ranking (`query-modes.ts`): `default` (nearest vectors,
   * similarity per `similarity.ts`), `text_search` and `sparse` (BM25 on
   * `queryStr`), `hybrid` (relative-score fusion of both, `alpha` = dense
   * weight, default 0.5), `mmr` (maximal marginal relevance, λ =
   * `mmrThreshold`, default 0.5). Throws ValidationError for a malformed
   * query, or (code `no_full_text_index`) for a text mode on a collection
   * created without `fullText`, and DimensionMismatchError for an embedding
   * of the wrong length.
   */
  override async query(query: VectorStoreQuery): Promise<VectorStoreQueryResult> {
    const q = checkQuery(query);
    const { collection } = await this.open();
    return runQuery(collection, q);
  }

  /**
   * A checkpoint: seals what the write-ahead log holds into segments, so the
   * next open replays less. Not needed for durability — every `add` and
   * `delete` is durable when it resolves.
   */
  async persist(): Promise<void> {
    const { db } = await this.open();
    await db.checkpoint();
  }

  /**
   * Closes the database if the store opened it from `path` (checkpointing
   * and releasing its lock); a `db` passed in is left open for its owner.
   * Later calls throw ClosedError. Safe to call twice.
   */
  async close(): Promise<void> {
    this.closed = true;
    const opening = this.opening;
    if (!opening) return;
    const opened = await opening.catch(() => undefined);
    if (opened?.owned) await opened.db.close();
  }

  private open(): Promise<Opened> {
    if (this.closed) return Promise.reject(new ClosedError('this OmenVectorStore is closed'));
    if (!this.opening) {
      this.opening = openCollection(this.options);
      // A failed open (e.g. LockError) is not cached: the next call tries again.
      this.opening.catch(() => (this.opening = undefined));
    }
    return this.opening;
  }
}

async function openCollection(options: CheckedOptions): Promise<Opened> {
  const { source, collectionName, metric, quantization, fullText } = options;
  const owned = source.kind === 'path';
  const db = source.kind === 'path' ? await OmenDB.open(source.path) : source.db;
  try {
    const collection = await db.getOrCreateCollection({
      name: collectionName,
      metric: metric ?? DEFAULT_METRIC,
      quantization,
      fullText,
      // LlamaIndex embeds the nodes: the collection has no embedding function of its own.
      embeddingFunction: null,
    });
    if (metric !== undefined && collection.metric !== metric) {
      throw new ValidationError(`collection ${JSON.stringify(collectionName)} exists with metric ${JSON.stringify(collection.metric)}, not ${JSON.stringify(metric)}`);
    }
    const stored = collection.stats().quantization;
    if (quantization !== undefined && quantizationLabel(quantization) !== quantizationLabel(stored)) {
      throw new ValidationError(
        `collection ${JSON.stringify(collectionName)} exists with quantization ${quantizationLabel(stored)}, not ${quantizationLabel(quantization)}`,
      );
    }
    return { db, collection, owned };
  } catch (err) {
    if (owned) await db.close();
    throw err;
  }
}
