/**
 * Chroma's collection `Schema` (chromadb ≥ 3.5: `new Schema().createIndex(new
 * SparseVectorIndexConfig({ embeddingFunction, sourceKey: K.DOCUMENT, bm25: true }), key)`),
 * read into OmenDB's settings: a sparse-vector index on one key, the
 * full-text index on `#document` (`FtsIndexConfig`), and the dense index's
 * space and embedding function. The schema object is read by shape (its
 * `keys` and `defaults`), so any copy of the `chromadb` package works.
 * What OmenDB cannot honour raises ValidationError (code `unsupported`),
 * never a silent fallback.
 */
import { ValidationError, type ValidationIssue } from '../errors.js';
import type { SparseRecord } from '../format/manifest.js';
import type { Metric } from '../types.js';
import type { EmbeddingFunction } from './embedding-function.js';
import { isSparseEmbeddingFunction, type SparseEmbeddingFunction } from './sparse-embedding.js';

/** The settings a schema asks for; fields absent when it leaves them to the other arguments. */
export interface SchemaSettings {
  fullText?: boolean;
  sparse?: SparseRecord;
  sparseEmbeddingFunction?: SparseEmbeddingFunction;
  metric?: Metric;
  embeddingFunction?: EmbeddingFunction;
}

const DOCUMENT = '#document';
const EMBEDDING = '#embedding';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;

export function readChromaSchema(schema: unknown): SchemaSettings {
  const issues: ValidationIssue[] = [];
  const out: SchemaSettings = {};
  if (!isObj(schema) || !isObj(schema.keys)) {
    throw new ValidationError('invalid schema', [{ code: 'invalid_type', path: ['schema'], message: "expected chromadb's Schema (an object with `keys`)" }]);
  }
  if (schema.cmek !== undefined && schema.cmek !== null) issues.push({ code: 'unsupported', path: ['schema', 'cmek'], message: 'customer-managed keys apply to Chroma Cloud; an embedded database has none' });
  const defaults = isObj(schema.defaults) ? schema.defaults : {};
  const defaultSparse = index(defaults, 'sparseVector', 'sparseVectorIndex');
  if (defaultSparse?.enabled === true) issues.push({ code: 'unsupported', path: ['schema', 'defaults', 'sparseVector'], message: 'a sparse-vector index on every key is not supported; create it on one key' });
  for (const [key, valueTypes] of Object.entries(schema.keys)) {
    if (!isObj(valueTypes)) continue;
    const path = ['schema', 'keys', key];
    const sparse = index(valueTypes, 'sparseVector', 'sparseVectorIndex');
    if (sparse?.enabled === true && isObj(sparse.config)) {
      if (out.sparse) issues.push({ code: 'unsupported', path, message: `one sparse-vector index per collection; ${JSON.stringify(out.sparse.key)} has one` });
      else readSparse(key, sparse.config, out, issues, path);
    }
    if (key === DOCUMENT) {
      const fts = index(valueTypes, 'string', 'ftsIndex');
      if (fts && typeof fts.enabled === 'boolean') out.fullText = fts.enabled;
    }
    if (key === EMBEDDING) {
      const vector = index(valueTypes, 'floatList', 'vectorIndex');
      if (vector && isObj(vector.config)) readVector(vector.config, out, issues, [...path, 'floatList']);
    }
  }
  if (issues.length > 0) throw new ValidationError('unsupported schema', issues);
  return out;
}

function index(valueTypes: Obj, type: string, name: string): Obj | undefined {
  const t = valueTypes[type];
  const i = isObj(t) ? t[name] : undefined;
  return isObj(i) ? i : undefined;
}

function readSparse(key: string, config: Obj, out: SchemaSettings, issues: ValidationIssue[], path: string[]): void {
  if (key.startsWith('#') || key.includes('.') || key.startsWith('$')) {
    issues.push({ code: 'unsupported', path, message: 'a sparse-vector index lives on a metadata key (no leading #/$, no .)' });
    return;
  }
  const source = config.sourceKey ?? null;
  if (source !== null && source !== DOCUMENT) {
    issues.push({ code: 'unsupported', path: [...path, 'sourceKey'], message: `sparse vectors are embedded from #document only, not ${JSON.stringify(source)}` });
    return;
  }
  const ef = config.embeddingFunction ?? undefined;
  if (ef !== undefined && !isSparseEmbeddingFunction(ef)) {
    issues.push({ code: 'invalid_type', path: [...path, 'embeddingFunction'], message: 'expected a sparse embedding function: generate(texts) → Promise<SparseVector[]>' });
    return;
  }
  if (source === DOCUMENT && ef === undefined) {
    issues.push({ code: 'invalid_combination', path: [...path, 'embeddingFunction'], message: 'sourceKey #document needs an embeddingFunction to embed the documents' });
    return;
  }
  const named = ef && typeof ef.name === 'string' ? { name: ef.name, config: typeof ef.getConfig === 'function' ? (ef.getConfig() as Obj) : {} } : undefined;
  out.sparse = { key, source: source === DOCUMENT ? 'document' : null, bm25: config.bm25 === true, ...(named ? { embeddingFunction: named } : {}) };
  if (ef) out.sparseEmbeddingFunction = ef;
}

function readVector(config: Obj, out: SchemaSettings, issues: ValidationIssue[], path: string[]): void {
  const space = config.space ?? null;
  if (space !== null) {
    if (space === 'l2' || space === 'cosine' || space === 'ip') out.metric = space;
    else issues.push({ code: 'unsupported', path: [...path, 'space'], message: `unknown space ${JSON.stringify(space)}` });
  }
  if (config.spann != null) issues.push({ code: 'unsupported', path: [...path, 'spann'], message: 'SPANN is a Chroma Cloud index; OmenDB builds HNSW (use hnsw)' });
  if (config.sourceKey != null && config.sourceKey !== DOCUMENT) issues.push({ code: 'unsupported', path: [...path, 'sourceKey'], message: 'dense vectors are embedded from #document only' });
  if (config.hnsw != null) issues.push({ code: 'unsupported', path: [...path, 'hnsw'], message: "set HNSW parameters with createCollection's `hnsw` or `configuration.hnsw`" });
  const ef = config.embeddingFunction;
  if (ef != null) out.embeddingFunction = ef as EmbeddingFunction;
}
