/**
 * Open reads only regular files (database.md, "Regular files only"): a FIFO,
 * a symlink to /dev/zero or a directory in place of FORMAT, CATALOG,
 * MANIFEST, a WAL file or a segment is a CorruptionError naming that path,
 * for open and for `omendb verify` alike — never an open that blocks on the
 * FIFO or reads /dev/zero without end (either would time this test out).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorruptionError, OmenDB } from '../src/index.js';
import { verifyDatabase } from '../src/cli/verify/verify-database.js';
import { NodeVfs } from '../src/fs/node-vfs.js';
import { tempDir } from './helpers/tmp.js';

let dir: string;
let cleanup: () => void;
let n = 0;

/** A fresh database with a segment and WAL records; returns its directory. */
async function database(): Promise<string> {
  const db = join(dir, `db${n++}`);
  const handle = await OmenDB.open(db);
  const col = await handle.createCollection({ name: 'c', dimension: 4 });
  await col.add({ ids: ['a', 'b'], embeddings: [[1, 2, 3, 4], [4, 3, 2, 1]] });
  await handle.checkpoint();
  await col.add({ ids: ['c'], embeddings: [[0, 1, 0, 1]] });
  await handle.close();
  return db;
}

const targets: Record<string, (db: string) => string> = {
  FORMAT: (db) => join(db, 'FORMAT'),
  CATALOG: (db) => join(db, 'CATALOG'),
  MANIFEST: (db) => {
    const c = collection(db);
    return join(c, readdirSync(c).find((f) => f.startsWith('MANIFEST-'))!);
  },
  WAL: (db) => join(collection(db), 'wal', readdirSync(join(collection(db), 'wal'))[0]),
  segment: (db) => {
    const segments = join(collection(db), 'segments');
    return join(segments, readdirSync(segments)[0], 'segment.bin');
  },
};

function collection(db: string): string {
  return join(db, 'collections', readdirSync(join(db, 'collections'))[0]);
}

const replacements: Record<string, (path: string) => void> = {
  FIFO: (path) => {
    const r = spawnSync('mkfifo', [path]);
    if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`);
  },
  'symlink to /dev/zero': (path) => symlinkSync('/dev/zero', path),
  directory: (path) => mkdirSync(path),
};

beforeAll(() => ({ dir, cleanup } = tempDir('omendb-regular-')));
afterAll(() => cleanup());

describe('only regular files are opened', () => {
  for (const [target, pathOf] of Object.entries(targets)) {
    for (const [kind, replace] of Object.entries(replacements)) {
      it(`${kind} in place of ${target}: CorruptionError naming it, from open and from verify`, async () => {
        const db = await database();
        const path = pathOf(db);
        rmSync(path);
        replace(path);
        const err = await OmenDB.open(db).then(
          (opened) => opened.close().then(() => undefined),
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(CorruptionError);
        expect((err as CorruptionError).file).toBe(path);
        const report = verifyDatabase(new NodeVfs(), db);
        expect(report.problems.filter((p) => p.severity === 'error').map((p) => p.file)).toContain(path);
      });
    }
  }

  it('a FIFO in place of LOCK does not block the open: it is stale, not held', async () => {
    const db = await database();
    rmSync(join(db, 'LOCK'), { force: true });
    replacements.FIFO(join(db, 'LOCK'));
    const outcome = await OmenDB.open(db).then(
      async (opened) => {
        await opened.close();
        return 'opened';
      },
      (e: unknown) => (e as Error).name,
    );
    expect(outcome).toBe('opened');
  });
});
