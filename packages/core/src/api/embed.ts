import { EmbeddingFunctionError, ValidationError } from '../errors.js';
import type { EmbeddingFunction } from './embedding-function.js';

/**
 * Embeds `texts` with one `generate` call (Chroma calls it once per
 * add / upsert / update / query too) and checks what comes back: one row per
 * text, every row an array of finite numbers of one length `d`, and `d` equal
 * to `dimension` when the collection has one. Throws EmbeddingFunctionError
 * (the function threw or returned a wrong shape or dimension); the caller
 * writes nothing then.
 */
export async function embedTexts(ef: EmbeddingFunction, texts: string[], dimension: number | null): Promise<number[][]> {
  const label = ef.name === undefined ? 'the embedding function' : `embedding function ${JSON.stringify(ef.name)}`;
  let rows: unknown;
  try {
    rows = await ef.generate(texts);
  } catch (err) {
    throw new EmbeddingFunctionError(`${label} failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
  if (!Array.isArray(rows) || rows.length !== texts.length) {
    throw new EmbeddingFunctionError(`${label} returned ${Array.isArray(rows) ? rows.length : typeof rows} vectors for ${texts.length} texts`);
  }
  const d = dimension ?? (isRow(rows[0]) ? rows[0].length : 0);
  rows.forEach((row: unknown, i) => {
    if (!isRow(row) || row.length === 0) throw new EmbeddingFunctionError(`${label} returned a non-vector for text ${i}`);
    if (row.length !== d) {
      throw new EmbeddingFunctionError(
        dimension === null
          ? `${label} returned vectors of dimension ${d} and ${row.length} in one call`
          : `${label} returned a ${row.length}-dimensional vector for a collection of dimension ${d}`,
      );
    }
    for (let j = 0; j < row.length; j++) {
      if (typeof row[j] !== 'number' || !Number.isFinite(row[j])) throw new EmbeddingFunctionError(`${label} returned ${String(row[j])} at [${i}][${j}]`);
    }
  });
  return rows as number[][];
}

/** `texts` as strings, or ValidationError naming `field` and the first entry that is not one. */
export function textsOf(values: unknown[], field: string): string[] {
  values.forEach((v, i) => {
    if (typeof v !== 'string') {
      throw new ValidationError(`${field} to embed must be strings`, [
        { code: 'invalid_type', path: [field, i], message: 'expected a string (give embeddings for records without a document)' },
      ]);
    }
  });
  return values as string[];
}

function isRow(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || v instanceof Float32Array || v instanceof Float64Array;
}
