import { join } from 'node:path';
import type { Vfs } from '../../fs/vfs.js';
import { decodeDatabaseFile } from '../../format/database-file.js';
import { layout } from '../../storage/layout.js';
import { attempt, Findings, type CollectionSummary, type VerifyReport } from './report.js';
import { verifyCollection } from './verify-collection.js';

/**
 * Reads every file of the database at `dir` and checks every checksum and
 * structural invariant, without opening the database and without writing,
 * truncating or removing anything (recovery on open would repair a torn WAL
 * tail; verify only reports it). The caller makes sure no writer holds the lock.
 */
export function verifyDatabase(vfs: Vfs, dir: string): VerifyReport {
  const findings = new Findings();
  const collections: CollectionSummary[] = [];
  const formatFile = layout.formatFile(dir);
  if (!vfs.exists(formatFile)) findings.error(formatFile, 'the FORMAT file is missing: this is not an OmenDB database, or its marker was deleted');
  else {
    const bytes = findings.read(vfs.readFile(formatFile));
    attempt(findings, () => decodeDatabaseFile(bytes, formatFile));
  }
  const collectionsDir = layout.collections(dir);
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
    const summary = verifyCollection(vfs, path, findings);
    if (!summary) continue;
    const other = byName.get(summary.name);
    if (other !== undefined) findings.error(path, `collection name ${JSON.stringify(summary.name)} is also used by ${other}`);
    byName.set(summary.name, entry);
    collections.push(summary);
  }
  return { dir, problems: findings.problems, collections, filesChecked: findings.filesChecked, bytesChecked: findings.bytesChecked };
}
