import { z } from 'zod';
import { ValidationError } from '../errors.js';

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

/** Ranges as the index takes them (see index/hnsw-params.ts); efConstruction ≥ M is checked once both are known. */
export const hnswSchema = z
  .object({
    M: z.number().int().min(2).max(100).optional(),
    efConstruction: z.number().int().min(2).max(4096).optional(),
    efSearch: z.number().int().min(1).max(4096).optional(),
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

export const querySchema = z
  .object({
    queryEmbeddings: z.array(vectorSchema).min(1, 'queryEmbeddings is empty'),
    nResults: z.number().int().min(1).max(100_000).default(10),
    where: z.unknown().optional(),
    whereDocument: z.unknown().optional(),
    include: includeSchema,
    efSearch: z.number().int().min(1).max(100_000).optional(),
    exact: z.boolean().optional(),
  })
  .strict();

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
