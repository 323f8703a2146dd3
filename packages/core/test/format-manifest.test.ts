/**
 * MANIFEST files byte for byte as docs/format/manifest.md lays them out — a
 * header, then the state (JSON) and tombstones sections, each with its length
 * and CRC-32 — and the decoder's CorruptionError offsets.
 */
import { describe, expect, it } from 'vitest';
import { decodeManifest, encodeManifest, MANIFEST_AT, type Manifest } from '../src/format/manifest.js';
import { concat, corruptionAt, crc, hex, magic, patched, u32 } from './helpers/golden-bytes.js';

const FILE = 'collections/c1/MANIFEST-00000000000000000003';

const MANIFEST: Manifest = {
  state: {
    id: 'c1',
    name: 'docs',
    dimension: 2,
    metric: 'l2',
    metadata: null,
    hnsw: { M: 16, efConstruction: 200, efSearch: 64 },
    checkpointLsn: 9,
    nextSegmentId: 3,
    segments: [
      { id: 1, rows: 4 },
      { id: 2, rows: 2 },
    ],
  },
  tombstones: [Uint32Array.of(1, 3), Uint32Array.of()],
};

/** Section: length, CRC-32 of the body, body. */
const section = (body: Uint8Array) => concat(u32(body.byteLength), crc(body), body);
const json = new TextEncoder().encode(
  '{"id":"c1","name":"docs","dimension":2,"metric":"l2","metadata":null,"hnsw":{"M":16,"efConstruction":200,"efSearch":64},"checkpointLsn":9,"nextSegmentId":3,"segments":[{"id":1,"rows":4},{"id":2,"rows":2}]}',
);
// Per segment in order: u32 count, then the row offsets.
const tombstones = concat(u32(2), u32(1), u32(3), u32(0));
const expected = concat(magic('OMENMANI'), u32(1), u32(2), section(json), section(tombstones));
const stateAt = MANIFEST_AT.sections;
const tombstonesAt = stateAt + 8 + json.byteLength;

describe('manifest (manifest.md)', () => {
  it('header, state and tombstones sections, byte for byte', () => {
    expect(hex(encodeManifest(MANIFEST))).toBe(hex(expected));
    const decoded = decodeManifest(expected, FILE);
    expect(decoded.state).toEqual(MANIFEST.state);
    expect(decoded.tombstones).toEqual(MANIFEST.tombstones);
  });

  const withTombstones = (body: Uint8Array) => concat(magic('OMENMANI'), u32(1), u32(2), section(json), section(body));
  const cases: [string, Uint8Array, number][] = [
    ['bad magic', patched(expected, 0, magic('OMENMANX')), 0],
    ['a truncated header', expected.subarray(0, 12), MANIFEST_AT.version],
    ['another version', patched(expected, MANIFEST_AT.version, u32(2)), MANIFEST_AT.version],
    ['another section count', patched(expected, MANIFEST_AT.sectionCount, u32(3)), MANIFEST_AT.sectionCount],
    ['a state checksum mismatch', patched(expected, stateAt + 8 + 2, Uint8Array.of(0x20)), stateAt],
    ['a section running past the end', expected.subarray(0, expected.byteLength - 1), tombstonesAt],
    ['trailing bytes', concat(expected, Uint8Array.of(0)), expected.byteLength],
    ['state that is not JSON', concat(magic('OMENMANI'), u32(1), u32(2), section(Uint8Array.of(0x7b)), section(tombstones)), stateAt + 8],
    ['a tombstone row out of range', withTombstones(concat(u32(1), u32(4), u32(0))), tombstonesAt + 8 + 4],
    ['tombstone rows not ascending', withTombstones(concat(u32(2), u32(3), u32(1), u32(0))), tombstonesAt + 8 + 8],
    ['tombstones missing a segment', withTombstones(concat(u32(1), u32(0))), tombstonesAt + 8 + 8],
    ['tombstone bytes left over', withTombstones(concat(tombstones, u32(0))), tombstonesAt + 8 + tombstones.byteLength],
  ];
  it.each(cases)('raises CorruptionError for %s, at its offset', (_, bytes, offset) => {
    expect(corruptionAt(FILE, () => decodeManifest(bytes, FILE))).toBe(offset);
  });

  const stateWith = (extra: Record<string, unknown>) =>
    concat(magic('OMENMANI'), u32(1), u32(2), section(new TextEncoder().encode(JSON.stringify({ ...MANIFEST.state, ...extra }))), section(tombstones));
  it('keeps a sparse record; a malformed one is CorruptionError at the state', () => {
    const sparse = { key: 'sparse_embedding', source: 'document', bm25: true, embeddingFunction: { name: 'chroma_bm25', config: { k: 1.2 } } };
    expect(decodeManifest(stateWith({ sparse }), FILE).state.sparse).toEqual(sparse);
    for (const bad of [{ ...sparse, key: '' }, { ...sparse, source: 'metadata' }, { ...sparse, bm25: 'yes' }, { ...sparse, embeddingFunction: { config: {} } }, 'sparse']) {
      expect(corruptionAt(FILE, () => decodeManifest(stateWith({ sparse: bad }), FILE)), JSON.stringify(bad)).toBe(stateAt + 8);
    }
  });
});
