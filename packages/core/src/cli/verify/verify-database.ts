import { join } from 'node:path';
import type { Vfs } from '../../fs/vfs.js';
import { decodeCatalog, MAX_CATALOG_BYTES } from '../../format/catalog.js';
import { DATABASE_FILE_BYTES, decodeDatabaseFile, LEGACY_DATABASE_FORMAT_VERSION } from '../../format/database-file.js';
import { layout } from '../../storage/layout.js';
import { parseManifestFileName } from '../../format/manifest.js';
import { attempt, Findings, type CollectionSummary, type VerifyReport } from './report.js';
import { verifyCollection } from './verify-collection.js';

/**
 * Reads every file of the database at `dir` and checks every checksum and
 * structural invariant, without opening the database and without writing,
 * truncating or removing anything (recovery on open would repair a torn WAL
 * tail; verify only reports it). A live writer may hold the database: see
 * {@link verifySettled}.
 */
export function verifyDatabase(vfs: Vfs, dir: string): VerifyReport {
  const findings = new Findings();
  const collections: CollectionSummary[] = [];
  const formatFile = layout.formatFile(dir);
  let version: number | undefined;
  if (!vfs.exists(formatFile)) findings.error(formatFile, 'the FORMAT file is missing: this is not an OmenDB database, or its marker was deleted');
  else version = attempt(findings, () => decodeDatabaseFile(findings.read(vfs.readFile(formatFile, DATABASE_FILE_BYTES)), formatFile));
  const legacy = version === LEGACY_DATABASE_FORMAT_VERSION;
  const catalog = legacy ? undefined : readCatalog(vfs, dir, findings);
  const listed = new Set(catalog ?? []);
  const collectionsDir = layout.collections(dir);
  if (catalog && catalog.length > 0 && !vfs.isDirectory(collectionsDir)) findings.error(collectionsDir, `the collections directory is missing (the CATALOG names ${catalog.length})`);
  for (const id of catalog ?? []) {
    const path = layout.collection(dir, id);
    if (vfs.exists(collectionsDir) && !vfs.isDirectory(path)) findings.error(path, 'the directory of a collection the CATALOG names is missing');
  }
  const byName = new Map<string, string>();
  for (const entry of vfs.list(collectionsDir).sort()) {
    const path = join(collectionsDir, entry);
    if (entry.endsWith('.tmp')) {
      findings.warning(path, 'collection creation interrupted before it was published; the next open removes it');
      continue;
    }
    if (entry.endsWith('.deleted')) {
      findings.warning(path, 'deleted collection not yet removed; the next open removes it');
      continue;
    }
    if (!vfs.isDirectory(path)) {
      findings.warning(path, 'unexpected file in the collections directory; OmenDB ignores it');
      continue;
    }
    if (catalog && !listed.has(entry)) {
      findings.warning(path, 'collection directory the CATALOG does not name (a creation not yet published or a deletion not yet finished); the next open removes it');
      continue;
    }
    const summary = verifySettled(vfs, path, findings, legacy);
    if (!summary) continue;
    const other = byName.get(summary.name);
    if (other !== undefined) findings.error(path, `collection name ${JSON.stringify(summary.name)} is also used by ${other}`);
    byName.set(summary.name, entry);
    collections.push(summary);
  }
  return { dir, problems: findings.problems, collections, filesChecked: findings.filesChecked, bytesChecked: findings.bytesChecked };
}

/** The CATALOG's ids, or undefined (with an error) when it is missing or damaged. */
function readCatalog(vfs: Vfs, dir: string, findings: Findings): string[] | undefined {
  const path = layout.catalog(dir);
  if (!vfs.exists(path)) {
    findings.error(path, 'the CATALOG file is missing: the set of collections is unknown');
    return undefined;
  }
  return attempt(findings, () => decodeCatalog(findings.read(vfs.readFile(path, MAX_CATALOG_BYTES)), path));
}

/** Checks of one collection that may find a writer's new manifest under them before verify reports it unverifiable. */
const MAX_RUNS = 5;

/**
 * verifyCollection, run again while a live writer publishes a manifest of
 * the collection during the run (a checkpoint or compaction then drops files
 * the run may have been reading, which would read as damage), or while a
 * file it listed vanished. A run during
 * which the manifest names stayed the same read one published state plus WAL
 * appends, and its findings stand.
 */
function verifySettled(vfs: Vfs, path: string, findings: Findings, legacy: boolean): CollectionSummary | null {
  for (let run = 1; ; run++) {
    const before = manifestNames(vfs, path);
    const local = new Findings();
    let summary: CollectionSummary | null = null;
    let vanished = false;
    try {
      summary = verifyCollection(vfs, path, local, legacy);
    } catch (err) {
      // A WAL file the manifest covers, dropped by the writer after the listing: check again.
      if ((err as NodeJS.ErrnoException | null)?.code !== 'ENOENT' || run === MAX_RUNS) throw err;
      vanished = true;
    }
    const settled = !vanished && manifestNames(vfs, path) === before;
    if (settled || run === MAX_RUNS) {
      if (!settled) findings.error(path, `not verified: a writer published a new manifest during each of ${MAX_RUNS} checks; run verify again`);
      else findings.problems.push(...local.problems);
      findings.filesChecked += local.filesChecked;
      findings.bytesChecked += local.bytesChecked;
      return summary;
    }
  }
}

function manifestNames(vfs: Vfs, path: string): string {
  return vfs
    .list(path)
    .filter((n) => parseManifestFileName(n) !== undefined)
    .sort()
    .join(',');
}
