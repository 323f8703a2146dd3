import { join } from 'node:path';
import { CorruptionError, NotFoundError, ReadOnlyError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import type { Vfs } from '../fs/vfs.js';
import { decodeCatalog, encodeCatalog, MAX_CATALOG_BYTES } from '../format/catalog.js';
import { DATABASE_FILE_BYTES, decodeDatabaseFile, encodeDatabaseFile, LEGACY_DATABASE_FORMAT_VERSION } from '../format/database-file.js';
import { layout } from './layout.js';

/** The collections of a database as its files name them. */
export interface DatabaseFiles {
  /** Directory names under `collections/` to recover, in catalog order. */
  ids: string[];
  /** A format-1 database: no CATALOG yet; call {@link upgradeDatabase} once its collections are recovered. */
  legacy: boolean;
}

/**
 * Opens the database-level files of `dir` (docs/format/database.md,
 * catalog.md), creating them for a new database: CATALOG, then FORMAT, then
 * `collections/`. Removes leftovers of interrupted creations and deletions
 * (`*.tmp`, `*.deleted`, and collection directories the CATALOG does not name).
 * Throws CorruptionError (file, offset) when FORMAT or CATALOG is damaged or
 * missing, when `collections/` is missing while collections exist, or when
 * the directory of a collection the CATALOG names is missing.
 */
export async function openDatabaseFiles(vfs: Vfs, dir: string): Promise<DatabaseFiles> {
  const formatPath = layout.formatFile(dir);
  const catalogPath = layout.catalog(dir);
  const collectionsDir = layout.collections(dir);
  if (!vfs.exists(formatPath)) {
    if (vfs.list(collectionsDir).length > 0 || (vfs.exists(catalogPath) && readCatalog(vfs, catalogPath).length > 0)) {
      throw new CorruptionError(formatPath, 0, 'the FORMAT file is missing from a database directory');
    }
    // A new database, or the creation of one cut short. Crash after the CATALOG ⇒ no FORMAT yet:
    // created again from here. Crash after FORMAT ⇒ an empty CATALOG and no `collections/`: made below.
    await writeFileAtomic(vfs, catalogPath, encodeCatalog([]));
    await writeFileAtomic(vfs, formatPath, encodeDatabaseFile());
  }
  const version = decodeDatabaseFile(vfs.readFile(formatPath, DATABASE_FILE_BYTES), formatPath);
  if (version === LEGACY_DATABASE_FORMAT_VERSION) return { ids: legacyCollections(vfs, collectionsDir), legacy: true };

  if (!vfs.exists(catalogPath)) throw new CorruptionError(catalogPath, 0, 'the CATALOG file is missing');
  const ids = readCatalog(vfs, catalogPath);
  if (!vfs.isDirectory(collectionsDir)) {
    if (ids.length > 0 || vfs.exists(collectionsDir)) throw new CorruptionError(collectionsDir, 0, `the collections directory is missing (the CATALOG names ${ids.length})`);
    // mkdir makes the new directory durable (it fsyncs the parent).
    vfs.mkdir(collectionsDir);
  }
  const listed = new Set(ids);
  for (const entry of vfs.list(collectionsDir)) {
    const path = join(collectionsDir, entry);
    // Crash leftovers: *.tmp (never published), *.deleted (format 1: deletion committed), and
    // directories the CATALOG does not name (created but never published, or deleted but not yet removed).
    if (entry.endsWith('.tmp') || entry.endsWith('.deleted') || (!listed.has(entry) && vfs.isDirectory(path))) vfs.removeTree(path);
  }
  for (const id of ids) {
    const path = layout.collection(dir, id);
    if (!vfs.isDirectory(path)) throw new CorruptionError(path, 0, 'the directory of a collection the CATALOG names is missing');
  }
  return { ids, legacy: false };
}

/**
 * The collections of the database at `dir` as a read-only reader sees them
 * (docs/format/readers.md): FORMAT and CATALOG are read, nothing is created
 * or removed. A collection directory the CATALOG names is read by the caller
 * (missing: CorruptionError there). Throws NotFoundError when `dir` holds no
 * database (a reader never creates one), ReadOnlyError for a format-1
 * database (its first writable open upgrades it), CorruptionError.
 */
export function readCatalogIds(vfs: Vfs, dir: string): string[] {
  const formatPath = layout.formatFile(dir);
  if (!vfs.exists(formatPath)) throw new NotFoundError(`${dir} holds no OmenDB database (no FORMAT file); a read-only open never creates one`);
  const version = decodeDatabaseFile(vfs.readFile(formatPath, DATABASE_FILE_BYTES), formatPath);
  if (version === LEGACY_DATABASE_FORMAT_VERSION) {
    throw new ReadOnlyError(`${dir} is a format-1 database: open it once without readOnly to upgrade it, then readers can follow it`);
  }
  const catalogPath = layout.catalog(dir);
  if (!vfs.exists(catalogPath)) throw new CorruptionError(catalogPath, 0, 'the CATALOG file is missing');
  return readCatalog(vfs, catalogPath);
}

/**
 * Publishes the CATALOG naming exactly `ids`, atomically: a collection
 * exists from the moment a CATALOG naming it is durable until one without it is.
 */
export async function publishCatalog(vfs: Vfs, dir: string, ids: readonly string[]): Promise<void> {
  // Crash before the rename inside ⇒ the previous CATALOG stands (and with it the previous set of collections).
  await writeFileAtomic(vfs, layout.catalog(dir), encodeCatalog(ids));
}

/**
 * Turns a format-1 database whose collections `ids` were just recovered into
 * format 2: CATALOG first, then FORMAT. Crash between the two ⇒ FORMAT still
 * says 1 and the next open upgrades again, overwriting that CATALOG.
 */
export async function upgradeDatabase(vfs: Vfs, dir: string, ids: readonly string[]): Promise<void> {
  await publishCatalog(vfs, dir, ids);
  await writeFileAtomic(vfs, layout.formatFile(dir), encodeDatabaseFile());
}

function readCatalog(vfs: Vfs, path: string): string[] {
  return decodeCatalog(vfs.readFile(path, MAX_CATALOG_BYTES), path);
}

/** Format 1 knows its collections only as the directories present (leftovers removed). */
function legacyCollections(vfs: Vfs, collectionsDir: string): string[] {
  if (!vfs.exists(collectionsDir)) vfs.mkdir(collectionsDir);
  const ids: string[] = [];
  for (const entry of vfs.list(collectionsDir)) {
    const path = join(collectionsDir, entry);
    if (entry.endsWith('.tmp') || entry.endsWith('.deleted')) vfs.removeTree(path);
    else ids.push(entry);
  }
  return ids;
}
