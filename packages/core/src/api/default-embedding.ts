import { EmbeddingFunctionError } from '../errors.js';
import {
  DEFAULT_EMBEDDING_FUNCTION_NAME,
  registerEmbeddingFunction,
  registeredEmbeddingFunction,
  unregisterEmbeddingFunction,
  type EmbeddingFunctionClass,
} from './embedding-function.js';

/** The package of the offline default embedding function; an optional peer dependency, never imported eagerly. */
export const DEFAULT_EMBEDDING_PACKAGE = '@omendb/default-embed';

type ModuleLoader = (specifier: string) => Promise<unknown>;

// A variable specifier keeps bundlers from resolving the optional package at build time.
const importModule: ModuleLoader = (specifier) => import(specifier);
let loadModule: ModuleLoader = importModule;
/** The class this module registered under `omendb-default`, from whichever loader was current. */
let loadedClass: EmbeddingFunctionClass | null = null;

/**
 * @internal Replaces how the default package is imported (tests); `undefined`
 * restores `import()`. Also forgets the class an earlier loader registered,
 * so the next use imports through this one: test files share the registry
 * when they share a process.
 */
export function setDefaultEmbeddingLoader(loader: ModuleLoader | undefined): void {
  loadModule = loader ?? importModule;
  if (loadedClass !== null) unregisterEmbeddingFunction(DEFAULT_EMBEDDING_FUNCTION_NAME, loadedClass);
  loadedClass = null;
}

/**
 * The class of the default embedding function, registered under
 * `omendb-default` on first use (Chroma registers `@chroma-core/default-embed`
 * the same way). Throws EmbeddingFunctionError saying what to install when
 * the package cannot be imported.
 */
export async function defaultEmbeddingClass(): Promise<EmbeddingFunctionClass> {
  const registered = registeredEmbeddingFunction(DEFAULT_EMBEDDING_FUNCTION_NAME);
  if (registered) return registered;
  let mod: unknown;
  try {
    mod = await loadModule(DEFAULT_EMBEDDING_PACKAGE);
  } catch (err) {
    throw new EmbeddingFunctionError(
      `embedding text needs an embedding function: \`npm install ${DEFAULT_EMBEDDING_PACKAGE}\` for the offline default, or pass \`embeddingFunction\` (or give embeddings)`,
      { cause: err },
    );
  }
  const cls = (mod as { DefaultEmbeddingFunction?: EmbeddingFunctionClass } | null)?.DefaultEmbeddingFunction;
  if (typeof cls !== 'function' || typeof cls.buildFromConfig !== 'function') {
    throw new EmbeddingFunctionError(`${DEFAULT_EMBEDDING_PACKAGE} does not export a DefaultEmbeddingFunction class with buildFromConfig`);
  }
  // Two concurrent first uses both import; the second registration is of the same class.
  registerEmbeddingFunction(DEFAULT_EMBEDDING_FUNCTION_NAME, cls);
  loadedClass = cls;
  return cls;
}
