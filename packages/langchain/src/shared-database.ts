/**
 * One open OmenDB per database directory per process, shared by every
 * `OmenVectorStore` given that directory as `path`.
 *
 * Why: a directory can be opened by one OmenDB at a time (a second opener gets
 * `LockError`), but LangChain code written for a Chroma server routinely builds
 * two stores on the same data in one process (`fromDocuments` to ingest, then
 * `fromExistingCollection` to query). Sharing the handle makes that work; the
 * last store to `close()` closes the database.
 */
import { resolve } from 'node:path';
import { LockError, OmenDB, type Durability } from '@omendb/core';

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
 * @throws LockError when another process (or an OmenDB this process opened
 * directly) holds the directory, with a hint to pass `{ db }`; the other
 * errors of `OmenDB.open`.
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

async function openDatabase(dir: string, durability: Durability): Promise<OmenDB> {
  try {
    return await OmenDB.open(dir, { durability });
  } catch (error) {
    if (error instanceof LockError) {
      throw new LockError(
        `${error.message}. Stores in one process share a database automatically when given the same path; ` +
          'if this process opened it with OmenDB.open, pass that database as { db } instead of { path }.',
        { cause: error },
      );
    }
    throw error;
  }
}
