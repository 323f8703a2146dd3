/**
 * The shortest decimal text that reads back as the same float32: `0.1f` prints
 * as `"0.1"` rather than its float64 expansion `"0.10000000149011612"`. Parsing
 * the text as a number and rounding it to float32 (what storing does) gives
 * back exactly `value`, so an export → import round trip is bit-exact, and
 * exported files are about half the size.
 */
export function float32Text(value: number): string {
  const plain = String(value);
  // Integers and short decimals are already as short as they get.
  if (plain.length <= 6) return plain;
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return String(candidate);
  }
  // Nine significant digits always identify a float32; reached only for non-float32 input.
  return plain;
}
