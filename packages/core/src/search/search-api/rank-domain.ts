/**
 * Evaluates a rank expression over the results of its `$knn` leaves, with
 * Chroma's semantics (`rust/worker/src/execution/operators/rank.rs`): each
 * subexpression yields scores for a set of records (its support) and a
 * default for every other record, or no default, in which case a record
 * outside the support drops out of any operation the subexpression takes
 * part in. A `$knn` leaf's support is its `limit` results and its default
 * is its `default`; `$val` has an empty support and its value as default.
 * Only records in the final support are ranked, so a record that no `$knn`
 * returned never appears. Arithmetic is in float64 (Chroma's is float32).
 */
import type { RankNode } from './ast.js';

/** One result of a `$knn` leaf: a record key and its measure (distance, 1 − BM25, …), best first. */
export interface LeafHit {
  key: string;
  measure: number;
}

interface Domain {
  support: Map<string, number>;
  default: number | undefined;
}

/** Identities of the n-ary folds; Chroma starts `$max` / `$min` from f32's extremes. */
const F32_MAX = 3.4028234663852886e38;
const FOLDS = {
  sum: { start: 0, op: (a: number, b: number) => a + b },
  mul: { start: 1, op: (a: number, b: number) => a * b },
  max: { start: -F32_MAX, op: maxIgnoringNaN },
  min: { start: F32_MAX, op: minIgnoringNaN },
} as const;

/**
 * Scores by record key of every record the expression ranks. `leafHits[i]`
 * are the hits of the leaf with `index` i, best first (a leaf with
 * `returnRank` scores each hit by its 0-based position instead).
 */
export function evaluateRank(node: RankNode, leafHits: LeafHit[][]): Map<string, number> {
  return evaluate(node, leafHits).support;
}

function evaluate(node: RankNode, leafHits: LeafHit[][]): Domain {
  switch (node.op) {
    case 'val':
      return flat(node.value);
    case 'knn': {
      const support = new Map<string, number>();
      leafHits[node.leaf.index].forEach((hit, position) => {
        if (!support.has(hit.key)) support.set(hit.key, node.leaf.returnRank ? position : hit.measure);
      });
      return { support, default: node.leaf.default };
    }
    case 'sum':
    case 'mul':
    case 'max':
    case 'min': {
      const { start, op } = FOLDS[node.op];
      return node.args.reduce((acc, arg) => merge(acc, evaluate(arg, leafHits), op), flat(start));
    }
    case 'sub':
      return merge(evaluate(node.left, leafHits), evaluate(node.right, leafHits), (a, b) => a - b);
    case 'div':
      return merge(evaluate(node.left, leafHits), evaluate(node.right, leafHits), (a, b) => a / b);
    case 'abs':
      return map(evaluate(node.arg, leafHits), Math.abs);
    case 'exp':
      return map(evaluate(node.arg, leafHits), Math.exp);
    case 'log':
      return map(evaluate(node.arg, leafHits), Math.log);
  }
}

function flat(value: number): Domain {
  return { support: new Map(), default: value };
}

function map(d: Domain, f: (x: number) => number): Domain {
  const support = new Map<string, number>();
  for (const [key, v] of d.support) support.set(key, f(v));
  return { support, default: d.default === undefined ? undefined : f(d.default) };
}

/**
 * Combines two domains: a record in either support is scored when the
 * other side has it or a default for it; with no default on either side,
 * only records in both supports remain.
 */
function merge(left: Domain, right: Domain, op: (a: number, b: number) => number): Domain {
  const support = new Map<string, number>();
  const visit = (from: Map<string, number>) => {
    for (const key of from.keys()) {
      if (support.has(key)) continue;
      const a = left.support.get(key) ?? left.default;
      const b = right.support.get(key) ?? right.default;
      if (a !== undefined && b !== undefined) support.set(key, op(a, b));
    }
  };
  visit(left.support);
  visit(right.support);
  const fallback = left.default !== undefined && right.default !== undefined ? op(left.default, right.default) : undefined;
  return { support, default: fallback };
}

/** Rust's `f32::max`: a NaN operand yields the other. */
function maxIgnoringNaN(a: number, b: number): number {
  return Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.max(a, b);
}

function minIgnoringNaN(a: number, b: number): number {
  return Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.min(a, b);
}
