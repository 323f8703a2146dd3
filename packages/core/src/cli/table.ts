/** Column alignment: numbers read best right-aligned. */
export type Align = 'left' | 'right';

/**
 * Renders rows as a plain-text table: a header, a rule, and columns
 * separated by two spaces, each as wide as its widest cell. `indent` is
 * prepended to every line.
 */
export function renderTable(headers: string[], rows: string[][], align: Align[] = [], indent = ''): string {
  const widths = headers.map((h, c) => Math.max(width(h), ...rows.map((r) => width(r[c] ?? ''))));
  const line = (cells: string[]) =>
    indent +
    cells
      .map((cell, c) => (align[c] === 'right' ? cell.padStart(widths[c] + cell.length - width(cell)) : cell.padEnd(widths[c] + cell.length - width(cell))))
      .join('  ')
      .trimEnd() +
    '\n';
  return line(headers) + line(widths.map((w) => '-'.repeat(w))) + rows.map(line).join('');
}

/** Key–value lines: keys padded to one width. */
export function renderFields(fields: [string, string][], indent = ''): string {
  const w = Math.max(...fields.map(([k]) => width(k)));
  return fields.map(([k, v]) => `${indent}${k.padEnd(w)}  ${v}\n`).join('');
}

/** Display width: code points (the tables hold no wide characters). */
function width(text: string): number {
  return [...text].length;
}
