import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockError, OmenDB } from '../src/index.js';
import { tempDir } from './helpers/tmp.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const script = (body: string) => `import { OmenDB } from ${JSON.stringify(new URL('../src/index.ts', import.meta.url).pathname)};\n${body}`;

describe('single writer', () => {
  it('refuses a second open in the same process, and allows it after close', async () => {
    const db = await OmenDB.open(dir);
    await expect(OmenDB.open(dir)).rejects.toBeInstanceOf(LockError);
    await db.close();
    const again = await OmenDB.open(dir);
    await again.close();
  });

  it('refuses an open from another process while held', async () => {
    const db = await OmenDB.open(dir);
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(`
      try { await OmenDB.open(${JSON.stringify(dir)}); console.log('opened'); }
      catch (e) { console.log(e.code); }`)], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('LOCKED');
    await db.close();
  });

  it('takes over the lock of a killed process', async () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(`
      await OmenDB.open(${JSON.stringify(dir)}); console.log('held'); setInterval(() => {}, 1000);`)], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => proc.stdout.once('data', () => resolve()));
    expect(existsSync(join(dir, 'LOCK'))).toBe(true);
    await expect(OmenDB.open(dir)).rejects.toBeInstanceOf(LockError);
    proc.kill('SIGKILL');
    await new Promise((r) => proc.once('exit', r));
    const db = await OmenDB.open(dir);
    await db.close();
  });
});
