/**
 * The filters of the parity run: one per `where` operator Chroma 1.0 accepts
 * on scalar metadata, plus missing-key and implicit-AND cases. Each carries a
 * plain-JS predicate, the reference both stores are checked against.
 */
import type { Where } from '@omendb/core';
import type { RecordMetadata } from './parity-datasets.js';

export interface ParityFilter {
  name: string;
  where: Where;
  /** Whether a record with this metadata matches, as the filter is meant (Chroma's documented semantics). */
  matches(m: RecordMetadata): boolean;
}

export const PARITY_FILTERS: ParityFilter[] = [
  { name: '$eq (shorthand)', where: { parity: 'even' }, matches: (m) => m.parity === 'even' },
  { name: '$ne', where: { bucket: { $ne: 3 } }, matches: (m) => m.bucket !== 3 },
  { name: '$gt', where: { year: { $gt: 2010 } }, matches: (m) => (m.year as number) > 2010 },
  { name: '$gte', where: { year: { $gte: 2010 } }, matches: (m) => (m.year as number) >= 2010 },
  { name: '$lt', where: { year: { $lt: 1995 } }, matches: (m) => (m.year as number) < 1995 },
  { name: '$lte', where: { year: { $lte: 1995 } }, matches: (m) => (m.year as number) <= 1995 },
  { name: '$in', where: { bucket: { $in: [1, 2, 3] } }, matches: (m) => [1, 2, 3].includes(m.bucket as number) },
  { name: '$nin', where: { bucket: { $nin: [1, 2, 3] } }, matches: (m) => ![1, 2, 3].includes(m.bucket as number) },
  { name: '$and', where: { $and: [{ parity: 'odd' }, { year: { $gte: 2000 } }] }, matches: (m) => m.parity === 'odd' && (m.year as number) >= 2000 },
  { name: '$or', where: { $or: [{ bucket: 0 }, { flag: true }] }, matches: (m) => m.bucket === 0 || m.flag === true },
  { name: 'selective $and (≈1.4 %)', where: { $and: [{ bucket: 4 }, { year: 2004 }] }, matches: (m) => m.bucket === 4 && m.year === 2004 },
  { name: '$ne on a key most records lack', where: { tag: { $ne: 'rare' } }, matches: (m) => m.tag !== 'rare' },
  { name: '$nin on a key most records lack', where: { tag: { $nin: ['rare'] } }, matches: (m) => m.tag !== 'rare' },
  { name: 'two keys, implicit AND', where: { bucket: 7, flag: false }, matches: (m) => m.bucket === 7 && m.flag === false },
];
