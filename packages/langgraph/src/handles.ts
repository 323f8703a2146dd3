import { OmenDB, ValidationError, type Collection, type CreateCollectionArgs, type OpenOptions } from '@omendb/core';
import { BARE_KEY, NAMESPACE_KEY, type ItemMeta } from './records.js';

/** The core collections behind one OmenStore. */
export interface Handles {
  db: OmenDB;
  /** Whether the store opened `db` (and so closes it on stop). */
  owned: boolean;
  /** One record per item, without vectors (dimension 0); namespaces are listed with `items.distinct`. */
  items: Collection;
  /** One record per indexed text (cosine); null without an index config. */
  vectors: Collection | null;
}

export interface OpenArgs {
  path?: string;
  db?: OmenDB;
  name: string;
  dims?: number;
  hnsw?: CreateCollectionArgs['hnsw'];
  openOptions?: OpenOptions;
}

/**
 * Opens (or creates) the store's collections `<name>-items` and, with an
 * index config, `<name>-vectors` (created with `hnsw`; an existing one keeps
 * its settings). A `<name>-namespaces` collection, written by earlier
 * versions of this package, is folded into the items and deleted (see
 * {@link migrateNamespaces}), and has core start counting the items'
 * namespaces (one pass over the items). Throws ValidationError when neither `path`
 * nor `db` is given, or when the vectors collection exists with another
 * dimension than `dims`.
 */
export async function openHandles(args: OpenArgs): Promise<Handles> {
  if (!args.db && !args.path) throw new ValidationError('OmenStore needs a `path` (database directory) or an open `db`');
  const owned = !args.db;
  const db = args.db ?? (await OmenDB.open(args.path!, args.openOptions));
  try {
    const items = await db.getOrCreateCollection({ name: `${args.name}-items`, dimension: 0 });
    await migrateNamespaces(db, items, `${args.name}-namespaces`);
    // Core counts the keys' values from their first ask on, with one pass over the items: done here, at
    // open, so that no search or listing pays it (a new store's pass is free).
    await items.distinct({ key: NAMESPACE_KEY, limit: 0 });
    await items.distinct({ key: BARE_KEY, limit: 0 });
    let vectors: Collection | null = null;
    if (args.dims !== undefined) {
      vectors = await db.getOrCreateCollection({ name: `${args.name}-vectors`, dimension: args.dims, metric: 'cosine', embeddingFunction: null, hnsw: args.hnsw });
      if (vectors.dimension !== args.dims) {
        throw new ValidationError(`the store's vectors have dimension ${vectors.dimension}; the index config says dims ${args.dims}`);
      }
    }
    return { db, owned, items, vectors };
  } catch (err) {
    if (owned) await db.close();
    throw err;
  }
}

/**
 * Earlier versions kept one record per namespace in a side collection, with
 * a flag for namespaces holding items without vectors. Namespaces now come
 * from core (`items.distinct({ key: 'ns' })`) and the flag from the items
 * themselves (`bare`), so the side collection is dropped: first every item
 * without vectors gets its `bare` key, then the collection is deleted. A
 * crash in between leaves the side collection, and the next open does both
 * steps again (the update is idempotent).
 */
async function migrateNamespaces(db: OmenDB, items: Collection, sideName: string): Promise<void> {
  const side = (await db.listCollections()).find((c) => c.name === sideName);
  // Only what this package wrote: a collection without vectors (anything else under that name is left alone).
  if (!side || side.dimension !== 0) return;
  const bare = await items.get({ where: { vecs: 0 }, include: ['metadatas'] });
  if (bare.ids.length > 0) {
    await items.update({ ids: bare.ids, metadatas: bare.metadatas.map((m) => ({ [BARE_KEY]: (m as unknown as ItemMeta).ns })) });
  }
  await db.deleteCollection(sideName);
}
