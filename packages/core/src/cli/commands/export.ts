import { StreamingFileWriter } from '../../fs/streaming-file-writer.js';
import { selectCollections, withDatabase } from '../database.js';
import { formatBytes, formatCount, formatDuration, formatRate } from '../format.js';
import type { CliIO } from '../io.js';
import { encodeRecordLine } from '../jsonl-record.js';
import { startProgress } from '../progress.js';

export interface ExportOptions {
  collection: string;
  /** Output file; standard output when absent. */
  out?: string;
  batchSize: number;
}

const utf8 = new TextEncoder();

/**
 * `omendb export <dir> --collection name [--out file.jsonl]`: writes one JSON
 * object per record (`id`, `embedding`, `metadata`, `document`) in storage
 * order, reading `batchSize` records at a time, so memory stays bounded by
 * one batch whatever the collection's size. A file is written under a temp
 * name and renamed when complete.
 */
export async function exportCommand(io: CliIO, dir: string, options: ExportOptions): Promise<number> {
  const summary = await withDatabase(io.vfs, dir, { readOnly: true }, async (db) => {
    const [col] = await selectCollections(db, [options.collection]);
    const total = await col.count();
    const file = options.out === undefined ? null : new StreamingFileWriter(io.vfs, options.out);
    const progress = startProgress(io, 'export', total);
    const started = io.now();
    let written = 0;
    let bytes = 0;
    let elapsed = 0;
    try {
      for (let offset = 0; offset < total; offset += options.batchSize) {
        const page = await col.get({ offset, limit: options.batchSize, include: ['embeddings', 'metadatas', 'documents'] });
        let text = '';
        page.ids.forEach((id, i) => {
          text += encodeRecordLine(id, page.embeddings![i], page.metadatas[i], page.documents[i]);
        });
        const chunk = utf8.encode(text);
        bytes += chunk.byteLength;
        if (file) file.write(chunk);
        else await io.stdout(text);
        written += page.ids.length;
        progress.update(written, `${formatCount(written)}/${formatCount(total)} records, ${formatRate(written, io.now() - started)}`);
      }
      await file?.commit();
      elapsed = io.now() - started;
      progress.finish(written, `${formatCount(written)}/${formatCount(total)} records, ${formatRate(written, elapsed)}`);
    } finally {
      progress.stop();
      file?.abort();
    }
    const where = options.out ?? 'standard output';
    return (
      `Exported ${formatCount(written)} records of ${JSON.stringify(col.name)} (${col.dimension ?? '-'}-d, ${col.metric}) to ${where}: ` +
      `${formatBytes(bytes)} in ${formatDuration(elapsed)} (${formatRate(written, elapsed)})\n` +
      `Import them with: omendb import <dir> --collection ${shellWord(col.name)} --metric ${col.metric} ${shellWord(options.out ?? 'file.jsonl')}\n`
    );
  });
  // With the records on standard output, the summary goes to standard error.
  if (options.out === undefined) io.stderr(summary);
  else await io.stdout(summary);
  return 0;
}

/** `word` quoted for a POSIX shell when it holds anything but safe characters. */
function shellWord(word: string): string {
  return /^[\w./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
