import { decode } from '@msgpack/msgpack';
import { CorruptionError } from '../../errors.js';
import { BlobList } from '../../format/blob-list.js';
import type { HnswConfig } from '../../format/manifest.js';
import { checkAllPages } from '../../format/page-checksums.js';
import { decodePostings } from '../../format/postings.js';
import { decodeSparsePostings } from '../../format/sparse-postings.js';
import { decodeSegment, SectionKind, type SectionRef } from '../../format/segment-file.js';
import { HnswIndex } from '../../ann/hnsw/hnsw.js';
import type { Metric } from '../../types.js';
import { attempt, type Findings } from './report.js';
import { checkSegmentChecksums } from './segment-table.js';

/** What the manifest says a segment must be. */
export interface SegmentExpectation {
  rows: number;
  dimension: number;
  metric: Metric;
  hnsw: HnswConfig;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Checks one segment file (docs/format/segment.md, graph.md): every checksum,
 * then the structure the checksums cannot vouch for — header against the
 * manifest, section sizes, finite vectors, blob lists, one valid id per row
 * (unique in the segment), decodable metadata and documents, and the HNSW
 * graph through the same checks `HnswIndex.open` applies (neighbour ids in
 * range, degrees, levels), and the full-text postings through their decoder. Returns the row ids, or null when they cannot be read.
 */
export function verifySegment(bytes: Uint8Array, file: string, expected: SegmentExpectation, findings: Findings): string[] | null {
  if (!checkSegmentChecksums(bytes, file, findings)) return null;
  const decoded = attempt(findings, () => decodeSegment(bytes, file));
  if (!decoded) return null;
  const { header, sections } = decoded;
  const { rows, dimension, metric } = expected;
  if (header.rows !== rows) findings.error(file, `header says ${header.rows} rows, the manifest ${rows}`, 16);
  if (header.dimension !== dimension) findings.error(file, `header says dimension ${header.dimension}, the collection ${dimension}`, 20);
  if (header.metric !== metric) findings.error(file, `header says metric ${header.metric}, the collection ${metric}`, 24);
  if (header.rows !== rows || header.dimension !== dimension || header.metric !== metric) return null;
  for (const kind of sections.keys()) {
    if (kind < SectionKind.Vectors || kind > SectionKind.PageChecksums) findings.warning(file, `unknown section kind ${kind}; this build ignores it`, 48);
  }

  const vectors = checkVectors(sections.get(SectionKind.Vectors), file, expected, findings);
  const vectorSection = sections.get(SectionKind.Vectors);
  const pages = sections.get(SectionKind.PageChecksums);
  // The page checksums are what a paged open checks the vectors against: they must agree with the section.
  if (vectorSection && pages) attempt(findings, () => checkAllPages(vectorSection.bytes, vectorSection.offset, pages.bytes, pages.offset, file));
  const ids = checkIds(sections.get(SectionKind.Ids), file, rows, findings);
  checkBlobs(sections.get(SectionKind.Metadata), 'metadata', file, rows, findings, (entry) => {
    const value = decode(entry);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a MessagePack map');
  });
  checkBlobs(sections.get(SectionKind.Documents), 'documents', file, rows, findings, (entry) => utf8.decode(entry));
  if (vectors) checkGraph(sections.get(SectionKind.Graph), vectors, file, expected, findings);
  // The full-text postings, through the decoder open uses (docs/format/postings.md).
  const postings = sections.get(SectionKind.Postings);
  if (postings) attempt(findings, () => decodePostings(postings.bytes, rows, file, postings.offset));
  // The sparse-vector postings, likewise (docs/format/sparse-postings.md).
  const sparse = sections.get(SectionKind.SparsePostings);
  if (sparse) attempt(findings, () => decodeSparsePostings(sparse.bytes, rows, file, sparse.offset));
  return ids;
}

/** The vectors as float32 rows when the section has the right size; reports non-finite values. */
function checkVectors(section: SectionRef | undefined, file: string, e: SegmentExpectation, findings: Findings): Float32Array | null {
  if (!section) {
    findings.error(file, 'no vectors section', 12);
    return null;
  }
  if (section.bytes.byteLength !== e.rows * e.dimension * 4) {
    findings.error(file, `vectors section holds ${section.bytes.byteLength} bytes, expected rows × dimension × 4 = ${e.rows * e.dimension * 4}`, section.offset);
    return null;
  }
  // Copied: the section is 64-byte aligned in the file but the file buffer may not be 4-byte aligned.
  const vectors = new Float32Array(e.rows * e.dimension);
  new Uint8Array(vectors.buffer).set(section.bytes);
  for (let i = 0; i < vectors.length; i++) {
    if (!Number.isFinite(vectors[i])) {
      const row = Math.floor(i / e.dimension);
      findings.error(file, `row ${row} value ${i % e.dimension} is ${vectors[i]}; stored vectors are finite`, section.offset + i * 4);
      break;
    }
  }
  return vectors;
}

function checkIds(section: SectionRef | undefined, file: string, rows: number, findings: Findings): string[] | null {
  if (!section) {
    findings.error(file, 'no ids section', 12);
    return null;
  }
  const list = decodeList(section, 'ids', file, rows, findings);
  if (!list) return null;
  const ids: string[] = [];
  const seen = new Map<string, number>();
  for (let row = 0; row < rows; row++) {
    const entry = list.get(row);
    if (entry === null) {
      findings.error(file, `row ${row} has no id`, section.offset);
      return null;
    }
    let id: string;
    try {
      id = utf8.decode(entry);
    } catch {
      findings.error(file, `the id of row ${row} is not valid UTF-8`, section.offset);
      return null;
    }
    const earlier = seen.get(id);
    if (earlier !== undefined) findings.error(file, `id ${JSON.stringify(id)} is stored in rows ${earlier} and ${row}`, section.offset);
    seen.set(id, row);
    ids.push(id);
  }
  return ids;
}

/** An optional blob-list section: the right entry count, and every present entry accepted by `check`. */
function checkBlobs(section: SectionRef | undefined, name: string, file: string, rows: number, findings: Findings, check: (entry: Uint8Array) => void): void {
  if (!section) return;
  const list = decodeList(section, name, file, rows, findings);
  if (!list) return;
  for (let row = 0; row < rows; row++) {
    const entry = list.get(row);
    if (entry === null) continue;
    try {
      check(entry);
    } catch (err) {
      findings.error(file, `${name} of row ${row} does not decode: ${(err as Error).message}`, section.offset);
      return;
    }
  }
}

function decodeList(section: SectionRef, name: string, file: string, rows: number, findings: Findings): BlobList | null {
  const list = attempt(findings, () => BlobList.decode(section.bytes, file, section.offset));
  if (!list) return null;
  if (list.count !== rows) {
    findings.error(file, `${name} section has ${list.count} entries for ${rows} rows`, section.offset);
    return null;
  }
  return list;
}

/** Opens the graph exactly as a reopen would (checks 1–5 of graph.md), then frees it. */
function checkGraph(section: SectionRef | undefined, vectors: Float32Array, file: string, e: SegmentExpectation, findings: Findings): void {
  if (!section) {
    findings.error(file, 'no graph section (every sealed segment carries its HNSW graph; opening never rebuilds one)', 12);
    return;
  }
  try {
    const index = HnswIndex.open(
      { dimension: e.dimension, metric: e.metric, params: { M: e.hnsw.M, efConstruction: e.hnsw.efConstruction } },
      vectors,
      section.bytes,
      { file, offset: section.offset },
    );
    index.dispose();
  } catch (err) {
    if (err instanceof CorruptionError) findings.corruption(err);
    // A ValidationError here means the manifest's HNSW parameters are out of range.
    else findings.error(file, `HNSW graph cannot be opened: ${(err as Error).message}`, section.offset);
  }
}
