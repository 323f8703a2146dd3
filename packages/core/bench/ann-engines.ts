/**
 * The two engines bench/ann.ts compares, behind one shape: build from rows,
 * set ef, search one query for k rows.
 */
import hnswlib from 'hnswlib-node';
import { HnswIndex } from '../src/index/hnsw.js';
import type { Metric } from '../src/types.js';

export interface AnnEngine {
  readonly name: string;
  /** Inserts every row (count × dim, row-major), timed by the caller. */
  build(rows: Float32Array, dim: number): void;
  setEf(ef: number): void;
  /** Rows of the k nearest, nearest first. */
  search(query: Float32Array, queryArray: number[], k: number): ArrayLike<number>;
}

export interface EngineSpec {
  metric: Metric;
  M: number;
  efConstruction: number;
  seed: number;
}

/** OmenDB's HnswIndex (WebAssembly SIMD). */
export function omendbEngine(spec: EngineSpec): AnnEngine {
  let index: HnswIndex | undefined;
  let ef = 64;
  return {
    name: 'omendb',
    build(rows, dim) {
      index = new HnswIndex(dim, spec.metric, { M: spec.M, efConstruction: spec.efConstruction, seed: spec.seed }, {
        initialCapacity: rows.length / dim,
      });
      for (let row = 0; row < rows.length / dim; row++) index.add(rows.subarray(row * dim, (row + 1) * dim));
    },
    setEf(value) {
      ef = value;
    },
    search(query, _queryArray, k) {
      if (index === undefined) throw new Error('build first');
      const found = index.search(query, k, { efSearch: ef });
      const rows = new Int32Array(found.length);
      for (let i = 0; i < found.length; i++) rows[i] = found[i].row;
      return rows;
    },
  };
}

/**
 * hnswlib-node (C++ hnswlib 0.8 behind N-API). Its API takes number[], so
 * rows and queries are converted before the clock starts.
 */
export function hnswlibEngine(spec: EngineSpec, rowArrays: number[][]): AnnEngine {
  const space = spec.metric === 'l2' ? 'l2' : spec.metric === 'ip' ? 'ip' : 'cosine';
  let index: InstanceType<typeof hnswlib.HierarchicalNSW> | undefined;
  return {
    name: 'hnswlib-node',
    build(rows, dim) {
      index = new hnswlib.HierarchicalNSW(space, dim);
      index.initIndex(rowArrays.length, spec.M, spec.efConstruction, spec.seed);
      for (let row = 0; row < rowArrays.length; row++) index.addPoint(rowArrays[row], row);
    },
    setEf(value) {
      index?.setEf(value);
    },
    search(_query, queryArray, k) {
      if (index === undefined) throw new Error('build first');
      return index.searchKnn(queryArray, k).neighbors;
    },
  };
}
