/**
 * Checks on the strings a call stores (ids, metadata keys and values,
 * documents). Stored text is UTF-8, which cannot encode a lone UTF-16
 * surrogate: the encoder would replace it with U+FFFD, so '\uD800' and
 * '\uDBFF' would be stored as the same id. Such strings are rejected instead.
 */

/** `String.prototype.isWellFormed` (ES2024, in V8 since Node 20); the compile target's lib predates it. */
interface WellFormedString {
  isWellFormed(): boolean;
}

/** Whether `s` is well-formed UTF-16: every surrogate is half of a pair. */
export function isWellFormed(s: string): boolean {
  return (s as unknown as WellFormedString).isWellFormed();
}

/** The message of an ill-formed string's issue (code `ill_formed_string`). */
export const ILL_FORMED_MESSAGE = 'a lone UTF-16 surrogate (ill-formed string) has no UTF-8 encoding';

/**
 * Whether the UTF-8 encoding of `s` takes at most `limitBytes` bytes. Each
 * UTF-16 code unit takes 1 to 3 UTF-8 bytes, so only strings of limit / 3 to
 * limit code units are measured.
 */
export function fitsUtf8(s: string, limitBytes: number): boolean {
  if (s.length > limitBytes) return false;
  if (s.length * 3 <= limitBytes) return true;
  return Buffer.byteLength(s, 'utf8') <= limitBytes;
}
