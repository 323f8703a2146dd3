import { crc32 } from '../format/checksum.js';
import { checkSectionCrc, type SectionEntry } from '../format/segment-file.js';
import type { Vfs } from '../fs/vfs.js';
import { CorruptionError } from '../errors.js';
import { originalsFromBytes, originalsFromFloat32, type OriginalVectors } from './original-vectors.js';

/** Bytes read per positional read while checking the vectors section's crc32. */
const CHECK_CHUNK_BYTES = 1 << 20;

/**
 * The float32 vectors section of a quantized segment file, read on demand:
 * through a read-only mapping of the file when `vfs.mapReadOnly` gives one
 * (no copy of the section in the process heap; the OS pages it in and out;
 * unmapped when the index that holds it is collected), else with positional
 * reads on a descriptor held open until `close`. The section's crc32 is
 * checked once, here, over the mapped bytes or in 1 MiB reads, so opening
 * costs one pass over the section but keeps none of it. Rows come back
 * bit-identical (bytes are copied as stored; little-endian host assumed, as
 * for the kernel memory). Throws CorruptionError (file, section offset) for a
 * bad checksum or a length that is not rows × d × 4, or the Vfs's error.
 */
export function openSegmentOriginals(vfs: Vfs, file: string, entry: SectionEntry, rows: number, dimension: number): OriginalVectors {
  const rowBytes = dimension * 4;
  if (entry.lengthBytes !== rows * rowBytes) throw new CorruptionError(file, entry.offset, 'vectors section length does not match rows × dimension');
  const mapping = vfs.mapReadOnly?.(file) ?? null;
  if (mapping !== null) {
    const section = mapping.subarray(entry.offset, entry.offset + entry.lengthBytes);
    checkSectionCrc(crc32(section), entry, file);
    // Sections start 64-byte aligned in the file and mappings at a page: a float32 view needs no copy per row.
    const originals =
      section.byteOffset % 4 === 0
        ? originalsFromFloat32(new Float32Array(section.buffer, section.byteOffset, rows * dimension), dimension)
        : originalsFromBytes(section, dimension);
    return { ...originals, mappedBytes: mapping.byteLength };
  }

  let fd: number | null = vfs.open(file, 'r');
  try {
    const chunk = new Uint8Array(Math.min(CHECK_CHUNK_BYTES, entry.lengthBytes));
    let crc = 0;
    for (let at = 0; at < entry.lengthBytes; at += chunk.byteLength) {
      const part = chunk.subarray(0, Math.min(chunk.byteLength, entry.lengthBytes - at));
      readFully(vfs, fd, file, entry.offset + at, part);
      crc = crc32(part, crc);
    }
    checkSectionCrc(crc, entry, file);
  } catch (err) {
    vfs.close(fd);
    throw err;
  }
  const copy = (first: number, count: number, out: Float32Array) => {
    if (fd === null) throw new Error(`segment file ${file} is closed`);
    readFully(vfs, fd, file, entry.offset + first * rowBytes, new Uint8Array(out.buffer, out.byteOffset, count * rowBytes));
  };
  return {
    rows,
    mappedBytes: 0,
    read: (row, out) => copy(row, 1, out),
    readRange: copy,
    close: () => {
      if (fd !== null) vfs.close(fd);
      fd = null;
    },
  };
}

/**
 * Fills `dest` from `position` of the segment file open as `fd`, with as
 * many positional reads as it takes. Throws CorruptionError where the file
 * ends early, or the Vfs's error.
 */
export function readFully(vfs: Vfs, fd: number, file: string, position: number, dest: Uint8Array): void {
  for (let done = 0; done < dest.byteLength; ) {
    const n = vfs.read(fd, dest, done, dest.byteLength - done, position + done);
    if (n === 0) throw new CorruptionError(file, position + done, 'segment file ends early');
    done += n;
  }
}
