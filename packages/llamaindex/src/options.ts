/**
 * Options of `new OmenVectorStore(...)`, checked once in the constructor.
 */
import { ValidationError, type Metric, type OmenDB, type QuantizationSpec } from '@omendb/core';
import type { VectorStoreBaseParams } from 'llamaindex';

export interface OmenVectorStoreOptions extends VectorStoreBaseParams {
  /**
   * Database directory. The store opens it (creating it if missing) on first
   * use with `durability: 'sync'`, holds a handle on it, and releases that in
   * `close()`. Other opens of the directory in this process share the
   * database (with the same options); another process gets core's LockError.
   * Give either `path` or `db`.
   */
  path?: string;
  /**
   * An open database to use instead of `path`, e.g. to share it with other
   * code or to choose its durability. The store never closes it.
   */
  db?: OmenDB;
  /** Collection holding the nodes; created on first use if missing. Default `'llamaindex'`. */
  collectionName?: string;
  /**
   * Metric of a newly created collection: `'cosine'` (default, as LlamaIndex's
   * `SimpleVectorStore` scores), `'ip'` or `'l2'`. An existing collection keeps
   * its own; naming a different one is a ValidationError at first use.
   */
  metric?: Metric;
  /**
   * Quantization of a newly created collection (core's `createCollection`
   * option: `'sq8'`, `'binary'` or `{ type: 'pq', subvectors, bits: 8 }`);
   * default float32 only. Naming another than an existing collection's is a
   * ValidationError at first use.
   */
  quantization?: QuantizationSpec;
  /**
   * A BM25 full-text index over the nodes' text in a newly created
   * collection (core's `createCollection` option: `true`, or `{ k1, b }`);
   * default off. The `text_search`, `sparse` and `hybrid` query modes need
   * it. Fixed when the collection is created: an existing collection keeps
   * what it was created with.
   */
  fullText?: boolean | { k1?: number; b?: number };
}

export const DEFAULT_COLLECTION_NAME = 'llamaindex';
export const DEFAULT_METRIC: Metric = 'cosine';

/** Where the database comes from, after validation. */
export type DatabaseSource = { kind: 'path'; path: string } | { kind: 'db'; db: OmenDB };

export interface CheckedOptions {
  source: DatabaseSource;
  collectionName: string;
  /** The metric asked for, or undefined to take the collection's (default cosine when creating). */
  metric: Metric | undefined;
  /** Checked by core's createCollection, which knows the dimension. */
  quantization: QuantizationSpec | undefined;
  /** Checked by core's createCollection. */
  fullText: OmenVectorStoreOptions['fullText'];
}

/** Throws ValidationError unless exactly one of `path` / `db` is given and `metric` is known. */
export function checkOptions(options: OmenVectorStoreOptions | undefined): CheckedOptions {
  const { path, db, collectionName, metric, quantization, fullText } = options ?? {};
  if ((path === undefined) === (db === undefined)) {
    throw new ValidationError('OmenVectorStore needs exactly one of `path` (a directory) or `db` (an open OmenDB)');
  }
  if (path !== undefined && (typeof path !== 'string' || path.length === 0)) {
    throw new ValidationError('invalid options', [{ code: 'invalid_type', path: ['path'], message: 'expected a non-empty directory path' }]);
  }
  // Duck-typed: an OmenDB loaded through the other module format (ESM vs CJS) is not `instanceof` this one.
  if (db !== undefined && typeof (db as Partial<OmenDB> | null)?.getOrCreateCollection !== 'function') {
    throw new ValidationError('invalid options', [{ code: 'invalid_type', path: ['db'], message: 'expected an OmenDB from OmenDB.open' }]);
  }
  if (metric !== undefined && metric !== 'cosine' && metric !== 'ip' && metric !== 'l2') {
    throw new ValidationError('invalid options', [{ code: 'invalid_value', path: ['metric'], message: 'expected "cosine", "ip" or "l2"' }]);
  }
  if (collectionName !== undefined && typeof collectionName !== 'string') {
    throw new ValidationError('invalid options', [{ code: 'invalid_type', path: ['collectionName'], message: 'expected a string' }]);
  }
  return {
    source: db !== undefined ? { kind: 'db', db } : { kind: 'path', path: path as string },
    collectionName: collectionName ?? DEFAULT_COLLECTION_NAME,
    metric,
    quantization,
    fullText,
  };
}
