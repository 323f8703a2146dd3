import type { Collection } from '../../src/index.js';
import type { CollectionStore } from '../../src/storage/collection-store.js';

/** The store behind a collection (a test's reach past the public API: its state, segments and merger). */
export function storeOf(col: Collection): CollectionStore {
  return (col as unknown as { store: CollectionStore }).store;
}
