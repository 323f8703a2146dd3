import type { ListNamespacesOperation, MatchCondition } from '@langchain/langgraph-checkpoint';

/**
 * Applies a ListNamespacesOperation to the live namespaces: every match
 * condition must hold (`prefix` / `suffix` paths, `*` matching any one
 * label), `maxDepth` truncates and merges, then the list is sorted by the
 * labels joined with ':' (as InMemoryStore sorts) and paged by offset/limit.
 */
export function selectNamespaces(all: readonly string[][], op: ListNamespacesOperation): string[][] {
  let out = all.filter((ns) => (op.matchConditions ?? []).every((c) => matches(c, ns)));
  if (op.maxDepth !== undefined) {
    const seen = new Map<string, string[]>();
    for (const ns of out) {
      const cut = ns.slice(0, op.maxDepth);
      seen.set(JSON.stringify(cut), cut);
    }
    out = [...seen.values()];
  }
  out.sort((a, b) => a.join(':').localeCompare(b.join(':')));
  const offset = op.offset ?? 0;
  return out.slice(offset, offset + (op.limit ?? out.length));
}

function matches(condition: MatchCondition, ns: readonly string[]): boolean {
  const { path, matchType } = condition;
  if (path.length > ns.length) return false;
  const start = matchType === 'prefix' ? 0 : ns.length - path.length;
  if (matchType !== 'prefix' && matchType !== 'suffix') throw new Error(`unsupported namespace match type ${JSON.stringify(matchType)}`);
  return path.every((label, i) => label === '*' || ns[start + i] === label);
}
