/**
 * Public shapes of the `where` (metadata) and `whereDocument` (document text)
 * filters. They follow Chroma's filter language; see `where.ts` and
 * `where-document.ts` for the exact semantics and where they differ.
 */
import type { Metadata } from '../../types.js';

/**
 * A value a filter compares against. `null` is not one: as in Chroma, a filter
 * cannot test for null (a stored null behaves like a missing key).
 */
export type FilterScalar = string | number | boolean;

/** Operators applicable to one metadata field; several in one object are ANDed. */
export interface FieldOperators {
  /** Strictly equal, same type; never matches an array- or object-valued field. */
  $eq?: FilterScalar;
  /** Negation of `$eq`: also matches missing keys and values of another type. */
  $ne?: FilterScalar;
  /** Numeric comparisons; match only number-valued fields. */
  $gt?: number;
  $gte?: number;
  $lt?: number;
  $lte?: number;
  /** Equal to one of a non-empty list of same-typed scalars. */
  $in?: FilterScalar[];
  /** Negation of `$in`: also matches missing keys. */
  $nin?: FilterScalar[];
  /** The field is an array holding this scalar. */
  $contains?: FilterScalar;
  /** Negation of `$contains`: also matches missing keys and non-array fields. */
  $not_contains?: FilterScalar;
}

/** A field condition: a scalar (shorthand for `$eq`) or an operator object. */
export type FieldCondition = FilterScalar | FieldOperators;

/**
 * A metadata filter. Keys are metadata keys, dotted (`"loc.lines.from"`) to
 * reach into nested objects, or the logical operators `$and` / `$or`. Several
 * keys in one object are ANDed.
 */
export type Where = {
  $and?: Where[];
  $or?: Where[];
  [key: string]: FieldCondition | Where[] | undefined;
};

/** A document-text filter; several keys in one object are ANDed. */
export interface WhereDocument {
  /** The document contains this non-empty substring (case-sensitive). */
  $contains?: string;
  $not_contains?: string;
  /** The document matches this RE2-syntax pattern somewhere. */
  $regex?: string;
  $not_regex?: string;
  $and?: WhereDocument[];
  $or?: WhereDocument[];
}

/** A compiled `where`: `null` metadata behaves as an empty object. */
export type MetadataPredicate = (metadata: Metadata | null) => boolean;

/** A compiled `whereDocument`: a `null` document matches no positive operator. */
export type DocumentPredicate = (document: string | null) => boolean;
