/**
 * The real data sets of the Chroma parity run, read in place from
 * `../shared/data` (never copied into the repository):
 * - `sift10k`: 10,000 × 128 SIFT descriptors and the 100 texmex queries, l2;
 * - `scifact-bge`: 5,183 × 1024 bge-large embeddings of the SciFact abstracts
 *   (the abstract text as the document) and its first 100 claim queries, cosine.
 *
 * Each record also gets metadata derived from its row number, so that filters
 * select known fractions (see `parity-filters.ts`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metric } from '@omendb/core';
import { readFvecs } from './fvecs.js';

export type DatasetName = 'sift10k' | 'scifact-bge';
export const DATASET_NAMES: DatasetName[] = ['sift10k', 'scifact-bge'];

/** Metadata of one record: scalars only, which is what Chroma 1.0 accepts. */
export type RecordMetadata = Record<string, string | number | boolean>;

export interface ParityDataset {
  name: DatasetName;
  metric: Metric;
  ids: string[];
  vectors: number[][];
  texts: string[];
  metadatas: RecordMetadata[];
  queries: number[][];
}

/** `../shared/data` seen from the repository root. */
export const DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared', 'data');

/** Whether the files of `name` are present. */
export function hasDataset(name: DatasetName): boolean {
  return existsSync(join(DATA_DIR, name));
}

/**
 * Metadata of row `i`: `bucket` = i mod 10, `parity` "even"/"odd", `year` =
 * 1990 + i mod 35, `flag` = (i mod 3 = 0), and `tag: "rare"` only on every
 * 7th row (absent elsewhere, to exercise missing-key semantics).
 */
export function rowMetadata(i: number): RecordMetadata {
  const m: RecordMetadata = { row: i, bucket: i % 10, parity: i % 2 === 0 ? 'even' : 'odd', year: 1990 + (i % 35), flag: i % 3 === 0 };
  if (i % 7 === 0) m.tag = 'rare';
  return m;
}

/**
 * Loads `limit` records (default all) and `queryCount` queries (default 100) of `name`.
 * @throws Error when the files are missing or malformed.
 */
export function loadDataset(name: DatasetName, options: { limit?: number; queryCount?: number } = {}): ParityDataset {
  const dir = join(DATA_DIR, name);
  const limit = options.limit ?? Infinity;
  const queryCount = options.queryCount ?? 100;
  if (name === 'sift10k') {
    const vectors = readFvecs(join(dir, 'base.fvecs'), limit);
    return {
      name,
      metric: 'l2',
      ids: vectors.map((_, i) => `sift-${i}`),
      vectors,
      texts: vectors.map((_, i) => `SIFT descriptor ${i}`),
      metadatas: vectors.map((_, i) => rowMetadata(i)),
      queries: readFvecs(join(dir, 'query.fvecs'), queryCount),
    };
  }
  const vectors = readFvecs(join(dir, 'corpus.fvecs'), limit);
  const docIds = readFileSync(join(dir, 'corpus.doc_ids.txt'), 'utf8').trim().split('\n').slice(0, vectors.length);
  const abstracts = readAbstracts(join(DATA_DIR, 'scifact', 'corpus.jsonl'));
  return {
    name,
    metric: 'cosine',
    ids: docIds.map((id) => `scifact-${id}`),
    vectors,
    texts: docIds.map((id) => abstracts.get(id) ?? ''),
    metadatas: docIds.map((id, i) => ({ ...rowMetadata(i), doc_id: id })),
    queries: readFvecs(join(dir, 'query.fvecs'), queryCount),
  };
}

/** SciFact doc id → "title\n\nabstract". */
function readAbstracts(path: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(path)) return out;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const { _id, title, text } = JSON.parse(line) as { _id: string; title: string; text: string };
    out.set(_id, `${title}\n\n${text}`);
  }
  return out;
}
