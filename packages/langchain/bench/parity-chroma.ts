/**
 * `pnpm parity:chroma`: OmenVectorStore against LangChain's own `Chroma`
 * store on a real Chroma server, on real data (`../shared/data/sift10k` and
 * `../shared/data/scifact-bge`). Both stores get the same records and the
 * same LangChain calls; the run reports ingest and query times, recall
 * against exact search, top-10 overlap, distance differences, filter results
 * and delete behaviour, prints JSON and Markdown, and writes both to
 * `bench/results/`.
 *
 *   pnpm parity:chroma                       # everything: 100 queries per data set
 *   pnpm parity:chroma -- --bounded          # 2,000 records and 20 queries per data set (the CI size)
 *   pnpm parity:chroma -- --datasets sift10k --limit 5000 --queries 50
 *
 * Both stores use their default index parameters and the metric in
 * `collectionMetadata: { "hnsw:space": … }`; OmenDB opens with its default
 * `durability: 'sync'`. Chroma's data and OmenDB's database both live in
 * fresh directories under the OS temp dir, removed at the end.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Chroma } from '@langchain/community/vectorstores/chroma';
import { Embeddings } from '@langchain/core/embeddings';
import { ChromaClient } from 'chromadb';
import { startChromaServer, type ChromaServer } from '../../../scripts/chroma/server.js';
import { OmenVectorStore } from '../src/index.js';
import { DATASET_NAMES, hasDataset, loadDataset, type DatasetName } from './parity-datasets.js';
import { agreementTable, filterTable, speedTable } from './parity-report.js';
import { runParity, type ParityResult, type RunOptions, type StoreUnderTest } from './parity-run.js';

interface CliOptions {
  datasets: DatasetName[];
  limit?: number;
  queries: number;
  filterQueries: number;
  bounded: boolean;
  write: boolean;
}

/** The parity run needs no embedding model: every vector is precomputed. */
class PrecomputedOnly extends Embeddings {
  constructor() {
    super({});
  }
  async embedDocuments(): Promise<number[][]> {
    throw new Error('the parity run passes precomputed vectors; nothing should be embedded');
  }
  async embedQuery(): Promise<number[]> {
    throw new Error('the parity run passes precomputed vectors; nothing should be embedded');
  }
}

const BATCH_SIZE = 1000;
const K = 10;
const HERE = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv: string[]): CliOptions {
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  const value = (flag: string) => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const bounded = args.includes('--bounded');
  const datasets = (value('--datasets')?.split(',') ?? DATASET_NAMES) as DatasetName[];
  for (const d of datasets) if (!DATASET_NAMES.includes(d)) throw new Error(`unknown data set ${d}; expected ${DATASET_NAMES.join(', ')}`);
  const int = (flag: string, fallback: number | undefined) => {
    const v = value(flag);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} expects an integer >= 1`);
    return n;
  };
  const queries = int('--queries', bounded ? 20 : 100)!;
  return {
    datasets,
    limit: int('--limit', bounded ? 2000 : undefined),
    queries,
    filterQueries: int('--filter-queries', Math.min(queries, bounded ? 5 : 20))!,
    bounded,
    write: !args.includes('--no-write'),
  };
}

/** Runs one data set through both stores on `server`. */
export async function runDataset(server: ChromaServer, name: DatasetName, cli: Pick<CliOptions, 'limit' | 'queries' | 'filterQueries'>): Promise<ParityResult> {
  const data = loadDataset(name, { limit: cli.limit, queryCount: cli.queries });
  const collectionName = `parity-${name}-${Date.now()}`;
  const collectionMetadata = { 'hnsw:space': data.metric };
  const embeddings = new PrecomputedOnly();

  const client = new ChromaClient({ host: '127.0.0.1', port: server.port, ssl: false });
  const chroma = new Chroma(embeddings, { index: client, collectionName, collectionMetadata });
  const omenPath = mkdtempSync(join(tmpdir(), 'omendb-parity-'));
  const omen = new OmenVectorStore(embeddings, { path: omenPath, collectionName, collectionMetadata });
  try {
    const omenUnderTest: StoreUnderTest = {
      store: omen,
      matchingIds: async (where) => (await (await omen.ensureCollection()).get({ where, include: [] })).ids,
      count: async () => (await omen.ensureCollection()).count(),
    };
    const chromaUnderTest: StoreUnderTest = {
      store: chroma,
      matchingIds: async (where) => (await (await chroma.ensureCollection()).get({ where: where as never, include: [] })).ids,
      count: async () => (await chroma.ensureCollection()).count(),
    };
    const options: RunOptions = { batchSize: BATCH_SIZE, k: K, filterQueries: cli.filterQueries };
    return await runParity(data, omenUnderTest, chromaUnderTest, options);
  } finally {
    await omen.close();
    rmSync(omenPath, { recursive: true, force: true });
    await client.deleteCollection({ name: collectionName }).catch(() => undefined);
  }
}

/** Version of an installed package, found from this file. */
function packageVersion(name: string): string {
  const require = createRequire(import.meta.url);
  for (let dir = dirname(require.resolve(name)); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === name) return pkg.version ?? '?';
  }
  return '?';
}

async function main(): Promise<void> {
  const cli = parseArgs(process.argv.slice(2));
  const datasets = cli.datasets.filter((d) => {
    if (!hasDataset(d)) console.error(`skipping ${d}: ../shared/data/${d} is missing`);
    return hasDataset(d);
  });
  const started = performance.now();
  const server = await startChromaServer();
  const results: ParityResult[] = [];
  let serverVersion = '?';
  try {
    serverVersion = JSON.parse(await (await fetch(`${server.url}/api/v2/version`)).text()) as string;
    for (const name of datasets) {
      const t0 = performance.now();
      results.push(await runDataset(server, name, cli));
      console.error(`${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    await server.stop();
  }
  const environment = {
    command: `pnpm parity:chroma${process.argv.length > 2 ? ` -- ${process.argv.slice(2).filter((a) => a !== '--').join(' ')}` : ''}`,
    date: new Date().toISOString(),
    node: process.version,
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    chromaServer: serverVersion,
    chromadbClient: packageVersion('chromadb'),
    langchainCommunity: packageVersion('@langchain/community'),
    langchainCore: packageVersion('@langchain/core'),
    totalSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
  };
  const markdown = [
    `Command: \`${environment.command}\` — ${environment.date}, Node ${environment.node}, ${environment.cpu}; ` +
      `Chroma server ${environment.chromaServer} (chromadb ${environment.chromadbClient}), @langchain/community ${environment.langchainCommunity}, ` +
      `@langchain/core ${environment.langchainCore}; whole run ${environment.totalSeconds} s.`,
    '',
    speedTable(results),
    '',
    agreementTable(results),
    ...results.flatMap((r) => ['', `Filters on ${r.dataset} (${r.records.toLocaleString('en-US')} records; ✓ = same set as the plain-JS reference):`, '', filterTable(r)]),
  ].join('\n');
  console.log(JSON.stringify({ environment, results }, null, 2));
  console.log(`\n${markdown}`);
  if (cli.write) {
    const dir = join(HERE, 'results');
    mkdirSync(dir, { recursive: true });
    const base = join(dir, cli.bounded ? 'parity-chroma-bounded' : 'parity-chroma');
    writeFileSync(`${base}.json`, `${JSON.stringify({ environment, results }, null, 2)}\n`);
    writeFileSync(`${base}.md`, `${markdown}\n`);
    console.error(`wrote ${base}.json and ${base}.md`);
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  await main();
}
