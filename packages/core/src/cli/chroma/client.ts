import type { ChromaClient, Collection as ChromaCollection, EmbeddingFunction } from 'chromadb';
import { CliError } from '../errors.js';

/** The `chromadb` module, loaded on demand: it is an optional peer dependency of @omendb/core. */
type ChromaModule = typeof import('chromadb');

/** Loads the `chromadb` package, or throws CliError `CHROMA_MISSING` saying how to install it. */
export async function loadChroma(): Promise<ChromaModule> {
  try {
    return await import('chromadb');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && /chromadb/.test((err as Error).message)) {
      throw new CliError(
        'CHROMA_MISSING',
        'migrate talks to Chroma through its JS client, and the chromadb package is not installed',
        'install it next to @omendb/core: npm install chromadb@^3',
        { cause: err },
      );
    }
    throw err;
  }
}

/** True for an `http://` or `https://` URL (a Chroma server), false for a path (an OmenDB directory). */
export function isChromaUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/**
 * Host, port and TLS of a Chroma URL. Without a port, http means Chroma's
 * default 8000 and https 443. Chroma's JS client cannot address a server
 * under a sub-path, so a path other than `/` is refused.
 */
export function parseChromaUrl(url: string): { host: string; port: number; ssl: boolean } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError('USAGE', `${url} is not a valid URL`, 'give the Chroma server as http://host:port');
  }
  if (parsed.pathname !== '/' && parsed.pathname !== '') {
    throw new CliError('USAGE', `${url} has a path (${parsed.pathname}); Chroma's client connects to a server root only`, 'give the Chroma server as http://host:port');
  }
  const ssl = parsed.protocol === 'https:';
  return { host: parsed.hostname, port: parsed.port ? Number(parsed.port) : ssl ? 443 : 8000, ssl };
}

/** Connects to the Chroma server at `url` and checks that it answers; throws CliError `CHROMA_UNREACHABLE`. */
export async function connectChroma(url: string, tenant: string, database: string): Promise<ChromaClient> {
  const { ChromaClient } = await loadChroma();
  const client = new ChromaClient({ ...parseChromaUrl(url), tenant, database });
  try {
    await client.heartbeat();
  } catch (err) {
    throw new CliError('CHROMA_UNREACHABLE', `no Chroma server answers at ${url} (${(err as Error).message})`, 'start one (npx chroma run --path ./chroma-data) or check the URL', {
      cause: err,
    });
  }
  return client;
}

/**
 * Given to Chroma for every collection migrate opens: migrate copies stored
 * embeddings and never embeds text, and naming a function stops the client
 * from looking up (and warning about) the collection's own.
 */
export const noEmbedding: EmbeddingFunction = {
  generate: async () => {
    throw new Error('omendb migrate copies stored embeddings and never embeds text');
  },
};

/** Names of every collection on the server, paging through the listing. */
export async function listChromaCollections(client: ChromaClient): Promise<string[]> {
  const names: string[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await quietly(() => client.listCollections({ limit: 100, offset }));
    names.push(...page.map((c) => c.name));
    if (page.length < 100) return names;
  }
}

/** Opens a Chroma collection by name; throws CliError `NOT_FOUND` naming it. */
export async function openChromaCollection(client: ChromaClient, name: string): Promise<ChromaCollection> {
  try {
    return await client.getCollection({ name, embeddingFunction: noEmbedding });
  } catch (err) {
    if ((err as Error).name === 'ChromaNotFoundError') {
      throw new CliError('NOT_FOUND', `the Chroma server has no collection ${JSON.stringify(name)}`, 'check the name with --collection', { cause: err });
    }
    throw err;
  }
}

/** Creates a Chroma collection without an embedding function (migrate always passes embeddings). */
export async function createChromaCollection(client: ChromaClient, name: string, metadata: Record<string, string | number | boolean>): Promise<ChromaCollection> {
  return quietly(() => client.createCollection({ name, metadata, embeddingFunction: null }));
}

/**
 * Runs `fn` with `console.warn` muted. The client warns once per listed
 * collection that has no embedding function configured — irrelevant here,
 * since migrate always passes embeddings, and confusing in the CLI's output.
 */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = () => {};
  try {
    return await fn();
  } finally {
    console.warn = warn;
  }
}
