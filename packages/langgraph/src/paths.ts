/**
 * Field paths of an index config, read as LangGraph's stores read them:
 * `'$'` (the whole value), `'a.b'` (nested keys), `'list[*]'` (every
 * element), `'list[0]'` / `'list[-1]'` (one element, negative from the end),
 * `'{a,b.c}'` (several fields) and `'*'` (every value of an object or array).
 * Each text found becomes one vector, so an item can hold several.
 */

/** Splits a path into tokens: keys, `[…]` index tokens and `{…}` field-set tokens. */
export function tokenizePath(path: string): string[] {
  const tokens: string[] = [];
  let key = '';
  const flush = () => {
    if (key.length > 0) tokens.push(key);
    key = '';
  };
  for (let i = 0; i < path.length; ) {
    const c = path[i];
    if (c === '[' || c === '{') {
      flush();
      const end = closing(path, i);
      tokens.push(path.slice(i, end));
      i = end;
    } else {
      if (c === '.') flush();
      else key += c;
      i++;
    }
  }
  flush();
  return tokens;
}

/** Index just past the bracket that closes the one at `start` (nesting counted), or the path's end. */
function closing(path: string, start: number): number {
  const open = path[start];
  const close = open === '[' ? ']' : '}';
  let depth = 0;
  for (let i = start; i < path.length; i++) {
    if (path[i] === open) depth++;
    else if (path[i] === close && --depth === 0) return i + 1;
  }
  return path.length;
}

/** The texts at `tokens` in `value`, in document order (see the module comment). */
export function textsAtPath(value: unknown, tokens: readonly string[]): string[] {
  if (tokens.length === 0 || (tokens.length === 1 && tokens[0] === '$')) return [pretty(value)];
  const out: string[] = [];
  walk(value, tokens, 0, out);
  return out;
}

function walk(node: unknown, tokens: readonly string[], at: number, out: string[]): void {
  if (at === tokens.length) {
    const text = leafText(node);
    if (text !== null) out.push(text);
    return;
  }
  const token = tokens[at];
  if (at === 0 && token === '$') out.push(pretty(node));
  if (token.startsWith('[') && token.endsWith(']')) {
    if (!Array.isArray(node)) return;
    const index = token.slice(1, -1);
    if (index === '*') {
      for (const element of node) walk(element, tokens, at + 1, out);
      return;
    }
    let i = Number.parseInt(index, 10);
    if (Number.isNaN(i)) return;
    if (i < 0) i += node.length;
    if (i >= 0 && i < node.length) walk(node[i], tokens, at + 1, out);
  } else if (token.startsWith('{') && token.endsWith('}')) {
    if (typeof node !== 'object' || node === null) return;
    for (const field of token.slice(1, -1).split(',')) {
      const text = leafText(reach(node, tokenizePath(field.trim())));
      if (text !== null) out.push(text);
    }
  } else if (token === '*') {
    if (typeof node !== 'object' || node === null) return;
    for (const child of Array.isArray(node) ? node : Object.values(node)) walk(child, tokens, at + 1, out);
  } else if (isRecord(node) && token in node) {
    walk(node[token], tokens, at + 1, out);
  }
}

/** The value under plain keys, or undefined when one is missing. */
function reach(node: unknown, keys: string[]): unknown {
  let current = node;
  for (const key of keys) {
    if (!isRecord(current) || !(key in current)) return undefined;
    current = current[key];
  }
  return keys.length === 0 ? undefined : current;
}

/** A scalar as its string, an object or array as indented JSON, nothing for null/undefined. */
function leafText(node: unknown): string | null {
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (typeof node === 'object' && node !== null) return pretty(node);
  return null;
}

function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}
