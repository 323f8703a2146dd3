// ignoreBOM keeps a leading U+FEFF: stored text is given back as written (the default decoder drops it).
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Longest entry decoded by the ASCII loop; longer ones go to TextDecoder, whose per-call cost they amortize. */
const SHORT_BYTES = 64;

/**
 * `bytes[start, end)` as a string, exactly as
 * `new TextDecoder('utf-8', { ignoreBOM: true }).decode` gives it (malformed
 * sequences → U+FFFD, a leading BOM kept, so a string written as UTF-8 is
 * read back unchanged). Short ASCII entries (ids, mostly) are built by a
 * loop: TextDecoder's fixed cost per call (~0.1–0.2 µs) was 2–3 % of a
 * 100k-row query returning 10 ids.
 */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= SHORT_BYTES) {
    for (let i = start; i < end; i++) if (bytes[i] >= 0x80) return decoder.decode(bytes.subarray(start, end));
    return asciiString(bytes, start, end);
  }
  return decoder.decode(bytes.subarray(start, end));
}

/**
 * ASCII `bytes[start, end)` as one flat string. Not built by `+=` per
 * character: past 12 characters each `+=` makes a rope node (a V8
 * ConsString, ~32 bytes), so 100k gathered documents of ~23 characters held
 * ~10 MB more heap (memory-accounting-100k.long.test.ts).
 */
function asciiString(b: Uint8Array, s: number, end: number): string {
  // Up to 8 characters (numeric and short ids: a query decodes k of them) the codes are passed as arguments:
  // ≈ 13 ns per string where a subarray and `apply` cost ≈ 65 ns (Node 20, 5-character ids).
  const c = String.fromCharCode;
  switch (end - s) {
    case 0: return '';
    case 1: return c(b[s]);
    case 2: return c(b[s], b[s + 1]);
    case 3: return c(b[s], b[s + 1], b[s + 2]);
    case 4: return c(b[s], b[s + 1], b[s + 2], b[s + 3]);
    case 5: return c(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4]);
    case 6: return c(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5]);
    case 7: return c(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6]);
    case 8: return c(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7]);
    default: return c.apply(null, b.subarray(s, end) as unknown as number[]);
  }
}

// Scratch of decodeUtf8Rows, grown to the largest call (a query's k): bounds and ASCII flags per entry.
let startsScratch = new Uint32Array(16);
let endsScratch = new Uint32Array(16);
let asciiScratch = new Uint8Array(16);

/**
 * {@link decodeUtf8} of entries `rows` of a packed list (entry i is
 * `data[offsets[i], offsets[i + 1])`, the layout of segment blob lists and
 * of the memtable's arenas), in order. For a few entries scattered over a
 * large list, as the ids of a query's hits are, it reads in passes (every
 * entry's bounds, then every entry's bytes for the ASCII check, then the
 * strings) so that the cache misses of the entries overlap instead of
 * coming one after another as with one decodeUtf8 per entry.
 */
export function decodeUtf8Rows(data: Uint8Array, offsets: Uint32Array, rows: ArrayLike<number>): string[];
/** The same for a list with presence flags (1 = present): an absent entry gives null. */
export function decodeUtf8Rows(data: Uint8Array, offsets: Uint32Array, rows: ArrayLike<number>, presence: Uint8Array): (string | null)[];
export function decodeUtf8Rows(data: Uint8Array, offsets: Uint32Array, rows: ArrayLike<number>, presence?: Uint8Array): (string | null)[] {
  const n = rows.length;
  if (startsScratch.length < n) {
    startsScratch = new Uint32Array(2 * n);
    endsScratch = new Uint32Array(2 * n);
    asciiScratch = new Uint8Array(2 * n);
  }
  // Locals in the loops: each use of a reassigned module binding is a context load and a check.
  const starts = startsScratch;
  const ends = endsScratch;
  const ascii = asciiScratch;
  for (let j = 0; j < n; j++) {
    const row = rows[j];
    // An absent entry is marked by ends < starts (offsets only grow).
    if (presence !== undefined && presence[row] !== 1) {
      starts[j] = 1;
      ends[j] = 0;
      continue;
    }
    starts[j] = offsets[row];
    ends[j] = offsets[row + 1];
  }
  for (let j = 0; j < n; j++) {
    const end = ends[j];
    let isAscii = end - starts[j] <= SHORT_BYTES;
    for (let i = starts[j]; isAscii && i < end; i++) isAscii = data[i] < 0x80;
    ascii[j] = isAscii ? 1 : 0;
  }
  // At its final length: grown by push from empty it would take room for 17.
  const out = new Array<string | null>(n);
  for (let j = 0; j < n; j++) {
    const start = starts[j];
    const end = ends[j];
    if (end < start) out[j] = null;
    else if (ascii[j] === 1) out[j] = asciiString(data, start, end);
    else out[j] = decoder.decode(data.subarray(start, end));
  }
  return out;
}

const encoder = new TextEncoder();
let keyBytes = new Uint8Array(256);

/**
 * `text` as UTF-8 in a buffer this module reuses, for a lookup key that is
 * compared and dropped (an id looked up in a memtable or segment): a view,
 * valid until the next call. `TextEncoder.encode` would allocate an
 * ArrayBuffer per id, whose backing store and bookkeeping come from malloc
 * and stay until a garbage collection: at 100k ids per build, heap that
 * glibc keeps after (see kernels/mapped-array.ts).
 */
export function utf8Key(text: string): Uint8Array {
  const most = maxUtf8Bytes(text);
  if (most > keyBytes.length) keyBytes = new Uint8Array(most);
  return keyBytes.subarray(0, encoder.encodeInto(text, keyBytes).written);
}

/** Most bytes `text` can take as UTF-8: a UTF-16 code unit is at most 3 bytes of it. */
export function maxUtf8Bytes(text: string): number {
  return 3 * text.length;
}

/**
 * `text` as UTF-8 written into `dest` from `at` on (room for
 * {@link maxUtf8Bytes} needed); returns the bytes written.
 */
export function encodeUtf8Into(text: string, dest: Uint8Array, at: number): number {
  return encoder.encodeInto(text, at === 0 ? dest : dest.subarray(at)).written;
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
