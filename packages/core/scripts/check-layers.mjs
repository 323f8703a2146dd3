#!/usr/bin/env node
// Fails (exit 1) when a file of packages/core/src imports upward: each
// top-level folder is a layer (docs/layers.md), and a file may import only
// from its own layer or a layer below it. Also fails on a folder that is not
// in LAYERS, and on node:fs imported outside fs/.
//
// Usage: node scripts/check-layers.mjs [srcDir]   (default: this package's src)
// Reads `import … from`, `export … from`, `import '…'` and `import('…')`,
// type-only ones included: a type import ties the layers as much as a value one.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Top to bottom; the same order as docs/layers.md. The root files (index.ts, errors.ts, types.ts) are handled apart. */
const LAYERS = ['cli', 'api', 'search', 'text', 'ann', 'quantize', 'memory', 'storage', 'wal', 'format', 'fs', 'kernels'];
/** Root files every layer may import: the bottom of the stack. */
const ROOT_BOTTOM = new Set(['errors.ts', 'types.ts']);
/** The package entry: imports any layer, imported by none. */
const ENTRY = 'index.ts';
/** The only layer that may touch the file system directly. */
const FS_LAYER = 'fs';

const srcDir = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'src'));

function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The layer of a path inside srcDir: its top-level folder, or `(root)/<file>` for a root file. */
function layerOf(path) {
  const parts = relative(srcDir, path).split(sep);
  return parts.length > 1 ? parts[0] : `(root)/${parts[0]}`;
}

const SPECIFIER = /(?:^|[\s;}])(?:import|export)\s(?:[^'";]*?\sfrom\s)?\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

const problems = [];
const rank = new Map(LAYERS.map((name, i) => [name, i]));
for (const file of sourceFiles(srcDir)) {
  const from = layerOf(file);
  const fileName = relative(srcDir, file);
  if (!from.startsWith('(root)/') && !rank.has(from)) {
    problems.push(`${fileName}: folder '${from}' is not a layer; add it to LAYERS (scripts/check-layers.mjs) and docs/layers.md`);
    continue;
  }
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(SPECIFIER)) {
    const specifier = match[1] ?? match[2];
    if (specifier === 'node:fs' || specifier === 'fs' || specifier.startsWith('node:fs/') || specifier.startsWith('fs/')) {
      if (from !== FS_LAYER) problems.push(`${fileName}: imports ${specifier}; only ${FS_LAYER}/ touches the file system`);
      continue;
    }
    if (!specifier.startsWith('.')) continue;
    const target = resolve(dirname(file), specifier);
    if (!target.startsWith(srcDir + sep)) continue;
    const to = layerOf(target.replace(/\.js$/, '.ts'));
    if (to === from) continue;
    if (to === `(root)/${ENTRY}`) {
      problems.push(`${fileName}: imports the package entry (${specifier}); import the module itself`);
    } else if (to.startsWith('(root)/')) {
      if (!ROOT_BOTTOM.has(to.slice('(root)/'.length))) problems.push(`${fileName}: imports ${specifier}, a root file outside ${[...ROOT_BOTTOM].join(', ')}`);
    } else if (from === `(root)/${ENTRY}`) {
      continue;
    } else if (from.startsWith('(root)/')) {
      problems.push(`${fileName}: a bottom root file imports ${specifier} (layer ${to})`);
    } else if (!rank.has(to)) {
      problems.push(`${fileName}: imports ${specifier}, in folder '${to}', which is not a layer`);
    } else if (rank.get(to) < rank.get(from)) {
      problems.push(`${fileName}: upward import of ${specifier} (${from} → ${to}; layers top to bottom: ${LAYERS.join(' → ')})`);
    }
  }
}

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  console.error(`${problems.length} layer violation(s) in ${relative(process.cwd(), srcDir) || '.'} (see packages/core/docs/layers.md)`);
  process.exit(1);
}
console.log(`layers ok: every import in ${relative(process.cwd(), srcDir) || '.'} points down (${LAYERS.join(' → ')} → errors, types)`);
