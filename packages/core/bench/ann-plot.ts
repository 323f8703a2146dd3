/**
 * A recall-vs-QPS chart as a small standalone SVG (no plotting dependency):
 * recall@10 on x (linear), queries per CPU-second on y (log10), one line per
 * graph engine over its efSearch sweep, one dot per exact engine.
 */
import type { EngineSummary } from './ann-summary.js';

const WIDTH = 640;
const HEIGHT = 400;
const PAD = { left: 64, right: 170, top: 36, bottom: 48 };
const COLORS: Record<string, string> = {
  omendb: '#d62728',
  'omendb-hnsw': '#ff9896',
  'hnswlib-node': '#1f77b4',
  usearch: '#2ca02c',
  'langchain-memory': '#9467bd',
  'llamaindex-simple': '#8c564b',
};

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function formatQps(q: number): string {
  return q >= 1000 ? `${q / 1000}k` : String(q);
}

/** The chart for one set; `title` names the set, its size and whether it is generated. */
export function recallQpsSvg(title: string, engines: readonly EngineSummary[]): string {
  const points = engines.flatMap((e) => e.sweep.map((s) => ({ recall: s.recall, qps: s.qpsCpu })));
  const xMin = Math.min(0.9, Math.floor(Math.min(...points.map((p) => p.recall)) * 20) / 20);
  const yMinExp = Math.floor(Math.log10(Math.max(1e-3, Math.min(...points.map((p) => p.qps)))));
  const yMaxExp = Math.ceil(Math.log10(Math.max(...points.map((p) => p.qps))));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (recall: number) => PAD.left + ((recall - xMin) / (1 - xMin)) * plotW;
  const y = (qps: number) => PAD.top + (1 - (Math.log10(qps) - yMinExp) / Math.max(1, yMaxExp - yMinExp)) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${PAD.left}" y="20" font-size="13" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  // Grid and ticks: every 0.05 (or 0.1 on wide ranges) of recall, every power of ten of QPS.
  const xStep = 1 - xMin > 0.3 ? 0.1 : 0.05;
  for (let r = Math.ceil(xMin / xStep) * xStep; r <= 1.0001; r += xStep) {
    const px = x(r).toFixed(1);
    out.push(`<line x1="${px}" y1="${PAD.top}" x2="${px}" y2="${PAD.top + plotH}" stroke="#eee"/>`);
    out.push(`<text x="${px}" y="${PAD.top + plotH + 16}" text-anchor="middle">${r.toFixed(2)}</text>`);
  }
  for (let e = yMinExp; e <= yMaxExp; e++) {
    const py = y(10 ** e).toFixed(1);
    out.push(`<line x1="${PAD.left}" y1="${py}" x2="${PAD.left + plotW}" y2="${py}" stroke="#eee"/>`);
    out.push(`<text x="${PAD.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${formatQps(10 ** e)}</text>`);
  }
  out.push(`<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);
  out.push(`<text x="${PAD.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">recall@10</text>`);
  out.push(
    `<text x="16" y="${PAD.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 16 ${PAD.top + plotH / 2})">queries per CPU-second (log)</text>`,
  );
  engines.forEach((engine, i) => {
    const color = COLORS[engine.engine] ?? '#333';
    const pts = engine.sweep.map((s) => `${x(s.recall).toFixed(1)},${y(s.qpsCpu).toFixed(1)}`);
    if (engine.kind === 'graph') out.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const p of pts) {
      const [px, py] = p.split(',');
      out.push(`<circle cx="${px}" cy="${py}" r="${engine.kind === 'graph' ? 2.5 : 4}" fill="${color}"/>`);
    }
    const ly = PAD.top + 10 + i * 18;
    const lx = PAD.left + plotW + 14;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 18}" y2="${ly}" stroke="${color}" stroke-width="${engine.kind === 'graph' ? 2 : 0}"/>`);
    out.push(`<circle cx="${lx + 9}" cy="${ly}" r="3" fill="${color}"/>`);
    out.push(`<text x="${lx + 24}" y="${ly}" dominant-baseline="middle">${escapeXml(engine.engine)}${engine.kind === 'exact' ? ' (exact)' : ''}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
