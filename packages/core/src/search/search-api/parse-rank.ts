/**
 * Parses a rank expression (Chroma's `RankExpr` JSON, as its JS builders
 * `Knn`, `Rrf`, `Val`, `Sum`… serialize it) into a {@link RankNode} tree.
 * Chroma's `Rrf` has no node of its own: the builder compiles it into
 * `$mul`/`$sum`/`$div`/`$val` over `$knn` leaves with `return_rank`, which
 * is why every operator is parsed and evaluated rather than any shape
 * being recognised.
 */
import { z } from 'zod';
import { IssueCollector, MAX_FILTER_DEPTH, describe, isPlainObject, type IssuePath } from '../filter/issues.js';
import { EMBEDDING_KEY, type KnnLeaf, type RankNode, type SparseQuery } from './ast.js';

/** Chroma's server default `limit` of a `$knn` whose JSON omits it (its JS builder writes 128). */
export const DEFAULT_KNN_LIMIT = 16;

const LIST_OPS = { $sum: 'sum', $mul: 'mul', $max: 'max', $min: 'min' } as const;
const PAIR_OPS = { $sub: 'sub', $div: 'div' } as const;
const UNARY_OPS = { $abs: 'abs', $exp: 'exp', $log: 'log' } as const;
const OPERATORS = ['$val', '$knn', ...Object.keys(LIST_OPS), ...Object.keys(PAIR_OPS), ...Object.keys(UNARY_OPS)];

const finite = z.number().refine(Number.isFinite, { message: 'expected a finite number', params: { code: 'non_finite' } });
const sparseSchema = z.object({ indices: z.array(z.number().int().nonnegative()), values: z.array(finite) }).strict();
const knnSchema = z
  .object({
    query: z.union([z.string().min(1), z.array(finite).min(1), sparseSchema]),
    key: z.string().min(1).default(EMBEDDING_KEY),
    limit: z.number().int().positive().default(DEFAULT_KNN_LIMIT),
    default: finite.nullish(),
    return_rank: z.boolean().default(false),
  })
  .strict();

/**
 * Parses `rank` (rooted at `path` in issue paths). Appends each `$knn` leaf
 * to `leaves` in depth-first order. Records problems in `issues` (codes
 * `invalid_type`, `unknown_operator`, `too_deep`, `too_small`, `non_finite`,
 * and zod's for a `$knn` body) and returns undefined when there were any.
 */
export function parseRank(rank: unknown, path: IssuePath, issues: IssueCollector, leaves: KnnLeaf[]): RankNode | undefined {
  const before = issues.issues.length;
  const node = parseNode(rank, path, issues, leaves, 0);
  return issues.issues.length === before ? node : undefined;
}

function parseNode(value: unknown, path: IssuePath, issues: IssueCollector, leaves: KnnLeaf[], depth: number): RankNode {
  const dummy: RankNode = { op: 'val', value: 0 };
  if (depth > MAX_FILTER_DEPTH) {
    issues.add('too_deep', path, `rank expressions nest at most ${MAX_FILTER_DEPTH} levels`);
    return dummy;
  }
  if (!isPlainObject(value)) {
    issues.add('invalid_type', path, `expected a rank expression object such as { $knn: {…} } or { $val: 1 }, got ${describe(value)}`);
    return dummy;
  }
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    issues.add('invalid_type', path, `a rank expression object has exactly one operator, got ${keys.length} keys (${keys.join(', ')})`);
    return dummy;
  }
  const op = keys[0];
  const operand = value[op];
  const at = [...path, op];
  if (op === '$val') {
    if (typeof operand !== 'number' || !Number.isFinite(operand)) issues.add('non_finite', at, `$val takes a finite number, got ${describe(operand)}`);
    return { op: 'val', value: operand as number };
  }
  if (op === '$knn') return { op: 'knn', leaf: parseKnn(operand, at, issues, leaves) };
  if (op in LIST_OPS) {
    if (!Array.isArray(operand) || operand.length === 0) {
      issues.add(Array.isArray(operand) ? 'too_small' : 'invalid_type', at, `${op} takes a non-empty array of rank expressions`);
      return dummy;
    }
    const args = operand.map((child, i) => parseNode(child, [...at, i], issues, leaves, depth + 1));
    return { op: LIST_OPS[op as keyof typeof LIST_OPS], args };
  }
  if (op in PAIR_OPS) {
    if (!isPlainObject(operand) || !('left' in operand) || !('right' in operand) || Object.keys(operand).length !== 2) {
      issues.add('invalid_type', at, `${op} takes { left, right }, got ${describe(operand)}`);
      return dummy;
    }
    const left = parseNode(operand.left, [...at, 'left'], issues, leaves, depth + 1);
    const right = parseNode(operand.right, [...at, 'right'], issues, leaves, depth + 1);
    return { op: PAIR_OPS[op as keyof typeof PAIR_OPS], left, right };
  }
  if (op in UNARY_OPS) return { op: UNARY_OPS[op as keyof typeof UNARY_OPS], arg: parseNode(operand, at, issues, leaves, depth + 1) };
  issues.add('unknown_operator', at, `unknown rank operator ${op}; expected one of ${OPERATORS.join(' ')}`);
  return dummy;
}

function parseKnn(body: unknown, path: IssuePath, issues: IssueCollector, leaves: KnnLeaf[]): KnnLeaf {
  const index = leaves.length;
  const leaf: KnnLeaf = { index, path, query: [], key: EMBEDDING_KEY, limit: DEFAULT_KNN_LIMIT, default: undefined, returnRank: false };
  leaves.push(leaf);
  const result = knnSchema.safeParse(body);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const own = issue.code === 'custom' ? (issue.params as { code?: string } | undefined)?.code : undefined;
      issues.add(own ?? issue.code, [...path, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], issue.message);
    }
    return leaf;
  }
  const k = result.data;
  leaf.query = Array.isArray(k.query) || typeof k.query === 'string' ? k.query : (k.query as SparseQuery);
  leaf.key = k.key;
  leaf.limit = k.limit;
  leaf.default = k.default ?? undefined;
  leaf.returnRank = k.return_rank;
  return leaf;
}
