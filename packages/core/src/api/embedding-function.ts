import { AlreadyExistsError, EmbeddingFunctionError } from '../errors.js';
import type { EmbeddingFunctionRecord } from '../format/manifest.js';
import type { Metric } from '../types.js';

/**
 * Chroma's `EmbeddingFunction` shape (chromadb 3.x), so functions written for
 * Chroma (`@chroma-core/openai`, `@chroma-core/ollama`, your own) plug in as
 * they are. Only `generate` is required.
 */
export interface EmbeddingFunction {
  /** One vector per text, in order: `texts.length` × d finite numbers, the same d for every call. */
  generate(texts: string[]): Promise<number[][]>;
  /** Registry name; with `getConfig` and a static `buildFromConfig` it lets a reopened collection rebuild the function. */
  name?: string;
  defaultSpace?(): Metric;
  supportedSpaces?(): Metric[];
  buildFromConfig?(config: Record<string, any>): EmbeddingFunction;
  /** JSON-serialisable settings, stored in the collection's manifest as Chroma stores them. */
  getConfig?(): Record<string, any>;
  validateConfigUpdate?(newConfig: Record<string, any>): void;
  validateConfig?(config: Record<string, any>): void;
}

/** A class of embedding functions, as `registerEmbeddingFunction` takes it (Chroma's `EmbeddingFunctionClass`). */
export interface EmbeddingFunctionClass {
  new (...args: any[]): EmbeddingFunction;
  buildFromConfig(config: Record<string, any>): EmbeddingFunction;
}

/** Name under which `@omendb/default-embed` registers, and which a collection created without a function records. */
export const DEFAULT_EMBEDDING_FUNCTION_NAME = 'omendb-default';

const registry = new Map<string, EmbeddingFunctionClass>();

/**
 * Registers a class so that collections created with a function of this
 * `name` rebuild it from their stored config when reopened without one
 * (Chroma's `registerEmbeddingFunction`). Throws AlreadyExistsError when the
 * name is taken by another class.
 */
export function registerEmbeddingFunction(name: string, fn: EmbeddingFunctionClass): void {
  const existing = registry.get(name);
  if (existing !== undefined && existing !== fn) throw new AlreadyExistsError(`embedding function ${JSON.stringify(name)} is already registered`);
  registry.set(name, fn);
}

/** @internal Drops `name`'s registration if it is `fn` (the default's test hook, default-embedding.ts). */
export function unregisterEmbeddingFunction(name: string, fn: EmbeddingFunctionClass): void {
  if (registry.get(name) === fn) registry.delete(name);
}

/** The class registered under `name`, if any. */
export function registeredEmbeddingFunction(name: string): EmbeddingFunctionClass | undefined {
  return registry.get(name);
}

/**
 * What the manifest keeps of a function: its name and config when it has
 * both and its class can rebuild it (`known`), else only that there was one
 * (`legacy`), as Chroma's `serializeEmbeddingFunction` does.
 */
export function recordOf(ef: EmbeddingFunction): EmbeddingFunctionRecord {
  const cls = (ef as { constructor?: { buildFromConfig?: unknown } }).constructor;
  if (typeof ef.name !== 'string' || typeof ef.getConfig !== 'function' || typeof cls?.buildFromConfig !== 'function') return { type: 'legacy' };
  try {
    const config = ef.getConfig();
    ef.validateConfig?.(config);
    // Through JSON now, so what is compared later is what the manifest holds.
    return { type: 'known', name: ef.name, config: JSON.parse(JSON.stringify(config ?? {})) as Record<string, unknown> };
  } catch (err) {
    throw new EmbeddingFunctionError(`embedding function ${JSON.stringify(ef.name)}: its config cannot be stored as JSON or is invalid: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Throws EmbeddingFunctionError when `ef` is not the function `recorded` for
 * collection `collection`: another name, or the same name with another config.
 * Functions without a name or config cannot be told apart and are accepted.
 */
export function checkSameFunction(collection: string, recorded: EmbeddingFunctionRecord | undefined, ef: EmbeddingFunction): void {
  if (recorded?.type !== 'known') return;
  const given = recordOf(ef);
  if (given.type !== 'known') return;
  if (given.name !== recorded.name) {
    throw new EmbeddingFunctionError(
      `collection ${JSON.stringify(collection)} was created with embedding function ${JSON.stringify(recorded.name)}, not ${JSON.stringify(given.name)}: its vectors are in another space`,
    );
  }
  if (stableJson(given.config) !== stableJson(recorded.config)) {
    throw new EmbeddingFunctionError(
      `collection ${JSON.stringify(collection)} was created with embedding function ${JSON.stringify(recorded.name)} configured as ${stableJson(recorded.config)}, not ${stableJson(given.config)}`,
    );
  }
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
