/**
 * The arguments of `OmenVectorStore`: Chroma's LangChain argument shape minus
 * the server, validated once at the edge.
 */
import { ValidationError, type Durability, type Metric, type OmenDB, type QuantizationSpec, type ValidationIssue, type Where } from '@omendb/core';

/** Arguments of `new OmenVectorStore(embeddings, args)` and of the static constructors. */
export interface OmenVectorStoreArgs {
  /**
   * Database directory, created when missing; default `./omendb` (relative to
   * `process.cwd()`). Stores in one process given the same path share one open
   * database. Not combinable with `db`.
   */
  path?: string;
  /** Collection to use, created on first use when missing; default `langchain`. 1–128 characters, no `/`, `\`, `..`. */
  collectionName?: string;
  /**
   * Metadata stored with the collection when this store creates it, as in
   * Chroma: `"hnsw:space"` (`"l2"` | `"cosine"` | `"ip"`) sets the metric,
   * `"hnsw:M"`, `"hnsw:construction_ef"`, `"hnsw:search_ef"` the HNSW index.
   */
  collectionMetadata?: Record<string, unknown>;
  /**
   * Metric of a collection this store creates; default `"l2"` (Chroma's
   * default) unless `collectionMetadata["hnsw:space"]` names another. When
   * given, an existing collection with another metric is rejected.
   */
  metric?: Metric;
  /** An already open database to use instead of opening `path`; the store never closes it. */
  db?: OmenDB;
  /** A Chroma `where` filter ANDed with the filter of every search (not applied to `delete`). */
  filter?: Where;
  /** Chroma's `numDimensions`: fixes the vector length of a collection this store creates; otherwise its first vector does. */
  numDimensions?: number;
  /** Durability of a database this store opens itself (see `OmenDB.open`); default `"sync"`. Ignored with `db`. */
  durability?: Durability;
  /**
   * Quantization of a collection this store creates (`createCollection`'s
   * option: `'sq8'`, `'binary'` or `{ type: 'pq', subvectors, bits: 8 }`);
   * default float32 only. When given, an existing collection quantized
   * otherwise is rejected.
   */
  quantization?: QuantizationSpec;
  /**
   * A BM25 full-text index over the documents of a collection this store
   * creates (`createCollection`'s option: `true`, or `{ k1, b }`); default
   * off. `hybridSearch` and `OmenHybridRetriever` need it. Fixed when the
   * collection is created: an existing collection keeps what it has.
   */
  fullText?: boolean | { k1?: number; b?: number };
}

/** Arguments after validation, defaults applied. */
export interface ResolvedArgs {
  path: string;
  collectionName: string;
  collectionMetadata?: Record<string, unknown>;
  metric?: Metric;
  db?: OmenDB;
  filter?: Where;
  numDimensions?: number;
  durability: Durability;
  quantization?: QuantizationSpec;
  fullText?: boolean | { k1?: number; b?: number };
}

export const DEFAULT_PATH = './omendb';
export const DEFAULT_COLLECTION_NAME = 'langchain';

/** Chroma arguments that address a server or a client object; OmenDB has neither. */
const SERVER_KEYS = ['url', 'index', 'client', 'clientParams', 'chromaCloudAPIKey', 'host', 'port', 'ssl'];
const KNOWN_KEYS = ['path', 'collectionName', 'collectionMetadata', 'metric', 'db', 'filter', 'numDimensions', 'durability', 'quantization', 'fullText'];

/**
 * Validates `args` and applies defaults.
 * @throws ValidationError for a server argument (`url`, `index`, `clientParams`,
 * …) with a message saying what to pass instead, for an unknown key, a value of
 * the wrong type, or both `path` and `db`.
 */
export function resolveArgs(args: unknown): ResolvedArgs {
  if (args === undefined || args === null) args = {};
  if (typeof args !== 'object' || Array.isArray(args)) throw new ValidationError('OmenVectorStore arguments must be an object');
  const a = args as Record<string, unknown>;
  const server = SERVER_KEYS.find((key) => a[key] !== undefined);
  if (server !== undefined) {
    throw new ValidationError(
      `OmenVectorStore does not take \`${server}\`: OmenDB is embedded, it runs inside this process and there is no server to connect to. ` +
        `Remove \`${server}\` and pass \`path\` (a database directory, default "${DEFAULT_PATH}") or \`db\` (an open OmenDB).`,
      [{ code: 'server_argument', path: [server], message: 'OmenDB has no server; pass path or db' }],
    );
  }
  const issues: ValidationIssue[] = [];
  for (const key of Object.keys(a)) {
    if (!KNOWN_KEYS.includes(key) && a[key] !== undefined) {
      issues.push({ code: 'unknown_key', path: [key], message: `unknown argument; expected one of ${KNOWN_KEYS.join(', ')}` });
    }
  }
  const check = (key: string, ok: (v: unknown) => boolean, expected: string) => {
    if (a[key] !== undefined && !ok(a[key])) issues.push({ code: 'invalid_type', path: [key], message: `expected ${expected}` });
  };
  check('path', (v) => typeof v === 'string' && v.length > 0, 'a non-empty string');
  check('collectionName', (v) => typeof v === 'string', 'a string');
  check('collectionMetadata', isPlainObject, 'a plain object');
  check('metric', (v) => v === 'l2' || v === 'cosine' || v === 'ip', '"l2", "cosine" or "ip"');
  check('db', (v) => typeof v === 'object' && v !== null && typeof (v as OmenDB).getOrCreateCollection === 'function', 'an open OmenDB');
  check('filter', isPlainObject, 'a Chroma where object');
  check('numDimensions', (v) => Number.isInteger(v) && (v as number) >= 1, 'an integer >= 1');
  check('durability', (v) => v === 'sync' || v === 'os' || v === 'none', '"sync", "os" or "none"');
  if (a.path !== undefined && a.db !== undefined) {
    issues.push({ code: 'conflict', path: ['db'], message: 'pass either path (the store opens the database) or db (already open), not both' });
  }
  if (issues.length > 0) throw new ValidationError('invalid OmenVectorStore arguments', issues);
  return {
    path: (a.path as string | undefined) ?? DEFAULT_PATH,
    collectionName: (a.collectionName as string | undefined) ?? DEFAULT_COLLECTION_NAME,
    collectionMetadata: a.collectionMetadata as Record<string, unknown> | undefined,
    metric: a.metric as Metric | undefined,
    db: a.db as OmenDB | undefined,
    filter: a.filter as Where | undefined,
    numDimensions: a.numDimensions as number | undefined,
    durability: (a.durability as Durability | undefined) ?? 'sync',
    // Checked by createCollection, which knows the dimension.
    quantization: a.quantization as QuantizationSpec | undefined,
    // Checked by createCollection.
    fullText: a.fullText as ResolvedArgs['fullText'],
  };
}

function isPlainObject(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
