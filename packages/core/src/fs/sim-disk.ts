/**
 * An in-memory disk that keeps two states of every file and directory: what a
 * running process sees (the page cache), and what is on stable storage. Only
 * an fsync moves changes from the first to the second — `fdatasync` for a
 * file's bytes and size, `fsyncDirectory` for a directory's entries, exactly
 * as POSIX promises and no more (a new file's name is not durable until its
 * directory is synced). `powerLoss()` throws the page cache away.
 *
 * Used through {@link SimVfs} to test that every acknowledged write survives a
 * power loss at any point, on one machine and in milliseconds.
 *
 * What a power loss keeps of the changes not yet synced:
 * - `'drop'`: nothing — each file and directory reverts to its last synced state;
 * - `'random'`: each file and directory keeps a random prefix of its unsynced
 *   changes, in order; a file's first dropped write may be torn (a random
 *   prefix of its bytes kept, and the file possibly extended with zeros over
 *   the rest, as when a size update reaches the disk before the data).
 * Not modelled: unsynced writes persisting out of order within one file, and
 * damage to data that was synced (the corruption tests cover that).
 */

export type PowerLossMode = 'drop' | 'random';

export interface PowerLossOptions {
  mode: PowerLossMode;
  /** Uniform [0, 1) source for `'random'`; pass a seeded one so a failure can be replayed. */
  random?: () => number;
}

type FileChange =
  | { seq: number; kind: 'write'; position: number; bytes: Uint8Array }
  | { seq: number; kind: 'truncate'; lengthBytes: number };

type DirChange =
  | { seq: number; kind: 'set'; name: string; node: SimNode }
  | { seq: number; kind: 'delete'; name: string }
  | { seq: number; kind: 'rename'; from: string; to: string; node: SimNode };

export type SimNode = SimFile | SimDir;

/** A growable byte array changed in place, so syncing n appends costs O(bytes appended), not O(n · file). */
class Bytes {
  private buffer = new Uint8Array(0);
  private length = 0;

  get size(): number {
    return this.length;
  }

  view(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  apply(change: FileChange): void {
    if (change.kind === 'truncate') return this.resize(change.lengthBytes);
    const end = change.position + change.bytes.byteLength;
    if (end > this.length) this.resize(end);
    this.buffer.set(change.bytes, change.position);
  }

  /** Sets the length; bytes gained read as zeros, as in a sparse file. */
  private resize(lengthBytes: number): void {
    if (lengthBytes > this.buffer.byteLength) {
      const grown = new Uint8Array(Math.max(lengthBytes, this.buffer.byteLength * 2));
      grown.set(this.view());
      this.buffer = grown;
    } else if (lengthBytes > this.length) {
      this.buffer.fill(0, this.length, lengthBytes);
    }
    this.length = lengthBytes;
  }

  static of(bytes: Uint8Array): Bytes {
    const b = new Bytes();
    b.apply({ seq: 0, kind: 'write', position: 0, bytes });
    return b;
  }
}

/** A regular file: its visible bytes, its stable bytes, and the changes in between. */
export class SimFile {
  readonly kind = 'file';
  private visible = new Bytes();
  private stable = new Bytes();
  private pending: FileChange[] = [];

  get size(): number {
    return this.visible.size;
  }

  /** The visible bytes (a view; copy to keep). */
  content(): Uint8Array {
    return this.visible.view();
  }

  get unsyncedChanges(): number {
    return this.pending.length;
  }

  write(seq: number, position: number, data: Uint8Array): void {
    const change: FileChange = { seq, kind: 'write', position, bytes: data.slice() };
    this.visible.apply(change);
    this.pending.push(change);
  }

  truncate(seq: number, lengthBytes: number): void {
    const change: FileChange = { seq, kind: 'truncate', lengthBytes };
    this.visible.apply(change);
    this.pending.push(change);
  }

  /** Makes every change numbered ≤ `uptoSeq` stable (what fdatasync did when it started). */
  sync(uptoSeq: number): void {
    let n = 0;
    while (n < this.pending.length && this.pending[n].seq <= uptoSeq) this.stable.apply(this.pending[n++]);
    this.pending.splice(0, n);
  }

  /** The bytes a power loss leaves (see the module comment). */
  survivor(options: PowerLossOptions): Uint8Array {
    if (options.mode === 'drop' || this.pending.length === 0) return this.stable.view().slice();
    const rand = randomOf(options);
    const bytes = Bytes.of(this.stable.view());
    const kept = Math.floor(rand() * (this.pending.length + 1));
    for (let i = 0; i < kept; i++) bytes.apply(this.pending[i]);
    const torn = this.pending[kept];
    if (torn?.kind === 'write' && rand() < 0.5) {
      const cut = Math.floor(rand() * (torn.bytes.byteLength + 1));
      bytes.apply({ ...torn, bytes: torn.bytes.subarray(0, cut) });
      const end = torn.position + torn.bytes.byteLength;
      if (rand() < 0.5 && end > bytes.size) bytes.apply({ seq: 0, kind: 'truncate', lengthBytes: end });
    }
    return bytes.view().slice();
  }

  /** Replaces both states with `bytes` (after a power loss, or in a disk copy). */
  reset(bytes: Uint8Array): void {
    this.visible = Bytes.of(bytes);
    this.stable = Bytes.of(bytes);
    this.pending = [];
  }
}

/** A directory: its visible entries, its stable entries, and the changes in between. */
export class SimDir {
  readonly kind = 'dir';
  readonly entries = new Map<string, SimNode>();
  private stable = new Map<string, SimNode>();
  private pending: DirChange[] = [];

  get unsyncedChanges(): number {
    return this.pending.length;
  }

  set(seq: number, name: string, node: SimNode): void {
    this.entries.set(name, node);
    this.pending.push({ seq, kind: 'set', name, node });
  }

  delete(seq: number, name: string): void {
    this.entries.delete(name);
    this.pending.push({ seq, kind: 'delete', name });
  }

  /** A rename inside this directory: one change, so a power loss keeps it whole or not at all. */
  rename(seq: number, from: string, to: string): void {
    const node = this.entries.get(from)!;
    this.entries.delete(from);
    this.entries.set(to, node);
    this.pending.push({ seq, kind: 'rename', from, to, node });
  }

  sync(uptoSeq: number): void {
    let n = 0;
    while (n < this.pending.length && this.pending[n].seq <= uptoSeq) applyDirChange(this.stable, this.pending[n++]);
    this.pending.splice(0, n);
  }

  survivor(options: PowerLossOptions): Map<string, SimNode> {
    const entries = new Map(this.stable);
    const kept = options.mode === 'drop' ? 0 : Math.floor(randomOf(options)() * (this.pending.length + 1));
    for (let i = 0; i < kept; i++) applyDirChange(entries, this.pending[i]);
    return entries;
  }

  reset(entries: Map<string, SimNode>): void {
    this.entries.clear();
    for (const [name, node] of entries) this.entries.set(name, node);
    this.stable = new Map(entries);
    this.pending = [];
  }
}

/** The disk: a root directory, a change counter, and the number of power losses so far. */
export class SimDisk {
  readonly root = new SimDir();
  private seq = 0;
  private losses = 0;

  /** Numbers changes so that an fsync makes exactly those made before it started stable. */
  nextSeq(): number {
    return ++this.seq;
  }

  get currentSeq(): number {
    return this.seq;
  }

  /** Power losses so far; a {@link SimVfs} mounted before the last one refuses every call. */
  get epoch(): number {
    return this.losses;
  }

  /** Cuts the power: everything not on stable storage is lost (see the module comment). */
  powerLoss(options: PowerLossOptions): void {
    this.losses++;
    const files = new Map<SimFile, Uint8Array>();
    const dirs = new Map<SimDir, Map<string, SimNode>>();
    const visit = (dir: SimDir) => {
      if (dirs.has(dir)) return;
      const entries = dir.survivor(options);
      dirs.set(dir, entries);
      for (const node of entries.values()) {
        if (node.kind === 'dir') visit(node);
        else if (!files.has(node)) files.set(node, node.survivor(options));
      }
    };
    visit(this.root);
    for (const [dir, entries] of dirs) dir.reset(entries);
    for (const [file, bytes] of files) file.reset(bytes);
  }

  /** A copy of what a process sees now, as a disk whose every byte is stable (an image taken after a sync). */
  clone(): SimDisk {
    const copy = new SimDisk();
    const copyDir = (from: SimDir, to: SimDir) => {
      const entries = new Map<string, SimNode>();
      for (const [name, node] of from.entries) {
        if (node.kind === 'dir') {
          const d = new SimDir();
          copyDir(node, d);
          entries.set(name, d);
        } else {
          const f = new SimFile();
          f.reset(node.content());
          entries.set(name, f);
        }
      }
      to.reset(entries);
    };
    copyDir(this.root, copy.root);
    return copy;
  }
}

function applyDirChange(entries: Map<string, SimNode>, change: DirChange): void {
  if (change.kind === 'set') entries.set(change.name, change.node);
  else if (change.kind === 'delete') entries.delete(change.name);
  else {
    entries.delete(change.from);
    entries.set(change.to, change.node);
  }
}

function randomOf(options: PowerLossOptions): () => number {
  if (!options.random) throw new Error("power loss mode 'random' needs a random source");
  return options.random;
}
