import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The offline guarantee, tested for real: the child process runs in a new
// network namespace (`unshare -n`, needs root or user namespaces), where no
// interface but a downed loopback exists, so any fetch of the model would fail.
const probe = spawnSync('unshare', ['-n', 'true']);
const canUnshare = probe.status === 0;
if (!canUnshare) {
  console.warn(`offline test skipped: 'unshare -n' is unavailable here (${probe.error?.message ?? probe.stderr.toString().trim()})`);
}

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));

const script = `
import os from 'node:os';
import { DefaultEmbeddingFunction } from ${JSON.stringify(entry)};
const external = Object.values(os.networkInterfaces()).flat().filter((i) => i && !i.internal);
let reachable = true;
try { await fetch('http://1.1.1.1', { signal: AbortSignal.timeout(3000) }); } catch { reachable = false; }
const v = await new DefaultEmbeddingFunction().generate(['no network needed', 'a cat naps on the couch']);
console.log(JSON.stringify({ external: external.length, reachable, n: v.length, dim: v[0].length }));
`;

describe.skipIf(!canUnshare)('offline', () => {
  it('embeds with the network cut off', () => {
    const run = spawnSync('unshare', ['-n', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout.trim().split('\n').pop()!);
    expect(out).toEqual({ external: 0, reachable: false, n: 2, dim: 512 });
  });
});
