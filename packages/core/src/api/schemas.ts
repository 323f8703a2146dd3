import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { HNSW_PARAM_RANGES, type ParamRange } from '../index/hnsw-params.js';
import type { IncludeField } from '../types.js';

/** Parses `input` with `schema`, turning zod's issues into a ValidationError. */
export function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    `invalid ${what}`,
    result.error.issues.map((i) => ({ code: i.code, path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message })),
  );
}

export const durabilitySchema = z.enum(['sync', 'os', 'none']);
export const metricSchema = z.enum(['l2', 'cosine', 'ip']);

export const openOptionsSchema = z
  .object({
    durability: durabilitySchema.default('sync'),
    memtableLimitBytes: z.number().int().min(1 << 16).default(64 << 20),
    maxSegments: z.number().int().min(1).max(1024).default(8),
  })
  .strict();

export const collectionNameSchema = z
  .string()
  .min(1, 'collection name is empty')
  .max(128, 'collection name is longer than 128 characters')
  .refine((n) => !/[/\\\0]/.test(n) && !n.includes('..'), 'collection name contains "/", "\\", ".." or NUL');

const hnswParam = ({ min, max }: ParamRange) => z.number().int().min(min).max(max).optional();

/** Ranges as the index takes them (HNSW_PARAM_RANGES); efConstruction ≥ M is checked once both are known. */
export const hnswSchema = z
  .object({
    M: hnswParam(HNSW_PARAM_RANGES.M),
    efConstruction: hnswParam(HNSW_PARAM_RANGES.efConstruction),
    efSearch: hnswParam(HNSW_PARAM_RANGES.efSearch),
  })
  .strict();

export const createCollectionSchema = z
  .object({
    name: collectionNameSchema,
    dimension: z.number().int().min(1).max(65536).optional(),
    metric: metricSchema.optional(),
    metadata: z.record(z.string(), z.unknown()).nullable().optional(),
    hnsw: hnswSchema.optional(),
    // Checked by validateQuantizationSpec (quantize/spec.ts), which knows the dimension.
    quantization: z.unknown().optional(),
    rescore: z
      .object({ oversampling: z.number().min(1).max(1024) })
      .strict()
      .optional(),
  })
  .strict();

export const includeSchema = z.array(z.enum(['embeddings', 'metadatas', 'documents', 'distances'])).optional();

const vectorSchema = z.union([z.array(z.number()), z.instanceof(Float32Array)]);

/** Largest nResults and efSearch a query takes. */
const MAX_QUERY_INTEGER = 100_000;
const DEFAULT_N_RESULTS = 10;

export const querySchema = z
  .object({
    queryEmbeddings: z.array(vectorSchema).min(1, 'queryEmbeddings is empty'),
    nResults: z.number().int().min(1).max(MAX_QUERY_INTEGER).default(DEFAULT_N_RESULTS),
    where: z.unknown().optional(),
    whereDocument: z.unknown().optional(),
    include: includeSchema,
    efSearch: z.number().int().min(1).max(MAX_QUERY_INTEGER).optional(),
    exact: z.boolean().optional(),
  })
  .strict();

/** Query arguments as {@link querySchema} gives them. */
export type QueryInput = z.output<typeof querySchema>;

// Read off the schemas, so the hand check below cannot drift from them.
const QUERY_KEYS: ReadonlySet<string> = new Set(Object.keys(querySchema.shape));
const INCLUDE_FIELDS: ReadonlySet<unknown> = new Set(includeSchema.unwrap().element.options);

/**
 * Parses `Collection.query` arguments as {@link querySchema} does. Zod's
 * parse visits and copies every number of every query vector, which costs as
 * much as the search itself on a small vector, so arguments of the common
 * shape are checked here by hand; anything else, in particular every bad
 * input, goes through the schema and gets its ValidationError. The vectors
 * and filters come back uncopied: a query only reads them.
 */
export function parseQuery(input: unknown): QueryInput {
  return plainQuery(input) ?? parse(querySchema, input, 'query arguments');
}

/**
 * The schema's output for `input` when it is of the common shape, else
 * null: a plain object of known fields (inherited enumerable keys count, as
 * in zod's strict object); vectors that are Float32Arrays or arrays of
 * finite numbers; integers in range; include fields by name. Defaults are
 * applied and `include` is copied (the result hands it back).
 */
function plainQuery(input: unknown): QueryInput | null {
  if (typeof input !== 'object' || input === null) return null;
  const proto: unknown = Object.getPrototypeOf(input);
  if (proto !== Object.prototype && proto !== null) return null;
  for (const key in input) if (!QUERY_KEYS.has(key)) return null;
  const { queryEmbeddings, nResults = DEFAULT_N_RESULTS, where, whereDocument, include, efSearch, exact } = input as Record<string, unknown>;
  if (!Array.isArray(queryEmbeddings) || queryEmbeddings.length === 0 || !everyIndex(queryEmbeddings, isPlainVector)) return null;
  if (!isIntegerIn(nResults, 1, MAX_QUERY_INTEGER)) return null;
  if (efSearch !== undefined && !isIntegerIn(efSearch, 1, MAX_QUERY_INTEGER)) return null;
  if (exact !== undefined && typeof exact !== 'boolean') return null;
  if (include !== undefined && !(Array.isArray(include) && everyIndex(include, (field) => INCLUDE_FIELDS.has(field)))) return null;
  return {
    queryEmbeddings: queryEmbeddings as QueryInput['queryEmbeddings'],
    nResults: nResults as number,
    where,
    whereDocument,
    include: (include as IncludeField[] | undefined)?.slice(),
    efSearch: efSearch as number | undefined,
    exact: exact as boolean | undefined,
  };
}

/** Like Array.prototype.every, but a hole is asked about (as undefined) rather than skipped, as zod does. */
function everyIndex(array: unknown[], test: (value: unknown) => boolean): boolean {
  for (let i = 0; i < array.length; i++) if (!test(array[i])) return false;
  return true;
}

function isPlainVector(v: unknown): boolean {
  if (v instanceof Float32Array) return true;
  return Array.isArray(v) && everyIndex(v, (x) => typeof x === 'number' && Number.isFinite(x));
}

function isIntegerIn(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

export const getSchema = z
  .object({
    ids: z.array(z.string()).optional(),
    where: z.unknown().optional(),
    whereDocument: z.unknown().optional(),
    limit: z.number().int().min(0).optional(),
    offset: z.number().int().min(0).optional(),
    include: includeSchema,
  })
  .strict();

export const deleteSchema = z
  .object({
    ids: z.array(z.string()).optional(),
    where: z.unknown().optional(),
    whereDocument: z.unknown().optional(),
  })
  .strict();
