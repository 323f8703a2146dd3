/**
 * The guard of `Collection.delete`: a call must name what it deletes. Chroma
 * refuses `delete({})`, `delete({ where: {} })`, `delete({ whereDocument: {} })`
 * and the two together ("You must provide either ids, where, or
 * where_document to delete"), since an empty filter selects every record;
 * OmenDB refuses the same calls with the same error, and also filters that
 * select every record only through their structure: `{ $and: [{}] }`, an
 * `$or` with an empty branch, and so on. A filter that happens to match
 * every record by its values (`{ n: { $ne: -1 } }`) is a condition and is
 * obeyed. `ids: []` names no record and deletes nothing.
 */
import { ValidationError } from '../errors.js';

/**
 * Throws ValidationError (code `no_selector`) when neither `ids` nor a
 * filter restricts what a delete selects. Runs after the filters compiled,
 * so their shapes are valid.
 */
export function requireDeleteSelector(ids: unknown, where: unknown, whereDocument: unknown): void {
  if (ids !== undefined) return;
  if (selectsEverything(where) && selectsEverything(whereDocument)) {
    throw new ValidationError('delete needs ids, where or whereDocument', [
      {
        code: 'no_selector',
        path: [],
        message: 'give ids or a filter that restricts the records; an empty filter ({}) selects every record. To empty a collection, delete it (OmenDB.deleteCollection)',
      },
    ]);
  }
}

/**
 * Whether a (valid) `where` or `whereDocument` filter selects every record by
 * its structure alone: absent, `{}`, an `$and` of such filters, or an `$or`
 * with one such branch; several keys in one object are ANDed.
 */
function selectsEverything(filter: unknown): boolean {
  if (filter === undefined || filter === null) return true;
  if (typeof filter !== 'object') return false;
  for (const [key, operand] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(operand) && operand.every(selectsEverything)) continue;
    if (key === '$or' && Array.isArray(operand) && operand.some(selectsEverything)) continue;
    return false;
  }
  return true;
}
