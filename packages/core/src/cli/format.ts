/** Number and size formatting for the command's tables and summaries (en-US, IEC units). */

const grouping = new Intl.NumberFormat('en-US');

/** `12345` → `"12,345"`. */
export function formatCount(n: number): string {
  return grouping.format(n);
}

/** Bytes in IEC units: `"812 B"`, `"4.9 KiB"`, `"6.35 MiB"`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} ${units[unit]}`;
}

/** Milliseconds as `"850 ms"`, `"2.4 s"` or `"3 min 12 s"`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** Items per second over `ms`: `"8,312/s"`. */
export function formatRate(items: number, ms: number): string {
  return ms <= 0 ? '-' : `${formatCount(Math.round((items * 1000) / ms))}/s`;
}

/** Relative change from `before` to `after`: `"−19.8 %"`, `"+2.0 %"`. */
export function formatChange(before: number, after: number): string {
  if (before === 0) return after === 0 ? '0 %' : '+∞';
  const pct = ((after - before) / before) * 100;
  return `${pct < 0 ? '−' : '+'}${Math.abs(pct).toFixed(1)} %`;
}

/** A fraction as a percentage with one decimal: `0.9876` → `"98.8 %"`. */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)} %`;
}
