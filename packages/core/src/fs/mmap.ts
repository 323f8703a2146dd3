import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as fs from 'node:fs';
import { openRegularFile } from './regular-file.js';

/**
 * Largest mapping the binding makes: `@riaskov/mmap-io` maps regions under
 * 2 GiB at offsets under 2 GiB. A larger file is read with positional reads.
 */
export const MAX_MAPPING_BYTES = 2 ** 31 - 2 ** 16;

/** Linux's MADV_HUGEPAGE (asm-generic/mman-common.h); the binding names only the POSIX advice values. */
const MADV_HUGEPAGE = 14;
const PAGE_BYTES = 4096;
const HUGE_PAGE_BYTES = 2 << 20;

interface MmapBinding {
  map(size: number, protection: number, flags: number, fd: number, offset?: number, advise?: number): Buffer;
  advise(buffer: Buffer, advise: number): void;
  PROT_READ: number;
  MAP_SHARED: number;
  MADV_RANDOM: number;
  MADV_DONTNEED: number;
}

let binding: MmapBinding | null | undefined;

/**
 * The native mmap binding, or null where it is not installed or does not load.
 * The compiled addon is loaded straight from where its install put it
 * (`build/binding/Release/node-v<abi>-<platform>-<arch>/`): the package's
 * entry finds it through @mapbox/node-pre-gyp, whose loading costs ≈ 170 ms
 * of CPU per process (measured, Node 20 on the 2-core bench VM) against
 * 3–6 ms for the addon itself — more than mapping and checking a segment of
 * 100k rows. The entry is the fallback where the addon is elsewhere.
 */
function mmapBinding(): MmapBinding | null {
  if (binding !== undefined) return binding;
  // createRequire: the binding is CommonJS, and this module is bundled to both ESM and CJS.
  const require = createRequire(import.meta.url);
  try {
    const root = dirname(require.resolve('@riaskov/mmap-io/package.json'));
    const addon = join(root, 'build', 'binding', 'Release', `node-v${process.versions.modules}-${process.platform}-${process.arch}`, 'mmap_io.node');
    if (fs.existsSync(addon)) {
      binding = require(addon) as MmapBinding;
      return binding;
    }
  } catch {
    // Fall back to the package's entry below.
  }
  try {
    const required = require('@riaskov/mmap-io') as MmapBinding & { default?: MmapBinding };
    binding = required.default ?? required;
  } catch {
    binding = null;
  }
  return binding;
}

/**
 * Maps the whole file at `path` read-only (MAP_SHARED, MADV_RANDOM): its
 * pages come from the OS page cache as they are touched and are unmapped
 * when the returned buffer is garbage-collected. The file must not change
 * while mapped. Returns null when the binding is unavailable, or the file is
 * empty or too large for one mapping ({@link MAX_MAPPING_BYTES}); throws
 * the file system's error when the file cannot be opened, CorruptionError
 * when it is not a regular file.
 *
 * Node counts a mapping in `process.memoryUsage().external` at its full
 * length, though only touched pages are resident and the kernel may drop
 * them again at any time (they are clean file pages).
 */
export function mapFileReadOnly(path: string): Uint8Array | null {
  const mmap = mmapBinding();
  if (mmap === null) return null;
  const fd = openRegularFile(path, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0 || size > MAX_MAPPING_BYTES) return null;
    // The mapping outlives the descriptor (POSIX mmap(2)).
    return mmap.map(size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0, mmap.MADV_RANDOM);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Asks Linux to back the pages of `bytes` with transparent huge pages
 * (madvise(2) MADV_HUGEPAGE) before they are first written: filling fresh
 * memory then takes one page fault per 2 MiB instead of one per 4 KiB.
 * Measured on this project's 2-core Linux VM (THP mode `madvise`, the
 * default of several distributions), writing 128 MiB into a fresh
 * WebAssembly memory: 436 ms CPU with 4 KiB pages, 78 ms with the advice.
 * A hint, nothing more: a no-op off Linux, without the binding, for less
 * than one huge page, or where the kernel refuses (a buffer whose start is
 * not page-aligned: WebAssembly memories are mapped, so theirs is). Never
 * throws; the contents are unchanged.
 */
export function adviseHugePages(bytes: Uint8Array): void {
  if (process.platform !== 'linux' || bytes.byteLength < HUGE_PAGE_BYTES) return;
  const mmap = mmapBinding();
  if (mmap === null) return;
  // madvise takes a page-aligned start: the view's offset is rounded up to a page of its buffer.
  const start = Math.ceil(bytes.byteOffset / PAGE_BYTES) * PAGE_BYTES;
  const end = bytes.byteOffset + bytes.byteLength;
  if (end - start < HUGE_PAGE_BYTES) return;
  try {
    mmap.advise(Buffer.from(bytes.buffer, start, end - start), MADV_HUGEPAGE);
  } catch {
    // EINVAL (an unaligned buffer, a kernel without THP): the pages stay small.
  }
}

/**
 * Drops the pages of a read-only file mapping from the process's page
 * tables (madvise(2) MADV_DONTNEED): they leave its RSS but stay in the
 * OS page cache, and reading the mapping again pages them back in, the
 * same bytes (the file is not written while mapped). For a mapping read
 * once (a segment's sections at open) that lives on until it is collected.
 * A no-op without the binding; never throws.
 */
export function releaseMappedPages(mapping: Uint8Array): void {
  const mmap = mmapBinding();
  if (mmap === null || !Buffer.isBuffer(mapping)) return;
  try {
    mmap.advise(mapping, mmap.MADV_DONTNEED);
  } catch {
    // The pages stay mapped until the mapping is collected.
  }
}

/** madvise(2) MADV_POPULATE_WRITE (Linux ≥ 5.14): not among the binding's constants. */
const MADV_POPULATE_WRITE = 23;

/**
 * Asks Linux to map the pages of `bytes` writable in one call (madvise(2)
 * MADV_POPULATE_WRITE) before they are written, instead of one fault per
 * 4 KiB page as they are: on a VM each fault also traps to the host. For
 * fresh memory that cannot use huge pages (written in scattered pieces
 * first, as a segment's pages are when queries load them). Measured on this
 * project's 2-core VM, writing 512 MiB of a fresh WebAssembly memory 1 MiB at
 * a time: 1.7–2.0 s CPU, 0.96–1.08 s after populating each MiB first. A
 * hint: a no-op off Linux, without the binding, or where the kernel
 * refuses (older than 5.14: EINVAL); never throws; the contents are unchanged.
 */
export function populatePages(bytes: Uint8Array): void {
  if (process.platform !== 'linux' || bytes.byteLength < PAGE_BYTES) return;
  const mmap = mmapBinding();
  if (mmap === null || populateRefused) return;
  const start = Math.ceil(bytes.byteOffset / PAGE_BYTES) * PAGE_BYTES;
  const end = Math.floor((bytes.byteOffset + bytes.byteLength) / PAGE_BYTES) * PAGE_BYTES;
  if (end <= start) return;
  try {
    mmap.advise(Buffer.from(bytes.buffer, start, end - start), MADV_POPULATE_WRITE);
  } catch {
    // An older kernel: stop asking.
    populateRefused = true;
  }
}

let populateRefused = false;
