/**
 * Unicode word segmentation (UAX #29, "Unicode Text Segmentation", word
 * boundaries): the word-like segments of a text, those holding a letter or
 * digit, in order.
 *
 * `Intl.Segmenter` (ICU, built into Node) is the reference, but V8's segment
 * iterator costs microseconds per segment and grows with the string's length
 * (measured: 1.15 M words of SciFact's abstracts take 20 s in one pass on a
 * loaded 2-core machine). UAX #29 always breaks around ASCII spaces, tabs
 * and line breaks, so the text is cut there first, and a chunk of printable
 * ASCII is segmented here by the standard's rules as they apply to ASCII
 * (below); only chunks holding other characters go to `Intl.Segmenter`, all
 * of a text's in one call. The result is the segmenter's, word for word
 * (test/full-text-words.test.ts compares them on real text).
 */

const segmenter = new Intl.Segmenter('en', { granularity: 'word' });
const WHITESPACE = /[ \t\n\r\f\v]+/;
const PRINTABLE_ASCII = /^[!-~]+$/;
/**
 * One run of ASCII letters and digits between ASCII punctuation other than `_`:
 * the run is the chunk's only word (a connector such as `.` or `'` joins only
 * with a letter or digit on both sides). Most chunks of prose are this.
 */
const SIMPLE = /^[!-/:-@[-^`{-~]*([A-Za-z0-9]+)[!-/:-@[-^`{-~]*$/;

/** UAX #29 word-break classes of printable ASCII (Unicode 15 WordBreakProperty.txt). */
const enum Wb {
  Other,
  Letter,
  Numeric,
  /** `_` */
  ExtendNumLet,
  /** `:` */
  MidLetter,
  /** `.` and `'` (MidNumLet and Single_Quote: both join letters and digits alike). */
  MidNumLetQ,
  /** `,` and `;` */
  MidNum,
}

const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z]/.test(ch)) CLASS[c] = Wb.Letter;
  else if (/[0-9]/.test(ch)) CLASS[c] = Wb.Numeric;
  else if (ch === '_') CLASS[c] = Wb.ExtendNumLet;
  else if (ch === ':') CLASS[c] = Wb.MidLetter;
  else if (ch === '.' || ch === "'") CLASS[c] = Wb.MidNumLetQ;
  else if (ch === ',' || ch === ';') CLASS[c] = Wb.MidNum;
}

/** Appends the word-like segments of `text` to `out`. */
export function words(text: string, out: string[] = []): string[] {
  const other: string[] = [];
  const slots: number[] = [];
  for (const chunk of text.split(WHITESPACE)) {
    if (chunk.length === 0) continue;
    const simple = SIMPLE.exec(chunk);
    if (simple) {
      out.push(simple[1]);
    } else if (PRINTABLE_ASCII.test(chunk)) {
      asciiWords(chunk, out);
    } else {
      slots.push(out.length);
      other.push(chunk);
    }
  }
  if (other.length === 0) return out;
  // The other chunks, segmented in one call (joined by spaces, where UAX #29 breaks anyway),
  // are put back in their places, last first so the earlier slots stay valid.
  const perChunk: string[][] = other.map(() => []);
  const joined = other.join(' ');
  let k = 0;
  let end = other[0].length;
  for (const s of segmenter.segment(joined)) {
    while (s.index > end) end += 1 + other[++k].length;
    if (s.isWordLike) perChunk[k].push(s.segment);
  }
  for (let i = other.length - 1; i >= 0; i--) out.splice(slots[i], 0, ...perChunk[i]);
  return out;
}

/** Word-like segments of a chunk of printable ASCII, by UAX #29 rules WB5–WB13b. */
function asciiWords(chunk: string, out: string[]): void {
  let start = 0;
  const n = chunk.length;
  const cls = (i: number) => (i >= 0 && i < n ? CLASS[chunk.charCodeAt(i)] : Wb.Other);
  const emit = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const c = CLASS[chunk.charCodeAt(i)];
      if (c === Wb.Letter || c === Wb.Numeric) {
        out.push(chunk.slice(from, to));
        return;
      }
    }
  };
  for (let i = 1; i < n; i++) {
    if (!breaksBefore(cls(i - 2), cls(i - 1), cls(i), cls(i + 1))) continue;
    emit(start, i);
    start = i;
  }
  emit(start, n);
}

/** Whether UAX #29 breaks between `a` and `b`, given the classes before `a` and after `b`. */
function breaksBefore(before: Wb, a: Wb, b: Wb, after: Wb): boolean {
  const mid = (c: Wb) => c === Wb.MidLetter || c === Wb.MidNumLetQ;
  const numMid = (c: Wb) => c === Wb.MidNum || c === Wb.MidNumLetQ;
  if (a === Wb.Letter && b === Wb.Letter) return false; // WB5
  if (a === Wb.Letter && mid(b) && after === Wb.Letter) return false; // WB6
  if (before === Wb.Letter && mid(a) && b === Wb.Letter) return false; // WB7
  if (a === Wb.Numeric && b === Wb.Numeric) return false; // WB8
  if (a === Wb.Letter && b === Wb.Numeric) return false; // WB9
  if (a === Wb.Numeric && b === Wb.Letter) return false; // WB10
  if (before === Wb.Numeric && numMid(a) && b === Wb.Numeric) return false; // WB11
  if (a === Wb.Numeric && numMid(b) && after === Wb.Numeric) return false; // WB12
  if ((a === Wb.Letter || a === Wb.Numeric || a === Wb.ExtendNumLet) && b === Wb.ExtendNumLet) return false; // WB13a
  if (a === Wb.ExtendNumLet && (b === Wb.Letter || b === Wb.Numeric)) return false; // WB13b
  return true; // WB999
}

/** The reference: `Intl.Segmenter` over the whole text (slow on long texts; for tests). */
export function wordsBySegmenter(text: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(text)) if (s.isWordLike) out.push(s.segment);
  return out;
}
