/**
 * One model call over one batch, with the library's empty-text quirk handled.
 *
 * The model takes a sparse (row, position) → token input, so a text with no
 * tokens (the empty string) has no entries: in the middle of a batch it gets
 * the model's no-token vector, at the end it is silently dropped (the output
 * has fewer rows), and alone it throws. Texts with no tokens are therefore
 * never sent: they all get the no-token vector, computed once by putting an
 * empty text first in a call of its own.
 */
import { DefaultEmbedError } from './errors.js';
import type { SentenceModel } from './model.js';

const noTokenVectors = new WeakMap<SentenceModel, Promise<number[]>>();

function noTokenVector(model: SentenceModel): Promise<number[]> {
  let v = noTokenVectors.get(model);
  if (v === undefined) {
    v = model.embed(['', 'a']).then((rows) => rows[0]);
    noTokenVectors.set(model, v);
  }
  return v;
}

/**
 * Embeds `texts` in one model call.
 * @returns `texts.length` vectors of 512 numbers, in input order.
 * @throws DefaultEmbedError (`EMBEDDING`) if the model returns the wrong number of rows.
 */
export async function embedBatch(model: SentenceModel, texts: readonly string[]): Promise<number[][]> {
  const out: number[][] = new Array(texts.length);
  const sentIndex: number[] = [];
  const sent: string[] = [];
  texts.forEach((text, i) => {
    if (model.tokenizer.encode(text).length === 0) return;
    sentIndex.push(i);
    sent.push(text);
  });
  if (sent.length > 0) {
    const rows = await model.embed(sent);
    if (rows.length !== sent.length) {
      throw new DefaultEmbedError('EMBEDDING', `the model returned ${rows.length} vectors for ${sent.length} texts`);
    }
    sentIndex.forEach((at, j) => (out[at] = rows[j]));
  }
  if (sent.length < texts.length) {
    const empty = await noTokenVector(model);
    for (let i = 0; i < texts.length; i++) out[i] ??= empty.slice();
  }
  return out;
}
