import { fileURLToPath } from 'node:url';
import { ChromaClient } from 'chromadb';

/** A running Chroma server (scripts/chroma/server.ts, the one `pnpm parity:chroma` starts). */
export interface ChromaServer {
  url: string;
  stop(): Promise<void>;
}

// Imported by path: the helper lies outside this package's TypeScript project.
const serverModule = fileURLToPath(new URL('../../../../scripts/chroma/server.ts', import.meta.url));

/** Starts a real Chroma server and a client of it; `stop()` the server when done. */
export async function startChroma(): Promise<{ server: ChromaServer; client: ChromaClient }> {
  const { startChromaServer } = (await import(/* @vite-ignore */ serverModule)) as { startChromaServer: () => Promise<ChromaServer> };
  const server = await startChromaServer();
  const url = new URL(server.url);
  return { server, client: new ChromaClient({ host: url.hostname, port: Number(url.port), ssl: false }) };
}
