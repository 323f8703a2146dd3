import { CorruptionError } from '../errors.js';
import type { CodebookSource } from './codebook.js';

/**
 * The codes section of docs/format/quantization.md: `rows × codeBytes`
 * bytes, no header. Its bytes are covered by the segment's section CRC; this
 * checks the one structural rule, the exact length. Throws
 * CorruptionError(source.file, source.offset).
 */
export function checkCodesSection(codes: Uint8Array, rows: number, codeBytes: number, source: CodebookSource): void {
  if (codes.length !== rows * codeBytes) {
    throw new CorruptionError(
      source.file,
      source.offset,
      `quantized codes: ${codes.length} bytes, expected ${rows} rows × ${codeBytes} bytes`,
    );
  }
}
