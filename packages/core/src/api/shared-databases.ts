import { resolve } from 'node:path';
import { ClosedError, LockError, ValidationError } from '../errors.js';
import { canonicalPath } from '../fs/real-path.js';
import type { Vfs } from '../fs/vfs.js';

declare const OMENDB_VERSION: string | undefined;
/** Set by the build (tsup `define`); tests run the sources. */
const PACKAGE_VERSION = typeof OMENDB_VERSION === 'string' ? OMENDB_VERSION : '0.0.0-source';

/**
 * The databases open in this process, on `globalThis` so that every copy of
 * the package loaded at once (ESM and CJS builds, a bundle beside
 * node_modules, a hot reload) shares one registry. The key carries the
 * registry's own version: a copy whose registry differs never reads this
 * one, and meets it only at the LOCK file, as a second process would.
 */
const REGISTRY_KEY = Symbol.for('@omendb/core/open-databases@1');

/** What a database is shared as: the smallest surface every copy calls. */
interface Closable {
  close(): Promise<void>;
}

interface Entry {
  /** The package version that opened it: handles are shared only between equal versions. */
  version: string;
  /** The open options that shape the database (JSON), which every sharer must repeat. */
  settings: string;
  refs: number;
  ready: Promise<{ handle(): Closable }>;
  closing?: Promise<void>;
}

type Registry = Map<string, Entry>;

function registry(): Registry {
  const global = globalThis as { [REGISTRY_KEY]?: Registry };
  return (global[REGISTRY_KEY] ??= new Map());
}

const customVfsIds = new WeakMap<Vfs, number>();
let nextVfsId = 1;

/**
 * The registry key of `dir`: its canonical path on the real file system; a
 * test file system (`vfs` option) is its own namespace, as it is its own disk.
 */
export function databaseKey(dir: string, vfs: Vfs | undefined): string {
  if (vfs === undefined) return canonicalPath(dir);
  let id = customVfsIds.get(vfs);
  if (id === undefined) customVfsIds.set(vfs, (id = nextVfsId++));
  return `vfs#${id}:${resolve(dir)}`;
}

/**
 * Opens the database under `key` with `open`, or joins the one this process
 * already has open (or is opening, or closing: then waits for the close and
 * opens anew). Every call returns its own handle; a handle's `close()`
 * releases one reference, and the last one closes the database.
 * Throws ValidationError when `settings` differ from the open database's,
 * LockError when another version of the package has it open.
 */
export async function openShared<T extends Closable>(key: string, settings: object, open: () => Promise<T>): Promise<T> {
  const entries = registry();
  const wanted = JSON.stringify(settings);
  for (;;) {
    let entry = entries.get(key);
    if (entry?.closing) {
      await entry.closing.catch(() => undefined);
      continue;
    }
    if (entry === undefined) {
      const created: Entry = { version: PACKAGE_VERSION, settings: wanted, refs: 0, ready: open().then((db) => ({ handle: () => shareHandle(db, created, key) })) };
      created.ready.catch(() => entries.get(key) === created && entries.delete(key));
      entries.set(key, (entry = created));
    } else if (entry.version !== PACKAGE_VERSION) {
      throw new LockError(
        `${key} is open in this process through @omendb/core ${entry.version}, and this copy is ${PACKAGE_VERSION}: ` +
          'two versions cannot share an open database; load one version of the package (check for duplicates with `npm ls @omendb/core`)',
      );
    } else if (entry.settings !== wanted) {
      throw new ValidationError(
        `${key} is already open in this process with options ${entry.settings}; open it again with the same options (given: ${wanted}), or close the other handle first`,
      );
    }
    entry.refs++;
    try {
      return (await entry.ready).handle() as T;
    } catch (err) {
      entry.refs--;
      throw err;
    }
  }
}

/**
 * A handle on `db`: the database itself for every property, except that its
 * own `close()` releases this handle's reference (once; safe to call twice)
 * and that, once closed, calling a method through it throws ClosedError
 * (async methods reject) while other handles keep working.
 */
function shareHandle<T extends Closable>(db: T, entry: Entry, key: string): T {
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    if (--entry.refs > 0) return;
    const entries = registry();
    entry.closing = db.close().finally(() => entries.get(key) === entry && entries.delete(key));
    await entry.closing;
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'close') return close;
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (!closed) return method.bind(target);
      return (): unknown => {
        const error = new ClosedError(`this handle on ${key} is closed`);
        if (method.constructor.name === 'AsyncFunction') return Promise.reject(error);
        throw error;
      };
    },
  });
}
