import {
  BaseStore,
  type GetOperation,
  type IndexConfig,
  type Item,
  type ListNamespacesOperation,
  type Operation,
  type OperationResults,
  type PutOperation,
  type SearchOperation,
} from '@langchain/langgraph-checkpoint';
import type { CreateCollectionArgs, OmenDB, OpenOptions } from '@omendb/core';
import { openHandles, type Handles } from './handles.js';
import { selectNamespaces } from './namespaces.js';
import { applyPuts, resolveFields, type ResolvedIndex } from './put.js';
import { decodeItem, itemId, NAMESPACE_KEY } from './records.js';
import { listItems, semanticSearch } from './search.js';

/** Options of {@link OmenStore}. */
export interface OmenStoreOptions {
  /** Database directory, opened (created when missing) on `start()` or first use. */
  path?: string;
  /** An open database to use instead of `path`; the store never closes it. */
  db?: OmenDB;
  /** Options for opening `path` (durability, lock timeout…); default durability `'sync'`. */
  openOptions?: OpenOptions;
  /**
   * Semantic search, as LangGraph's InMemoryStore takes it: `embeddings`
   * (a LangChain `Embeddings`), `dims` (its vector length), `fields`
   * (paths of the texts to embed, default `['$']`, the whole value).
   */
  index?: IndexConfig;
  /** Prefix of the store's collection names, default `'langgraph-store'`; several stores can share a database. */
  name?: string;
  /**
   * HNSW settings of the vectors collection, used when the store creates it
   * (an existing one keeps its own): `M` (default 16), `efConstruction`
   * (default 200; the put rate is roughly inversely proportional to it),
   * `efSearch` (default 64). See `@omendb/core`'s `createCollection`.
   */
  hnsw?: CreateCollectionArgs['hnsw'];
}

/**
 * LangGraph's long-term memory store on OmenDB: durable (every acknowledged
 * put survives a crash), embedded, with HNSW semantic search.
 * `graph.compile({ store: new OmenStore({ path, index }) })`.
 *
 * Operations behave as InMemoryStore's: `get`, `put` (value null deletes;
 * `index: false` skips embedding; `index: [paths]` overrides the fields),
 * `search` (namespace prefix, LangGraph filter operators, offset/limit,
 * `query` → `score` = cosine similarity, higher = more similar, one entry per
 * item with its best field score) and `listNamespaces`. `createdAt` is kept
 * across updates and `updatedAt` moves. `put` to an invalid namespace throws
 * InvalidNamespaceError (BaseStore checks it; `batch` does not, as in
 * InMemoryStore). Reads in a batch see the state before its puts.
 */
export class OmenStore extends BaseStore {
  private opening: Promise<Handles> | null = null;
  private readonly index: ResolvedIndex | null;

  constructor(private readonly options: OmenStoreOptions = {}) {
    super();
    const index = options.index;
    this.index = index ? { embeddings: index.embeddings, dims: index.dims, fields: resolveFields(index.fields ?? ['$']) } : null;
  }

  /** Opens the database and the store's collections (done lazily by the first operation otherwise). */
  override async start(): Promise<void> {
    await this.handles();
  }

  /** Closes the database when the store opened it (a checkpoint, then the WAL). */
  override async stop(): Promise<void> {
    const opening = this.opening;
    this.opening = null;
    if (!opening) return;
    const h = await opening;
    if (h.owned) await h.db.close();
  }

  async batch<Op extends Operation[]>(operations: Op): Promise<OperationResults<Op>> {
    const h = await this.handles();
    const puts = new Map<string, PutOperation>();
    const results = await Promise.all(
      operations.map((op): Promise<unknown> => {
        if ('value' in op) {
          puts.set(itemId(op.namespace, op.key), op);
          return Promise.resolve(undefined);
        }
        if ('namespacePrefix' in op) return this.searchOp(h, op);
        if ('key' in op) return this.getItem(h, op);
        return this.listNamespacesOp(h, op);
      }),
    );
    if (puts.size > 0) {
      await applyPuts({ handles: h, index: this.index }, [...puts.values()]);
    }
    return results as OperationResults<Op>;
  }

  private async getItem(h: Handles, op: GetOperation): Promise<Item | null> {
    const res = await h.items.get({ ids: [itemId(op.namespace, op.key)] });
    return res.ids.length === 0 ? null : decodeItem(res.metadatas[0]!, res.documents[0]!);
  }

  private async searchOp(h: Handles, op: SearchOperation) {
    if (!op.query || !this.index || !h.vectors) return listItems(h, op);
    const query = await this.index.embeddings.embedQuery(op.query);
    return semanticSearch(h, h.vectors, op, query);
  }

  /**
   * The namespaces holding at least one item, from core's distinct values of
   * the items' `ns` key (kept with every write; no item is read), then the
   * operation's conditions, depth and paging.
   */
  private async listNamespacesOp(h: Handles, op: ListNamespacesOperation): Promise<string[][]> {
    const { values } = await h.items.distinct({ key: NAMESPACE_KEY });
    return selectNamespaces(values.map((ns) => JSON.parse(ns as string) as string[]), op);
  }

  private handles(): Promise<Handles> {
    if (!this.opening) {
      const { path, db, openOptions, hnsw, name = 'langgraph-store' } = this.options;
      this.opening = openHandles({ path, db, name, dims: this.index?.dims, hnsw, openOptions });
      this.opening.catch(() => (this.opening = null));
    }
    return this.opening;
  }
}
