import type { VectorIndex } from '../index/types.js';

const utf8 = new TextEncoder();

/**
 * Recent writes, in memory and searchable at once. Rows are appended; an
 * overwritten or deleted row is marked dead and stays until the memtable is
 * sealed into a segment at the next checkpoint.
 */
export class Memtable {
  readonly ids: string[] = [];
  /** MessagePack-encoded metadata per row, null for none. */
  readonly metadata: (Uint8Array | null)[] = [];
  readonly documents: (string | null)[] = [];
  private live = new Uint8Array(64);
  private readonly rowOf = new Map<string, number>();
  private liveRows = 0;
  private contentBytes = 0;

  constructor(readonly index: VectorIndex) {}

  get rows(): number {
    return this.ids.length;
  }

  get liveCount(): number {
    return this.liveRows;
  }

  append(id: string, vector: Float32Array, metadata: Uint8Array | null, document: string | null): number {
    const row = this.index.add(vector);
    this.ids.push(id);
    this.metadata.push(metadata);
    this.documents.push(document);
    if (row >= this.live.length) {
      const grown = new Uint8Array(this.live.length * 2);
      grown.set(this.live);
      this.live = grown;
    }
    this.live[row] = 1;
    this.rowOf.set(id, row);
    this.liveRows++;
    this.contentBytes += utf8Length(id) + (metadata?.byteLength ?? 0) + (document === null ? 0 : utf8Length(document));
    return row;
  }

  /** The live row of `id`, or −1. */
  find(id: string): number {
    return this.rowOf.get(id) ?? -1;
  }

  isLive(row: number): boolean {
    return this.live[row] === 1;
  }

  kill(row: number): void {
    if (this.live[row] !== 1) return;
    this.live[row] = 0;
    this.rowOf.delete(this.ids[row]);
    this.liveRows--;
  }

  /**
   * Bytes held: the index's vectors and graph, the encoded ids, metadata and
   * documents, the liveness flags, and the id map's entries counted as the id
   * bytes plus two 8-byte slots each (V8's hash map keeps a key and a value
   * pointer per entry).
   */
  memoryBytes(): { vectors: number; graph: number; content: number } {
    const index = this.index.memoryBytes();
    return {
      vectors: index.vectors,
      graph: index.graph,
      content: this.contentBytes + this.live.byteLength + this.rowOf.size * 16,
    };
  }
}

function utf8Length(s: string): number {
  // Fast path: most ids and documents are ASCII, where length is the byte count.
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return utf8.encode(s).byteLength;
  return s.length;
}
