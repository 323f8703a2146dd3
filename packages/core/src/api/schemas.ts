import { z } from 'zod';
import { OmenError, ValidationError } from '../errors.js';
import type { Vfs } from '../fs/vfs.js';
import { DEFAULT_MERGE_POLICY, type MergePolicyOptions } from '../storage/merge-policy.js';
import { HNSW_PARAM_RANGES, type ParamRange } from '../ann/hnsw/hnsw-params.js';
import type { IncludeField } from '../types.js';
import { DEFAULT_MAX_DOCUMENT_BYTES, MAX_DIMENSION, MAX_DOCUMENT_BYTES_LIMIT } from './limits.js';
import { readMetadata } from './metadata.js';
import { holeIssue } from './records.js';
import { isWellFormed } from './text.js';

/**
 * Parses `input` with `schema`, turning zod's issues into a ValidationError.
 * An issue may carry its own stable code as `params.code` (see
 * {@link collectionMetadataSchema}). Reading the input may run a caller's
 * getter or Proxy trap; when one throws, that is a ValidationError too
 * (code `unreadable`), never the caller's error passed through.
 */
export function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  let result: ReturnType<typeof schema.safeParse>;
  try {
    result = schema.safeParse(input);
  } catch (err) {
    if (err instanceof OmenError) throw err;
    throw new ValidationError(`invalid ${what}`, [
      { code: 'unreadable', path: [], message: `reading the arguments threw: ${err instanceof Error ? err.message : String(err)}` },
    ]);
  }
  if (result.success) return result.data;
  throw new ValidationError(
    `invalid ${what}`,
    result.error.issues.map((i) => {
      const path = i.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
      // Zod reads a hole as undefined; say what it is, as validateRecords does.
      const hole = holeIn(input, path, i);
      return hole ? holeIssue(...hole) : { code: issueCode(i), path, message: i.message };
    }),
  );
}

/**
 * The path of the hole (an index an array never had, `[, 'b']`) an issue is
 * about, if any: the issue's own path, or for a union (a vector is a number[]
 * or a Float32Array), the path of a branch's issue below it.
 */
function holeIn(input: unknown, path: (string | number)[], issue: z.core.$ZodIssue): (string | number)[] | null {
  if (isHole(input, path)) return path;
  if (issue.code !== 'invalid_union') return null;
  for (const branch of issue.errors) {
    for (const inner of branch) {
      const innerPath = [...path, ...inner.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
      if (isHole(input, innerPath)) return innerPath;
    }
  }
  return null;
}

/** Whether `path` in `input` ends at an index an array never had (`[, 'b']`). */
function isHole(input: unknown, path: (string | number)[]): boolean {
  const last = path.at(-1);
  if (typeof last !== 'number') return false;
  try {
    let container: unknown = input;
    for (const key of path.slice(0, -1)) container = (container as Record<string | number, unknown> | undefined)?.[key];
    return Array.isArray(container) && last < container.length && !(last in container);
  } catch {
    return false;
  }
}

function issueCode(issue: z.core.$ZodIssue): string {
  const own = issue.code === 'custom' ? (issue.params as { code?: unknown } | undefined)?.code : undefined;
  return typeof own === 'string' ? own : issue.code;
}

export const durabilitySchema = z.enum(['sync', 'os', 'none']);
export const metricSchema = z.enum(['l2', 'cosine', 'ip']);

export const openOptionsSchema = z
  .object({
    durability: durabilitySchema.default('sync'),
    memtableLimitBytes: z.number().int().min(1 << 16).default(64 << 20),
    maxSegments: z.number().int().min(1).max(1024).default(8),
    mergePolicy: z
      .union([
        z.boolean(),
        z
          .object({
            sizeRatio: z.number().min(1).max(1024).optional(),
            maxMergedBytes: z.number().int().min(1 << 16).max(2 ** 31 - 1).optional(),
            maxMergeAtOnce: z.number().int().min(2).max(1024).optional(),
            deletedThreshold: z.number().gt(0).max(1).optional(),
            minDeletedRows: z.number().int().min(1).max(2 ** 31 - 1).optional(),
          })
          .strict(),
      ])
      .default(true)
      .transform((p): MergePolicyOptions | false => (p === false ? false : { ...DEFAULT_MERGE_POLICY, ...(p === true ? {} : p) })),
    maxDocumentBytes: z.number().int().min(1).max(MAX_DOCUMENT_BYTES_LIMIT).default(DEFAULT_MAX_DOCUMENT_BYTES),
    lockTimeoutMs: z.number().int().min(0).max(2 ** 31 - 1).default(0),
    readOnly: z.boolean().default(false),
    readConsistencyIntervalMs: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    // The test file system (OpenOptions.vfs): checked by identity, not shape.
    vfs: z.custom<Vfs>((v) => typeof v === 'object' && v !== null).optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.readConsistencyIntervalMs !== undefined && !o.readOnly) {
      ctx.addIssue({ code: 'custom', path: ['readConsistencyIntervalMs'], message: 'applies only with readOnly: true (the writer always sees its own writes)' });
    }
  });

export const collectionNameSchema = z
  .string()
  .min(1, 'collection name is empty')
  .max(128, 'collection name is longer than 128 characters')
  .refine((n) => !/[/\\\0]/.test(n) && !n.includes('..'), 'collection name contains "/", "\\", ".." or NUL')
  .refine(isWellFormed, 'collection name contains a lone UTF-16 surrogate');

/**
 * Collection metadata: checked and copied as record metadata is (see
 * readMetadata in metadata.ts: cycles, BigInts, Proxies, throwing getters and
 * ill-formed strings are issues), with any keys but the prototype ones, as
 * it is never filtered. Gives null for none.
 */
const collectionMetadataSchema = z.unknown().transform((value, ctx) => {
  const { metadata, issues } = readMetadata(value, [], 'collection');
  for (const issue of issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message, params: { code: issue.code } });
  return metadata;
});

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
    // 0: records without vectors (a key-value collection; see ann/row-index.ts).
    dimension: z.number().int().min(0).max(MAX_DIMENSION).optional(),
    metric: metricSchema.optional(),
    metadata: collectionMetadataSchema.optional(),
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
    queryEmbeddings: z.array(vectorSchema).min(1, 'queryEmbeddings is empty').optional(),
    queryTexts: z.array(z.string()).min(1, 'queryTexts is empty').optional(),
    nResults: z.number().int().min(1).max(MAX_QUERY_INTEGER).default(DEFAULT_N_RESULTS),
    offset: z.number().int().min(0).max(MAX_QUERY_INTEGER).optional(),
    where: z.unknown().optional(),
    whereDocument: z.unknown().optional(),
    include: includeSchema,
    efSearch: z.number().int().min(1).max(MAX_QUERY_INTEGER).optional(),
    exact: z.boolean().optional(),
  })
  .strict()
  .refine((q) => (q.queryEmbeddings === undefined) !== (q.queryTexts === undefined), {
    message: 'give exactly one of queryEmbeddings and queryTexts',
    path: ['queryEmbeddings'],
  });

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
  const { queryEmbeddings, queryTexts, nResults = DEFAULT_N_RESULTS, offset, where, whereDocument, include, efSearch, exact } = input as Record<string, unknown>;
  // Text queries are rare enough on the hot path to go through the schema.
  if (queryTexts !== undefined) return null;
  if (!Array.isArray(queryEmbeddings) || queryEmbeddings.length === 0 || !everyIndex(queryEmbeddings, isPlainVector)) return null;
  if (!isIntegerIn(nResults, 1, MAX_QUERY_INTEGER)) return null;
  if (offset !== undefined && !isIntegerIn(offset, 0, MAX_QUERY_INTEGER)) return null;
  if (efSearch !== undefined && !isIntegerIn(efSearch, 1, MAX_QUERY_INTEGER)) return null;
  if (exact !== undefined && typeof exact !== 'boolean') return null;
  if (include !== undefined && !(Array.isArray(include) && everyIndex(include, (field) => INCLUDE_FIELDS.has(field)))) return null;
  return {
    queryEmbeddings: queryEmbeddings as QueryInput['queryEmbeddings'],
    nResults: nResults as number,
    offset: offset as number | undefined,
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
