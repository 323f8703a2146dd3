import { crc32 as zlibCrc32 } from 'node:zlib';

/** CRC-32 (ISO-HDLC, the zlib/gzip polynomial) of `data`. */
export function crc32(data: Uint8Array, initial = 0): number {
  return zlibCrc32(data, initial) >>> 0;
}
