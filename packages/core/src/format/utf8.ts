const decoder = new TextDecoder();

/** Longest entry decoded by the ASCII loop; longer ones go to TextDecoder, whose per-call cost they amortize. */
const SHORT_BYTES = 64;

/**
 * `bytes[start, end)` as a string, exactly as `new TextDecoder().decode`
 * gives it (malformed sequences → U+FFFD, a leading BOM dropped). Short
 * ASCII entries (ids, mostly) are built by a loop: TextDecoder's fixed cost
 * per call (~0.1–0.2 µs) was 2–3 % of a 100k-row query returning 10 ids.
 */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= SHORT_BYTES) {
    let out = '';
    for (let i = start; i < end; i++) {
      const byte = bytes[i];
      if (byte >= 0x80) return decoder.decode(bytes.subarray(start, end));
      out += String.fromCharCode(byte);
    }
    return out;
  }
  return decoder.decode(bytes.subarray(start, end));
}

/**
 * Bytes of `text` as UTF-8, as `new TextEncoder().encode(text).byteLength`
 * gives them (a lone surrogate → U+FFFD, 3 bytes), without encoding it.
 */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
