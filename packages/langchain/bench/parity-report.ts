/**
 * Markdown tables of parity results, in the form the README quotes.
 */
import type { FilterComparison, ParityResult, StoreNumbers } from './parity-run.js';

/** The speed and accuracy table: one column per store per data set. */
export function speedTable(results: ParityResult[]): string {
  const head = ['', ...results.flatMap((r) => [`${r.dataset} OmenDB`, `${r.dataset} Chroma`])];
  const row = (label: string, cell: (s: StoreNumbers, r: ParityResult) => string) =>
    [label, ...results.flatMap((r) => [cell(r.omendb, r), cell(r.chroma, r)])];
  return table([
    head,
    ['records × dim, metric', ...results.flatMap((r) => Array(2).fill(`${r.records.toLocaleString('en-US')} × ${r.dim}, ${r.metric}`))],
    row('ingest through `addVectors` (s)', (s) => s.ingestSeconds.toFixed(2)),
    row('ingest rate (vectors/s)', (s) => Math.round(s.ingestPerSecond).toLocaleString('en-US')),
    row('query median / p95 (ms)', (s) => `${s.queryMedianMs.toFixed(2)} / ${s.queryP95Ms.toFixed(2)}`),
    row('queries/s (sequential)', (s) => Math.round(s.queriesPerSecond).toLocaleString('en-US')),
    row('recall@10 vs exact', (s) => s.recall.toFixed(3)),
    row('max \\|distance − exact\\|', (s) => s.maxDistanceErrorVsExact.toExponential(1)),
  ]);
}

/** The agreement table: one column per data set. */
export function agreementTable(results: ParityResult[]): string {
  const cols = (cell: (r: ParityResult) => string) => results.map(cell);
  const filtersAgreeing = (r: ParityResult, store: 'omendb' | 'chroma') =>
    `${r.filters.filter((f) => 'sameSet' in f[store] && f[store].sameSet).length} / ${r.filters.length}`;
  return table([
    ['', ...results.map((r) => r.dataset)],
    [`top-${results[0]?.k ?? 10} overlap, mean (min) over ${results[0]?.queries ?? 0} queries`, ...cols((r) => `${r.overlap.mean.toFixed(3)} (${r.overlap.min.toFixed(1)})`)],
    ['\\|distance OmenDB − Chroma\\|, max (mean), same id', ...cols((r) => `${r.distances.maxAbs.toExponential(1)} (${r.distances.meanAbs.toExponential(1)})`)],
    ['same, relative, max', ...cols((r) => r.distances.maxRelative.toExponential(1))],
    ['filters whose `get(where)` equals the reference set: OmenDB', ...cols((r) => filtersAgreeing(r, 'omendb'))],
    ['… Chroma', ...cols((r) => filtersAgreeing(r, 'chroma'))],
    ['filtered top-10 overlap, mean over filters both ran', ...cols((r) => meanOverlap(r.filters))],
    ['delete 100 ids + 10 missing ids: OmenDB / Chroma', ...cols((r) => `${outcome(r.delete.omendb.missingIdsError)} / ${outcome(r.delete.chroma.missingIdsError)}`)],
    [
      'count after ids + `{ bucket: 9 }` deletes: expected / OmenDB / Chroma',
      ...cols((r) => `${r.delete.expectedCount} / ${r.delete.omendb.countAfterFilter} / ${r.delete.chroma.countAfterFilter}`),
    ],
    ['deleted ids returned by later searches: OmenDB / Chroma', ...cols((r) => `${r.delete.omendb.deletedReturned} / ${r.delete.chroma.deletedReturned}`)],
    ['top-10 overlap after the deletes', ...cols((r) => r.delete.overlapAfter.toFixed(3))],
    ['`delete({})`: OmenDB / Chroma', ...cols((r) => `${outcome(r.delete.omendb.noSelectorError)} / ${outcome(r.delete.chroma.noSelectorError)}`)],
  ]);
}

/** Per-filter detail of one data set. */
export function filterTable(result: ParityResult): string {
  const cell = (f: FilterComparison['omendb']) =>
    'error' in f ? `error: ${f.error.replace(/\|/g, '\\|')}` : `${f.matched}${f.sameSet ? ' ✓' : ' ✗'}, recall ${f.recall.toFixed(2)}${f.invalid > 0 ? `, ${f.invalid} invalid` : ''}`;
  return table([
    ['filter', '`where`', 'expected', 'OmenDB: matched, filtered recall@10', 'Chroma: matched, filtered recall@10', 'top-10 overlap'],
    ...result.filters.map((f) => [f.name, `\`${JSON.stringify(f.where)}\``, String(f.expected), cell(f.omendb), cell(f.chroma), f.overlap === null ? '—' : f.overlap.toFixed(3)]),
  ]);
}

function meanOverlap(filters: FilterComparison[]): string {
  const xs = filters.flatMap((f) => (f.overlap === null ? [] : [f.overlap]));
  return xs.length === 0 ? '—' : (xs.reduce((s, x) => s + x, 0) / xs.length).toFixed(3);
}

function outcome(error: string | null): string {
  return error === null ? 'resolves' : `throws (${error.split(':')[0]})`;
}

function table(rows: string[][]): string {
  const [head, ...body] = rows;
  return [head, head.map(() => '---'), ...body].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
