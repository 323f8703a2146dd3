import { OmenDB, ValidationError, type Collection, type OpenOptions } from '@omendb/core';

/** The core collections behind one OmenStore. */
export interface Handles {
  db: OmenDB;
  /** Whether the store opened `db` (and so closes it on stop). */
  owned: boolean;
  /** One record per item, without vectors (dimension 0). */
  items: Collection;
  /** One record per namespace ever written, without vectors: listNamespaces reads these, not the items. */
  namespaces: Collection;
  /** One record per indexed text (cosine); null without an index config. */
  vectors: Collection | null;
}

export interface OpenArgs {
  path?: string;
  db?: OmenDB;
  name: string;
  dims?: number;
  openOptions?: OpenOptions;
}

/**
 * Opens (or creates) the store's collections `<name>-items`,
 * `<name>-namespaces` and, with an index config, `<name>-vectors`. Throws
 * ValidationError when neither `path` nor `db` is given, or when the vectors
 * collection exists with another dimension than `dims`.
 */
export async function openHandles(args: OpenArgs): Promise<Handles> {
  if (!args.db && !args.path) throw new ValidationError('OmenStore needs a `path` (database directory) or an open `db`');
  const owned = !args.db;
  const db = args.db ?? (await OmenDB.open(args.path!, args.openOptions));
  try {
    const items = await db.getOrCreateCollection({ name: `${args.name}-items`, dimension: 0 });
    const namespaces = await db.getOrCreateCollection({ name: `${args.name}-namespaces`, dimension: 0 });
    let vectors: Collection | null = null;
    if (args.dims !== undefined) {
      vectors = await db.getOrCreateCollection({ name: `${args.name}-vectors`, dimension: args.dims, metric: 'cosine', embeddingFunction: null });
      if (vectors.dimension !== args.dims) {
        throw new ValidationError(`the store's vectors have dimension ${vectors.dimension}; the index config says dims ${args.dims}`);
      }
    }
    return { db, owned, items, namespaces, vectors };
  } catch (err) {
    if (owned) await db.close();
    throw err;
  }
}
