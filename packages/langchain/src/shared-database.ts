/**
 * One open OmenDB per database directory per process, shared by every
 * `OmenVectorStore` given that directory as `path`.
 *
 * Why: LangChain code written for a Chroma server routinely builds two
 * stores on the same data in one process (`fromDocuments` to ingest, then
 * `fromExistingCollection` to query). Core shares an open directory between
 * handles too; keeping one handle per path here makes the first store's
 * `durability` apply to every store on the path. The last store to
 * `close()` closes its handle.
 */
import { resolve } from 'node:path';
import { OmenDB, type Durability } from '@omendb/core';

/** A use of a shared database; `release()` once, when the store closes. */
export interface DatabaseLease {
  db: OmenDB;
  release(): Promise<void>;
}

interface Entry {
  db: Promise<OmenDB>;
  users: number;
}

const open = new Map<string, Entry>();
/** Closes in flight, so that a re-open of the same directory waits for the lock to be released. */
const closing = new Map<string, Promise<void>>();

/**
 * Opens the database at `path` (resolved against the cwd), or joins the open
 * one. The first opener's `durability` applies to every sharer.
 * @throws the errors of `OmenDB.open`: LockError when another process holds
 * the directory, ValidationError when this process opened it directly with
 * another `durability`.
 */
export async function acquireDatabase(path: string, durability: Durability): Promise<DatabaseLease> {
  const key = resolve(path);
  let entry = open.get(key);
  if (entry === undefined) {
    // A failed close has released the lock all the same (OmenDB.close releases it in `finally`).
    const pending = (closing.get(key) ?? Promise.resolve()).catch(() => undefined);
    entry = { db: pending.then(() => openDatabase(key, durability)), users: 0 };
    open.set(key, entry);
  }
  entry.users++;
  const current = entry;
  let db: OmenDB;
  try {
    db = await current.db;
  } catch (error) {
    current.users--;
    if (open.get(key) === current) open.delete(key);
    throw error;
  }
  let released = false;
  return {
    db,
    release: async () => {
      if (released) return;
      released = true;
      current.users--;
      if (current.users > 0 || open.get(key) !== current) return;
      open.delete(key);
      const done = db.close().finally(() => {
        if (closing.get(key) === done) closing.delete(key);
      });
      closing.set(key, done);
      await done;
    },
  };
}

function openDatabase(dir: string, durability: Durability): Promise<OmenDB> {
  return OmenDB.open(dir, { durability });
}
