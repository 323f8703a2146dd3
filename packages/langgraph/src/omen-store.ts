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
import type { OmenDB, OpenOptions } from '@omendb/core';
import { openHandles, type Handles } from './handles.js';
import { KeyLocks } from './key-locks.js';
import { selectNamespaces } from './namespaces.js';
import { applyPuts, resolveFields, type ResolvedIndex } from './put.js';
import { decodeItem, itemId, labelMetadata, namespaceKey } from './records.js';
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
  private readonly locks = new KeyLocks();
  private readonly namespaceWrites = new Map<string, Promise<void>>();

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
    this.namespaceWrites.clear();
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
      await applyPuts({ handles: h, index: this.index, locks: this.locks, namespaceReady: (ns, unindexed) => this.namespaceReady(h, ns, unindexed) }, [...puts.values()]);
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
   * Reads the namespace records (one per namespace ever written, not one per
   * item), keeps those that still hold an item (a lookup that stops at the
   * first), then applies the operation's conditions, depth and paging.
   */
  private async listNamespacesOp(h: Handles, op: ListNamespacesOperation): Promise<string[][]> {
    const records = await h.namespaces.get({ include: [] });
    const candidates = selectNamespaces(records.ids.map((id) => JSON.parse(id) as string[]), { ...op, maxDepth: undefined, limit: Infinity, offset: 0 });
    const live: string[][] = [];
    for (const ns of candidates) {
      const one = await h.items.get({ where: { ns: namespaceKey(ns) }, limit: 1, include: [] });
      if (one.ids.length > 0) live.push(ns);
    }
    return selectNamespaces(live, { ...op, matchConditions: undefined });
  }

  /**
   * Writes the namespace's record once per store lifetime (and once more the
   * first time it gets an item without vectors); later puts wait for that
   * write. The `unindexed` flag, once stored, is kept by every later upsert.
   */
  private namespaceReady(h: Handles, namespace: string[], unindexed: boolean): Promise<void> {
    const key = namespaceKey(namespace);
    const cacheKey = unindexed ? `${key}!unindexed` : key;
    let ready = this.namespaceWrites.get(cacheKey);
    if (!ready) {
      const metadata = unindexed ? { ...labelMetadata(namespace), unindexed: true } : labelMetadata(namespace);
      ready = h.namespaces.upsert({ ids: [key], metadatas: [metadata] }, { keepMetadata: ['unindexed'] });
      this.namespaceWrites.set(cacheKey, ready);
      ready.catch(() => this.namespaceWrites.delete(cacheKey));
    }
    return ready;
  }

  private handles(): Promise<Handles> {
    if (!this.opening) {
      const { path, db, openOptions, name = 'langgraph-store' } = this.options;
      this.opening = openHandles({ path, db, name, dims: this.index?.dims, openOptions });
      this.opening.catch(() => (this.opening = null));
    }
    return this.opening;
  }
}
