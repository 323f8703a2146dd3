import { join } from 'node:path';
import { OmenDB, type OpenOptions } from '../api/omendb.js';
import type { Collection } from '../api/collection.js';
import { NotFoundError } from '../errors.js';
import type { Vfs } from '../fs/vfs.js';
import { CliError } from './errors.js';

/**
 * Throws unless `dir` holds an OmenDB database. `OmenDB.open` creates a
 * missing database, which a typo in a read command must not do.
 */
export function requireDatabase(vfs: Vfs, dir: string): void {
  if (!vfs.exists(dir)) throw new CliError('NOT_FOUND', `${dir} does not exist`, 'check the path');
  if (!vfs.isDirectory(dir)) throw new CliError('NOT_A_DATABASE', `${dir} is not a directory`, 'give the database directory');
  if (!vfs.exists(join(dir, 'FORMAT'))) {
    throw new CliError('NOT_A_DATABASE', `${dir} is not an OmenDB database (it has no FORMAT file)`, 'give the directory passed to OmenDB.open');
  }
}

/**
 * Opens an existing database, runs `fn`, and closes it whatever happens.
 * Background merges are off unless `options` turns them on: a short command
 * would only start a merge for its close to abort.
 */
export async function withDatabase<T>(vfs: Vfs, dir: string, options: OpenOptions, fn: (db: OmenDB) => Promise<T>): Promise<T> {
  requireDatabase(vfs, dir);
  const db = await OmenDB.open(dir, { mergePolicy: false, ...options, vfs });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** The named collections (all of them when `names` is empty), in the order given. Throws NotFoundError. */
export async function selectCollections(db: OmenDB, names: readonly string[]): Promise<Collection[]> {
  if (names.length === 0) return db.listCollections();
  const all = new Map((await db.listCollections()).map((c) => [c.name, c]));
  return names.map((name) => {
    const col = all.get(name);
    if (!col) {
      const known = [...all.keys()];
      throw new NotFoundError(`collection ${JSON.stringify(name)} does not exist (${known.length > 0 ? `the database has ${known.map((n) => JSON.stringify(n)).join(', ')}` : 'the database has none'})`);
    }
    return col;
  });
}
