import { copyNodeLinks } from '../../format/graph-load.js';
import { PAGE_BYTES, pageCount } from '../../format/page-checksums.js';
import { populatePages } from '../../fs/mmap.js';
import type { GraphKernels } from '../../kernels/kernels.js';
import type { PagedVectors } from '../../storage/paged-vectors.js';
import type { HnswGraph } from './hnsw-graph.js';
import type { WalkGraph, WasmLevel } from './hnsw-search-layer.js';

/** Vector bytes a background step loads: ≈ 1–3 ms of the event loop per step. */
const STEP_BYTES = 1 << 20;

/**
 * An HNSW graph whose vectors and level-0/upper links are copied into
 * kernel memory as they are first needed, opened without waiting for them
 * (docs/format/segment.md, "Page checksums"): a query walks the graph as
 * soon as the segment is open, and every node it reaches gets its links
 * and every row it scores gets its vector — the file's 4 KiB pages that
 * hold it, each checked against its CRC-32 — just before use. Meanwhile
 * the rest is loaded in the background, 1 MiB of vectors per event-loop
 * turn, and once all is in, the index walks in WebAssembly as an eagerly
 * loaded one does.
 *
 * As a {@link WalkGraph} it runs the JavaScript walk of
 * hnsw-search-layer.ts (the reference the WebAssembly walk is tested
 * against: same visits, same heaps, same distances from the same kernels),
 * so results equal an eager open's, id for id and bit for bit.
 *
 * A page that fails its checksum fails the query or load that reached it
 * (CorruptionError, file + offset of the page), and every later use of the
 * index, before any result computed from it is returned.
 */
export class PagedLoad implements WalkGraph {
  private readonly rowBytes: number;
  private readonly pageReady: Uint8Array;
  /** 1 once a row's vector is checked and its cosine norm computed. */
  private readonly rowReady: Uint8Array;
  private readonly linksReady: Uint8Array;
  private readonly stepRows: number;
  private nextRow = 0;
  private failure: unknown = null;
  private timer: NodeJS.Timeout | null = null;
  private finished = false;

  /**
   * `blocks` / `blockOffsets`: the graph section's parsed links
   * (parseGraphLinks), `levels` its node levels; held until every node is
   * loaded. `onComplete` runs once, when every row and link is in.
   */
  constructor(
    private readonly graph: HnswGraph,
    private readonly source: PagedVectors,
    private readonly blocks: Int32Array,
    private readonly blockOffsets: Int32Array,
    private readonly levels: Uint8Array,
    private readonly onComplete: () => void,
  ) {
    const rows = graph.size;
    this.rowBytes = graph.rows.dimension * 4;
    this.pageReady = new Uint8Array(pageCount(source.lengthBytes));
    this.rowReady = new Uint8Array(rows);
    this.linksReady = new Uint8Array(rows);
    this.stepRows = Math.max(1, Math.floor(STEP_BYTES / Math.max(1, this.rowBytes)));
  }

  /** True once every row and link is loaded (or the load was stopped). */
  get complete(): boolean {
    return this.finished;
  }

  /**
   * Starts loading the rest in the background, one step per timer tick (≈ 1 ms apart when the process is idle);
   * the timer does not keep the process alive. A timer, not an immediate: an unref'd immediate does not wake an
   * idle event loop, so a process waiting on I/O would load nothing and keep answering with the slower JS walk.
   */
  start(): void {
    if (this.finished || this.timer !== null) return;
    if (this.graph.size === 0) return this.finish();
    this.timer = setTimeout(() => {
      this.timer = null;
      try {
        this.step();
      } catch (error) {
        // Kept for the next use of the index, which throws it; nothing else is loaded.
        this.fail(error);
        return;
      }
      this.start();
    }, 0);
    this.timer.unref();
  }

  /** Loads every row and link not loaded yet, now. Throws CorruptionError (or the Vfs's error). */
  loadAll(): void {
    this.stop();
    while (!this.finished) this.step();
  }

  /** Row `row`'s vector, checked, in kernel memory. Throws CorruptionError (or the Vfs's error). */
  ensureRow(row: number): void {
    if (this.rowReady[row] === 1) return;
    this.throwIfFailed();
    const start = row * this.rowBytes;
    this.loadPages(Math.floor(start / PAGE_BYTES), Math.floor((start + this.rowBytes - 1) / PAGE_BYTES) + 1);
    this.rowReady[row] = 1;
    this.graph.rows.rowsWritten(row, 1);
  }

  /** Stops the background load and closes the file; the index must not be searched afterwards. */
  dispose(): void {
    this.stop();
    this.finished = true;
    this.source.close();
  }

  // WalkGraph: the graph's own, with every node's links and every scored row loaded first.

  get memory(): { readonly i32: Int32Array; readonly f32: Float32Array; readonly graphKernels: GraphKernels | null; setAccept(accept: (row: number) => boolean): void } {
    return this.graph.memory;
  }

  linkArray(level: number): Int32Array {
    return this.graph.linkArray(level);
  }

  linkIndex(node: number, level: number): number {
    if (this.linksReady[node] === 0) this.loadLinks(node);
    return this.graph.linkIndex(node, level);
  }

  /** null: the JavaScript walk, which loads what it reaches (the WebAssembly walk cannot call out per node). */
  wasmLevel(): WasmLevel | null {
    return null;
  }

  useScorer(walk: GraphKernels): void {
    this.graph.useScorer(walk);
  }

  gather(ids: number, count: number, out: number): void {
    const i32 = this.graph.memory.i32;
    for (let j = 0, at = ids >> 2; j < count; j++) this.ensureRow(i32[at + j]);
    this.graph.gather(ids, count, out);
  }

  visitedIndex(): number {
    return this.graph.visitedIndex();
  }

  nextVisitTag(): number {
    return this.graph.nextVisitTag();
  }

  candidatesOffset(): number {
    return this.graph.candidatesOffset();
  }

  resultsOffset(): number {
    return this.graph.resultsOffset();
  }

  private loadLinks(node: number): void {
    copyNodeLinks(this.graph, this.blocks, this.blockOffsets, node, this.levels[node]);
    this.linksReady[node] = 1;
  }

  /** Reads and checks the pages in [from, to) not loaded yet, each run of them with one read. */
  private loadPages(from: number, to: number): void {
    const bytes = this.graph.rows.vectorBytesView();
    for (let page = from; page < to; ) {
      if (this.pageReady[page] === 1) {
        page++;
        continue;
      }
      let end = page + 1;
      while (end < to && this.pageReady[end] === 0) end++;
      try {
        this.source.readPages(page, end - page, bytes.subarray(page * PAGE_BYTES, Math.min(end * PAGE_BYTES, bytes.byteLength)));
      } catch (error) {
        this.fail(error);
        throw error;
      }
      this.pageReady.fill(1, page, end);
      page = end;
    }
  }

  /** Loads the next `stepRows` rows (vectors and links); finishes after the last. */
  private step(): void {
    this.throwIfFailed();
    const rows = this.graph.size;
    const first = this.nextRow;
    const end = Math.min(rows, first + this.stepRows);
    const vectors = this.graph.rows.vectorBytesView();
    // Mapped in one call rather than faulted a page at a time (see populatePages); the links region alike.
    populatePages(vectors.subarray(first * this.rowBytes, end * this.rowBytes));
    const links = this.graph.linkIndex(0, 0) * 4;
    const linkBytes = this.graph.stride0 * 4;
    populatePages(this.graph.memory.u8.subarray(links + first * linkBytes, links + end * linkBytes));
    this.loadPages(Math.floor((first * this.rowBytes) / PAGE_BYTES), Math.ceil((end * this.rowBytes) / PAGE_BYTES));
    for (let row = first; row < end; row++) {
      if (this.rowReady[row] === 0) {
        this.rowReady[row] = 1;
        this.graph.rows.rowsWritten(row, 1);
      }
      if (this.linksReady[row] === 0) this.loadLinks(row);
    }
    this.nextRow = end;
    if (end === rows) this.finish();
  }

  private finish(): void {
    this.finished = true;
    this.source.close();
    this.onComplete();
  }

  private stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Records the load's failure (every later use throws it), stops the background load and closes the file. */
  private fail(error: unknown): void {
    this.failure = error;
    this.stop();
    try {
      this.source.close();
    } catch {
      // The load's own failure is what is reported; a close that fails too (the disk gone) adds nothing.
    }
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
  }
}
