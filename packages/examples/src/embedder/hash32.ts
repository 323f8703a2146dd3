/**
 * 32-bit string hashing for feature hashing: FNV-1a over the UTF-8 bytes,
 * then MurmurHash3's `fmix32` finaliser.
 *
 * FNV-1a (Fowler, Noll & Vo; http://www.isthe.com/chongo/tech/comp/fnv/) is
 * tiny and fast but its low bits avalanche poorly on short, similar keys such as
 * `"w:error"` and `"w:errors"`; `fmix32` (Appleby, MurmurHash3, public domain)
 * mixes every input bit into every output bit so that `hash % dimension` and the
 * sign bit are both well spread.
 */

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * FNV-1a, 32-bit, over the UTF-8 encoding of `key` (a lone surrogate counts as
 * U+FFFD, as `TextEncoder` would encode it). Returns an unsigned 32-bit integer.
 */
export function fnv1a32(key: string): number {
  let h = FNV_OFFSET_BASIS;
  // UTF-8 is produced inline: a TextEncoder allocation per feature would cost more than the hashing.
  for (const char of key) {
    let codePoint = char.codePointAt(0) as number;
    if (codePoint >= 0xd800 && codePoint <= 0xdfff) codePoint = 0xfffd;
    if (codePoint < 0x80) {
      h = Math.imul(h ^ codePoint, FNV_PRIME);
    } else if (codePoint < 0x800) {
      h = Math.imul(h ^ (0xc0 | (codePoint >> 6)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | (codePoint & 0x3f)), FNV_PRIME);
    } else if (codePoint < 0x10000) {
      h = Math.imul(h ^ (0xe0 | (codePoint >> 12)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | ((codePoint >> 6) & 0x3f)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | (codePoint & 0x3f)), FNV_PRIME);
    } else {
      h = Math.imul(h ^ (0xf0 | (codePoint >> 18)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | ((codePoint >> 12) & 0x3f)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | ((codePoint >> 6) & 0x3f)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | (codePoint & 0x3f)), FNV_PRIME);
    }
  }
  return h >>> 0;
}

/** MurmurHash3's 32-bit finaliser. Input and output: unsigned 32-bit integers. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** `fmix32(fnv1a32(key))`: an unsigned 32-bit hash of `key`, stable across runs and platforms. */
export function hash32(key: string): number {
  return fmix32(fnv1a32(key));
}
