import { relative } from 'node:path';
import { readLockStatus } from '../../fs/lock-status.js';
import { layout } from '../../storage/layout.js';
import { CliError, EXIT } from '../errors.js';
import { formatBytes, formatCount, formatDuration } from '../format.js';
import type { CliIO } from '../io.js';
import type { Problem, VerifyReport } from '../verify/report.js';
import { verifyDatabase } from '../verify/verify-database.js';

export interface VerifyOptions {
  json?: boolean;
}

/**
 * `omendb verify <dir>`: a read-only check of every file. Runs beside a live
 * writer as a read-only open does (docs/format/readers.md): a collection
 * whose manifest the writer replaces while verify reads it is checked again
 * (verify-database.ts); its last WAL record may be an append in progress,
 * reported as a torn tail. Exit 0 only when no error was found (warnings allowed).
 */
export async function verifyCommand(io: CliIO, dir: string, options: VerifyOptions): Promise<number> {
  if (!io.vfs.isDirectory(dir)) throw new CliError('NOT_FOUND', `${dir} does not exist or is not a directory`, 'check the path');
  const lock = readLockStatus(io.vfs, dir);
  const started = io.now();
  const report = verifyDatabase(io.vfs, dir);
  if (lock.state === 'stale') {
    report.problems.unshift({
      severity: 'warning',
      file: layout.lock(dir),
      message: `lock left by process ${lock.pid ?? '?'}, which is no longer running; the next open takes it over`,
    });
  }
  const errors = report.problems.filter((p) => p.severity === 'error').length;
  await io.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report, io.now() - started));
  return errors === 0 ? EXIT.ok : EXIT.failed;
}

/** The readable report: one line per collection, one per problem, and a verdict. */
export function renderReport(report: VerifyReport, elapsedMs: number): string {
  let out = `Verifying ${report.dir} (read-only)\n`;
  for (const c of report.collections) {
    const records = c.records === null ? 'records uncountable (a segment is unreadable)' : `${formatCount(c.records)} records`;
    out += `  collection ${JSON.stringify(c.name)} (${c.id}): ${records}, ${c.segments} segment${c.segments === 1 ? '' : 's'}, ${formatCount(c.walRecords)} WAL record${c.walRecords === 1 ? '' : 's'} to replay\n`;
  }
  for (const p of report.problems) out += `${p.severity === 'error' ? 'error  ' : 'warning'}  ${describeProblem(report.dir, p)}\n`;
  const errors = report.problems.filter((p) => p.severity === 'error').length;
  const warnings = report.problems.length - errors;
  const counts = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  const verdict = errors > 0 ? 'the database is damaged' : warnings > 0 ? 'the next open repairs the warnings by itself' : 'no problems found';
  out += `Checked ${formatCount(report.filesChecked)} files (${formatBytes(report.bytesChecked)}) in ${formatDuration(elapsedMs)}: ${counts} — ${verdict}\n`;
  return out;
}

/** `path at offset N (L bytes): message`, the path relative to the database directory. */
function describeProblem(dir: string, p: Problem): string {
  const path = relative(dir, p.file) || p.file;
  const where = p.offset === undefined ? '' : ` at offset ${p.offset}${p.lengthBytes === undefined ? '' : ` (${formatCount(p.lengthBytes)} bytes)`}`;
  return `${path}${where}: ${p.message}`;
}
