import { DimensionMismatchError, ValidationError, type ValidationIssue } from '../errors.js';
import { validateRecords } from '../api/records.js';
import type { Metadata, Metric } from '../types.js';
import { CliError } from './errors.js';
import { float32Text } from './float-text.js';

/**
 * One record of an export file: one JSON object per line,
 * `{"id": string, "embedding": number[], "metadata": object|null, "document": string|null}`.
 */
export interface JsonlRecord {
  id: string;
  /** The vector as float32 (as it will be stored). */
  embedding: Float32Array;
  metadata: Metadata | null;
  document: string | null;
}

const FIELDS = new Set(['id', 'embedding', 'metadata', 'document']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The JSON line (with its `\n`) of one record; floats printed by {@link float32Text}. */
export function encodeRecordLine(id: string, embedding: ArrayLike<number>, metadata: Metadata | null, document: string | null): string {
  let floats = '';
  for (let i = 0; i < embedding.length; i++) floats += (i === 0 ? '' : ',') + float32Text(embedding[i]);
  return `{"id":${JSON.stringify(id)},"embedding":[${floats}],"metadata":${JSON.stringify(metadata)},"document":${JSON.stringify(document)}}\n`;
}

/** What a line is checked against: the collection's dimension (null: not fixed yet) and metric. */
export interface LineContext {
  file: string;
  dimension: number | null;
  metric: Metric;
}

/**
 * Parses and validates one line, with the same rules as `Collection.add`
 * (ids, finite float32 values, dimension, metadata, documents). Returns null
 * for a blank line. Throws CliError naming the file and line number, with the
 * code of the engine's error (`VALIDATION`, `DIMENSION_MISMATCH`…).
 */
export function parseRecordLine(bytes: Uint8Array, lineNumber: number, ctx: LineContext): JsonlRecord | null {
  const fail = (code: string, detail: string): never => {
    throw new CliError(code, `${ctx.file} line ${lineNumber}: ${detail}`);
  };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return fail('VALIDATION', 'not valid UTF-8');
  }
  if (text.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return fail('VALIDATION', `not valid JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('VALIDATION', 'expected a JSON object {"id", "embedding", "metadata", "document"}');
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!FIELDS.has(key)) fail('VALIDATION', `unknown field ${JSON.stringify(key)} (a record has id, embedding, metadata, document)`);
  }
  if (typeof obj.id !== 'string') fail('VALIDATION', '"id" must be a string');
  if (!Array.isArray(obj.embedding)) fail('VALIDATION', '"embedding" must be an array of numbers');
  if (obj.document !== undefined && obj.document !== null && typeof obj.document !== 'string') {
    fail('VALIDATION', '"document" must be a string or null');
  }
  try {
    const valid = validateRecords(
      { ids: [obj.id], embeddings: [obj.embedding], metadatas: [obj.metadata ?? null], documents: [obj.document ?? null] },
      { requireEmbeddings: true, dimension: ctx.dimension, metric: ctx.metric },
    );
    return { id: valid.ids[0], embedding: valid.vectors!, metadata: valid.metadatas![0], document: valid.documents![0] };
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    if (err instanceof DimensionMismatchError) {
      return fail(err.code, `"embedding" has ${err.actual} values, the collection's dimension is ${err.expected}`);
    }
    const detail = err.issues.length > 0 ? err.issues.slice(0, 3).map(describeIssue).join('; ') : err.message;
    return fail(err.code, detail);
  }
}

/** An engine issue in the terms of the line: `embedding[3]: …`, `metadata.a.b: …`. */
function describeIssue(issue: ValidationIssue): string {
  const [field, , ...rest] = issue.path;
  const name = field === 'embeddings' ? 'embedding' : field === 'metadatas' ? 'metadata' : field === 'documents' ? 'document' : field === 'ids' ? 'id' : String(field ?? '');
  const where = name === 'embedding' ? `${name}${rest.map((p) => `[${p}]`).join('')}` : [name, ...rest].join('.');
  return where ? `${where}: ${issue.message}` : issue.message;
}
