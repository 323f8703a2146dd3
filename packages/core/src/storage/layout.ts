import { join } from 'node:path';

/** Paths of a database directory (docs/format/README.md). */
export const layout = {
  lock: (dir: string) => join(dir, 'LOCK'),
  formatFile: (dir: string) => join(dir, 'FORMAT'),
  catalog: (dir: string) => join(dir, 'CATALOG'),
  collections: (dir: string) => join(dir, 'collections'),
  collection: (dir: string, id: string) => join(dir, 'collections', id),
  wal: (collectionDir: string) => join(collectionDir, 'wal'),
  segments: (collectionDir: string) => join(collectionDir, 'segments'),
  segmentDir: (collectionDir: string, segmentId: number) => join(collectionDir, 'segments', String(segmentId)),
  segmentFile: (collectionDir: string, segmentId: number) =>
    join(collectionDir, 'segments', String(segmentId), 'segment.bin'),
};
