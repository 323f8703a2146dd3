/**
 * Small text formatters for console output.
 */

/** `1536` → `"1.5 KiB"`; binary units, one decimal above bytes. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * A one-line preview: code-fence lines (```` ```ts ````) dropped, whitespace
 * collapsed, cut to at most `maxChars` characters at a word boundary, with `…`
 * when cut.
 */
export function snippet(text: string, maxChars: number): string {
  const flat = text
    .replace(/^ {0,3}(`{3,}|~{3,}).*$/gm, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (flat.length <= maxChars) return flat;
  const cut = flat.lastIndexOf(' ', maxChars - 1);
  return `${flat.slice(0, cut > maxChars / 2 ? cut : maxChars - 1)}…`;
}
