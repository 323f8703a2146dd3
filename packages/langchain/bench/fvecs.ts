/**
 * Readers for the texmex vector format of `../shared/data`: each record is a
 * little-endian int32 `dim` followed by `dim` float32 values (`.fvecs`).
 */
import { readFileSync } from 'node:fs';

/**
 * The first `limit` vectors (default all) of an `.fvecs` file, as `number[]`
 * rows (what LangChain's `addVectors` takes).
 * @throws Error when a record's dimension differs from the first one's or the file is truncated.
 */
export function readFvecs(path: string, limit = Infinity): number[][] {
  const buf = readFileSync(path);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const rows: number[][] = [];
  let offset = 0;
  let dim = -1;
  while (offset < buf.byteLength && rows.length < limit) {
    const d = view.getInt32(offset, true);
    if (dim === -1) dim = d;
    if (d !== dim || offset + 4 + 4 * d > buf.byteLength) throw new Error(`${path}: bad record at byte ${offset}`);
    const row = new Array<number>(d);
    for (let j = 0; j < d; j++) row[j] = view.getFloat32(offset + 4 + 4 * j, true);
    rows.push(row);
    offset += 4 + 4 * d;
  }
  return rows;
}
