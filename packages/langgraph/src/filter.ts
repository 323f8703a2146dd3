/**
 * The `filter` of a LangGraph search: every entry must hold for the item's
 * top-level `value[key]`. An entry is either a plain value (strict equality,
 * so an object or array never matches) or an object of operators:
 * `$eq`, `$ne` (strict), `$gt`, `$gte`, `$lt`, `$lte` (numeric, after
 * `Number()`), `$in`, `$nin` (membership in an array). These are the
 * semantics of LangGraph's InMemoryStore, so results match it.
 */
export type StoreFilter = Record<string, unknown>;

const OPERATORS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin']);

export function matchesFilter(value: Record<string, unknown>, filter: StoreFilter | undefined): boolean {
  if (!filter) return true;
  for (const [key, condition] of Object.entries(filter)) {
    if (!holds(value[key], condition)) return false;
  }
  return true;
}

function holds(actual: unknown, condition: unknown): boolean {
  if (!isOperatorObject(condition)) return actual === condition;
  for (const [op, operand] of Object.entries(condition)) {
    if (!applies(op, actual, operand)) return false;
  }
  return true;
}

function isOperatorObject(c: unknown): c is Record<string, unknown> {
  return typeof c === 'object' && c !== null && Object.keys(c).every((k) => OPERATORS.has(k));
}

function applies(op: string, actual: unknown, operand: unknown): boolean {
  switch (op) {
    case '$eq':
      return actual === operand;
    case '$ne':
      return actual !== operand;
    case '$gt':
      return Number(actual) > Number(operand);
    case '$gte':
      return Number(actual) >= Number(operand);
    case '$lt':
      return Number(actual) < Number(operand);
    case '$lte':
      return Number(actual) <= Number(operand);
    case '$in':
      return Array.isArray(operand) && operand.includes(actual);
    default:
      return !Array.isArray(operand) || !operand.includes(actual);
  }
}
