import { basename, join } from 'node:path';
import type { Vfs } from '../../fs/vfs.js';
import { decodeManifest, parseManifestFileName, type Manifest, type ManifestState } from '../../format/manifest.js';
import { OperationKind } from '../../format/operation.js';
import { layout } from '../../storage/layout.js';
import { attempt, type CollectionSummary, type Findings } from './report.js';
import { verifySegment } from './verify-segment.js';
import { verifyWal } from './wal-findings.js';

const METRICS = new Set(['l2', 'cosine', 'ip']);
/** Duplicate live ids reported one by one up to this many; the rest are counted. */
const MAX_DUPLICATES_LISTED = 5;

/**
 * Checks one collection directory: its current manifest, every segment it
 * names, the tombstones, the WAL, and that each id is live in at most one
 * segment. Counts the records the next open would find. Returns null when the
 * manifest cannot be read (nothing else can be checked then). `legacy`: the
 * database is format 1 (no CATALOG).
 */
export function verifyCollection(vfs: Vfs, dir: string, findings: Findings, legacy = false): CollectionSummary | null {
  const names = vfs.list(dir).sort();
  const manifests = names.filter((n) => parseManifestFileName(n) !== undefined);
  for (const name of names) {
    if (name.endsWith('.tmp')) findings.warning(join(dir, name), 'leftover of an interrupted write; the next open removes it');
    else if (parseManifestFileName(name) === undefined && name !== 'wal' && name !== 'segments') {
      findings.warning(join(dir, name), 'unexpected entry in a collection directory; OmenDB ignores it');
    }
  }
  if (manifests.length === 0) {
    findings.error(dir, 'collection directory has no manifest');
    return null;
  }
  for (const old of manifests.slice(0, -1)) {
    findings.warning(join(dir, old), 'older manifest left by an interrupted checkpoint; the next open removes it');
  }
  const manifestFile = join(dir, manifests[manifests.length - 1]);
  const bytes = attempt(findings, () => findings.read(vfs.readFile(manifestFile)));
  const manifest = bytes && attempt(findings, () => decodeManifest(bytes, manifestFile));
  if (!manifest || !checkState(manifest.state, manifestFile, findings)) return null;
  const { state } = manifest;
  checkTombstones(manifest, bytes!, manifestFile, findings);

  const segmentsDir = layout.segments(dir);
  const referenced = new Set(state.segments.map((s) => String(s.id)));
  for (const entry of vfs.list(segmentsDir)) {
    if (!referenced.has(entry)) findings.warning(join(segmentsDir, entry), 'segment not named by the manifest (left by an interrupted checkpoint or compaction); the next open removes it');
  }

  const live = new Map<string, number>();
  let countKnown = true;
  let duplicates = 0;
  state.segments.forEach((ref, i) => {
    const file = layout.segmentFile(dir, ref.id);
    if (!vfs.exists(file)) {
      findings.error(file, `segment ${ref.id} named by the manifest is missing`);
      countKnown = false;
      return;
    }
    const segmentBytes = attempt(findings, () => findings.read(vfs.readFile(file)));
    const ids = segmentBytes && verifySegment(segmentBytes, file, { rows: ref.rows, dimension: state.dimension!, metric: state.metric, hnsw: state.hnsw }, findings);
    if (!ids) {
      countKnown = false;
      return;
    }
    const deleted = new Set(manifest.tombstones[i]);
    ids.forEach((id, row) => {
      if (deleted.has(row)) return;
      const other = live.get(id);
      if (other !== undefined) {
        if (++duplicates <= MAX_DUPLICATES_LISTED) findings.error(file, `id ${JSON.stringify(id)} is live in segments ${other} and ${ref.id}; one of them should be a tombstone`);
      }
      live.set(id, ref.id);
    });
  });
  if (duplicates > MAX_DUPLICATES_LISTED) findings.error(dir, `${duplicates - MAX_DUPLICATES_LISTED} more ids are live in two segments`);

  const wal = verifyWal(vfs, layout.wal(dir), { checkpointLsn: state.checkpointLsn, dimension: state.dimension, legacy }, findings);
  for (const op of wal.operations) {
    if (op.type === OperationKind.Delete) for (const id of op.ids) live.delete(id);
    else if (op.type !== OperationKind.Update) for (const id of op.ids) live.set(id, 0);
  }
  return {
    name: state.name,
    id: basename(dir),
    records: countKnown ? live.size : null,
    segments: state.segments.length,
    walRecords: wal.operations.length,
  };
}

/** The manifest's JSON state: the fields and ranges recovery relies on. Returns false when unusable. */
function checkState(s: ManifestState, file: string, findings: Findings): boolean {
  // The state body starts after the 16-byte header and its section's length and checksum.
  const at = 24;
  const problems: string[] = [];
  const positiveInt = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;
  if (typeof s.name !== 'string' || s.name.length === 0) problems.push('no collection name');
  if (!METRICS.has(s.metric)) problems.push(`unknown metric ${JSON.stringify(s.metric)}`);
  if (s.dimension !== null && !positiveInt(s.dimension)) problems.push(`dimension ${JSON.stringify(s.dimension)} is not a positive integer`);
  if (!s.hnsw || !positiveInt(s.hnsw.M) || !positiveInt(s.hnsw.efConstruction) || !positiveInt(s.hnsw.efSearch)) problems.push('HNSW parameters missing or not positive integers');
  if (!Number.isInteger(s.checkpointLsn) || s.checkpointLsn < 0) problems.push(`checkpointLsn ${s.checkpointLsn} is not a non-negative integer`);
  const ids = new Set<number>();
  for (const seg of s.segments) {
    if (!positiveInt(seg?.id) || !Number.isInteger(seg?.rows) || seg.rows < 0) problems.push(`segment entry ${JSON.stringify(seg)} is malformed`);
    else if (ids.has(seg.id)) problems.push(`segment ${seg.id} is listed twice`);
    else if (!(seg.id < s.nextSegmentId)) problems.push(`segment ${seg.id} is not below nextSegmentId ${s.nextSegmentId}`);
    ids.add(seg?.id);
  }
  if (s.segments.length > 0 && s.dimension === null) problems.push('segments exist but the dimension is not set');
  for (const p of problems) findings.error(file, `manifest state: ${p}`, at);
  return problems.length === 0;
}

/** Tombstones of each segment must be strictly ascending (decodeManifest checks their range). */
function checkTombstones(manifest: Manifest, bytes: Uint8Array, file: string, findings: Findings): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Layout (manifest.md): header 16 B, state section (8 B + body), tombstone section (8 B + body).
  let at = 16 + 8 + view.getUint32(16, true) + 8;
  manifest.tombstones.forEach((rows, i) => {
    for (let j = 1; j < rows.length; j++) {
      if (rows[j] <= rows[j - 1]) {
        findings.error(file, `tombstones of segment ${manifest.state.segments[i].id} are not strictly ascending (${rows[j - 1]} then ${rows[j]})`, at + 4 + j * 4);
        break;
      }
    }
    at += 4 + rows.length * 4;
  });
}
