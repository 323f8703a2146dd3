/**
 * A real Chroma server on a free loopback port, for parity benchmarks and
 * migration tests: the Rust server that ships inside the `chromadb` npm
 * package's native bindings, started through the package's own `chroma run`
 * CLI in a child process.
 *
 * ```ts
 * import { startChromaServer } from '../../scripts/chroma/server.js';
 * import { ChromaClient } from 'chromadb';
 *
 * const chroma = await startChromaServer();            // { url: 'http://127.0.0.1:40123', port, path, stop }
 * const client = new ChromaClient({ path: chroma.url });
 * // … use the server …
 * await chroma.stop();                                 // kills it and removes its temporary data directory
 * ```
 *
 * From a shell: `npx tsx scripts/chroma/server.ts [--path <dir>]` starts a
 * server, prints its url and runs until Ctrl-C.
 *
 * Requirements (root devDependencies): `chromadb@3.0.11` and
 * `chromadb-js-bindings-linux-x64-gnu@1.0.5`. Those bindings are the newest
 * that run on glibc 2.36 (Debian 12); later ones need glibc 2.38+. Other
 * platforms need their own `chromadb-js-bindings-*` package.
 *
 * Errors: `startChromaServer` rejects when the CLI cannot be found, when the
 * server exits before answering, or when it does not answer its heartbeat
 * within `startTimeoutMs`; the rejection carries the tail of the server's
 * output. A server still running when this process exits is killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Options of {@link startChromaServer}; every field has a default. */
export interface ChromaServerOptions {
  /**
   * Persistence directory. Default: a fresh directory under the OS temp dir,
   * removed by `stop()`. A directory given here is kept.
   */
  path?: string;
  /** How long to wait for the first successful heartbeat, in ms. Default 30,000. */
  startTimeoutMs?: number;
}

/** A running server. */
export interface ChromaServer {
  /** Base url for `new ChromaClient({ path: url })`, e.g. `http://127.0.0.1:40123`. */
  url: string;
  port: number;
  /** The persistence directory. */
  path: string;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and removes a temporary data directory. Safe to call twice. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const DEFAULT_START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
const HEARTBEAT_INTERVAL_MS = 100;
/** Attempts when another process takes the probed free port before Chroma binds it. */
const PORT_ATTEMPTS = 3;
/** Characters of server output kept for error messages. */
const OUTPUT_TAIL_CHARS = 4_000;

/** Starts a Chroma server on a free port of 127.0.0.1 and resolves once it answers its heartbeat. */
export async function startChromaServer(options: ChromaServerOptions = {}): Promise<ChromaServer> {
  const cli = chromaCliPath();
  const ownsPath = options.path === undefined;
  const path = options.path === undefined ? mkdtempSync(join(tmpdir(), 'omendb-chroma-')) : resolve(options.path);
  let lastError: unknown;
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
    const port = await freePort();
    try {
      return await launch(cli, path, port, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS, ownsPath);
    } catch (error) {
      lastError = error;
      if (!(error instanceof EarlyExitError)) break;
    }
  }
  if (ownsPath) rmSync(path, { recursive: true, force: true });
  throw lastError;
}

/** The server exited before answering; the port may have been taken, so another attempt may succeed. */
class EarlyExitError extends Error {}

async function launch(cli: string, path: string, port: number, timeoutMs: number, ownsPath: boolean): Promise<ChromaServer> {
  const child = spawn(process.execPath, [cli, 'run', '--path', path, '--host', HOST, '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  // A server left running when this process ends would hold its port and directory.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const url = `http://${HOST}:${port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', killOnExit);
    await terminate(child, exited);
    if (ownsPath) rmSync(path, { recursive: true, force: true });
  };

  try {
    await waitForHeartbeat(url, child, timeoutMs, () => output);
  } catch (error) {
    stopped = true;
    process.removeListener('exit', killOnExit);
    await terminate(child, exited);
    throw error;
  }
  return { url, port, path, stop };
}

async function waitForHeartbeat(url: string, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new EarlyExitError(`chroma exited (${child.exitCode ?? child.signalCode}) before answering:\n${output()}`);
    }
    try {
      const response = await fetch(`${url}/api/v2/heartbeat`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, HEARTBEAT_INTERVAL_MS));
  }
  throw new Error(`chroma did not answer ${url}/api/v2/heartbeat within ${timeoutMs} ms:\n${output()}`);
}

async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/** A port the OS reports free on 127.0.0.1 (bound to port 0, read, released). */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolvePort(port) : reject(new Error('could not read a free port'))));
    });
  });
}

/** The `chroma` bin of the installed `chromadb` package, found from this file so the cwd does not matter. */
function chromaCliPath(): string {
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve('chromadb');
  } catch {
    throw new Error('chromadb is not installed: pnpm add -D -w chromadb@3.0.11 chromadb-js-bindings-linux-x64-gnu@1.0.5');
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; bin?: Record<string, string> };
    if (pkg.name !== 'chromadb') continue;
    const bin = pkg.bin?.chroma;
    if (bin === undefined) throw new Error(`${manifest} declares no "chroma" bin`);
    return join(dir, bin);
  }
  throw new Error(`no chromadb package.json above ${entry}`);
}

/** Whether this file is being run directly (`tsx scripts/chroma/server.ts`) rather than imported. */
function isMain(): boolean {
  return process.argv[1] !== undefined && pathToFileURL(resolve(process.argv[1])).href === import.meta.url;
}

if (isMain()) {
  const at = process.argv.indexOf('--path');
  const server = await startChromaServer(at >= 0 ? { path: process.argv[at + 1] } : {});
  console.log(`chroma listening at ${server.url} (data in ${server.path}); Ctrl-C stops it`);
  const shutdown = () => void server.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
