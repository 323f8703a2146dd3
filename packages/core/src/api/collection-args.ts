import { z } from 'zod';
import { ValidationError } from '../errors.js';
import type { ManifestState } from '../format/manifest.js';
import { HNSW_PARAM_RANGES, inParamRange, resolveHnswParams, type HnswParams } from '../ann/hnsw/hnsw-params.js';
import type { Metric } from '../types.js';
import type { EmbeddingFunction } from './embedding-function.js';
import { collectionNameSchema, createCollectionSchema, parse } from './schemas.js';

/** An object of Chroma's `EmbeddingFunction` shape: at least `generate(texts)`. */
export const embeddingFunctionSchema = z.custom<EmbeddingFunction>(
  (v) => typeof v === 'object' && v !== null && typeof (v as { generate?: unknown }).generate === 'function',
  'expected an embedding function: an object with generate(texts: string[]): Promise<number[][]>',
);

/** Chroma 3's `configuration` argument of createCollection, as far as it applies to an HNSW index. */
export const chromaConfigurationSchema = z
  .object({
    hnsw: z
      .object({
        space: z.enum(['l2', 'cosine', 'ip']).optional(),
        ef_construction: z.number().int().optional(),
        ef_search: z.number().int().optional(),
        max_neighbors: z.number().int().optional(),
      })
      .optional(),
    embeddingFunction: embeddingFunctionSchema.optional(),
  })
  .strict();

/** Arguments of `getCollection` in Chroma's object form. */
export interface GetCollectionArgs {
  name: string;
  /** The function the collection was created with (EmbeddingFunctionError when it is another). */
  embeddingFunction?: EmbeddingFunction;
  /** chromadb's `Schema` the collection was created with: binds its sparse embedding function again. */
  schema?: unknown;
}

const getCollectionSchema = z.object({ name: z.string(), embeddingFunction: embeddingFunctionSchema.optional(), schema: z.unknown().optional() }).strict();

/** `name` or Chroma's `{ name, embeddingFunction? }`, checked; throws ValidationError. */
export function collectionRef(arg: unknown, what: string): GetCollectionArgs {
  if (typeof arg === 'string') return { name: arg };
  return parse(getCollectionSchema, arg, `${what} arguments`);
}

/**
 * Chroma's `listCollections({ limit, offset })`. Without `limit` every
 * collection is listed (Chroma's client defaults to 100: a local directory
 * has no page to fill, and a silent cut would hide collections).
 */
export const listCollectionsSchema = z
  .object({ limit: z.number().int().min(0).default(Number.MAX_SAFE_INTEGER), offset: z.number().int().min(0).default(0) })
  .strict()
  .default({ limit: Number.MAX_SAFE_INTEGER, offset: 0 });

export const modifySchema = z
  .object({ name: collectionNameSchema.optional(), metadata: z.record(z.string(), z.unknown()).nullable().optional() })
  .strict();

/** Chroma's index-configuring metadata keys and the manifest value each must keep. */
const FIXED_KEYS: Record<string, (m: ManifestState) => unknown> = {
  'hnsw:space': (m) => m.metric,
  'hnsw:M': (m) => m.hnsw.M,
  'hnsw:construction_ef': (m) => m.hnsw.efConstruction,
  'hnsw:search_ef': (m) => m.hnsw.efSearch,
};

/**
 * Throws ValidationError when new collection metadata would change the index
 * through an `hnsw:*` key: the index is built with its settings, so a
 * change could only be ignored, which OmenDB does not do silently.
 */
export function checkFixedMetadata(manifest: ManifestState, metadata: Record<string, unknown> | null): void {
  for (const [key, current] of Object.entries(FIXED_KEYS)) {
    const value = metadata?.[key];
    if (value !== undefined && value !== current(manifest)) {
      throw new ValidationError('invalid modify arguments', [
        { code: 'immutable', path: ['metadata', key], message: `the collection's index was built with ${JSON.stringify(current(manifest))}; it cannot change` },
      ]);
    }
  }
}

/** `fullText`: true, false, or BM25's `{ k1, b }` (k1 0…100, b 0…1). */
const fullTextSchema = z.union([z.boolean(), z.object({ k1: z.number().min(0).max(100).optional(), b: z.number().min(0).max(1).optional() }).strict()]);

/** createCollection's arguments: OmenDB's, plus Chroma's `embeddingFunction` and `configuration`. */
export const createArgsSchema = createCollectionSchema.extend({
  embeddingFunction: embeddingFunctionSchema.nullable().optional(),
  fullText: fullTextSchema.optional(),
  schema: z.unknown().optional(),
  configuration: chromaConfigurationSchema.optional(),
});

type CreateArgs = z.output<typeof createArgsSchema>;

/**
 * Folds Chroma's `configuration` into OmenDB's arguments (`hnsw.space` →
 * `metric`, `max_neighbors` → `M`, `ef_construction`, `ef_search`,
 * `embeddingFunction`); throws ValidationError when both name one setting.
 */
export function foldConfiguration(a: CreateArgs): Omit<CreateArgs, 'configuration'> {
  const { configuration, ...rest } = a;
  if (configuration === undefined) return rest;
  const h = configuration.hnsw ?? {};
  const conflict = (path: string) => new ValidationError('invalid createCollection arguments', [{ code: 'invalid_combination', path: ['configuration', path], message: 'also given outside configuration' }]);
  if (h.space !== undefined && a.metric !== undefined && a.metric !== h.space) throw conflict('hnsw.space');
  if (configuration.embeddingFunction !== undefined && a.embeddingFunction != null) throw conflict('embeddingFunction');
  const hnsw = {
    ...a.hnsw,
    ...(h.max_neighbors === undefined ? {} : { M: h.max_neighbors }),
    ...(h.ef_construction === undefined ? {} : { efConstruction: h.ef_construction }),
    ...(h.ef_search === undefined ? {} : { efSearch: h.ef_search }),
  };
  return {
    ...rest,
    metric: a.metric ?? h.space,
    hnsw: Object.keys(hnsw).length > 0 ? hnsw : undefined,
    embeddingFunction: configuration.embeddingFunction ?? a.embeddingFunction,
  };
}

/** Metric and HNSW settings from explicit options and Chroma's `hnsw:*` metadata keys. */
export function collectionConfig(a: { metric?: Metric; metadata?: Record<string, unknown> | null; hnsw?: { M?: number; efConstruction?: number; efSearch?: number } }) {
  const meta = a.metadata ?? {};
  const space = meta['hnsw:space'];
  if (space !== undefined && space !== 'l2' && space !== 'cosine' && space !== 'ip') {
    throw new ValidationError('invalid collection metadata', [{ code: 'invalid_value', path: ['metadata', 'hnsw:space'], message: 'expected "l2", "cosine" or "ip"' }]);
  }
  if (space !== undefined && a.metric !== undefined && space !== a.metric) {
    throw new ValidationError(`metric ${JSON.stringify(a.metric)} contradicts metadata["hnsw:space"] = ${JSON.stringify(space)}`);
  }
  const fromMeta = (key: string, param: keyof HnswParams) => {
    const v = meta[key];
    if (v === undefined) return undefined;
    const { min, max } = HNSW_PARAM_RANGES[param];
    if (typeof v !== 'number' || !inParamRange(v, { min, max })) {
      throw new ValidationError('invalid collection metadata', [{ code: 'invalid_value', path: ['metadata', key], message: `expected an integer from ${min} to ${max}` }]);
    }
    return v;
  };
  // The index's own check, so a collection is never created with parameters a checkpoint would refuse.
  const given = {
    M: a.hnsw?.M ?? fromMeta('hnsw:M', 'M'),
    efConstruction: a.hnsw?.efConstruction ?? fromMeta('hnsw:construction_ef', 'efConstruction'),
    efSearch: a.hnsw?.efSearch ?? fromMeta('hnsw:search_ef', 'efSearch'),
  };
  const { M, efConstruction, efSearch } = resolveHnswParams(
    Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)),
  );
  return { metric: (a.metric ?? space ?? 'l2') as Metric, hnsw: { M, efConstruction, efSearch } };
}
