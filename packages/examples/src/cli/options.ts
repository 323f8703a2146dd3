/**
 * The command-line pieces every example shares: the common options
 * (`--dir`, `--query`, `--db`, `--k`), paths taken from where the user ran
 * pnpm, a temporary database removed however the process ends, and a
 * one-line failure report that shows OmenDB's error `code`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { EMBEDDER_NAMES, type EmbedderName } from '../embedder/text-embedder.js';

/** The options every example takes. */
export interface CommonOptions {
  dir?: string;
  query: string[];
  db?: string;
  k: number;
  embedder: EmbedderName;
}

/** A commander program with the common options; `kHelp`/`kDefault` describe `--k`. */
export function exampleProgram(name: string, description: string, kHelp: string, kDefault: number): Command {
  return new Command()
    .name(name)
    .description(description)
    .option('--dir <folder>', 'use every .md/.markdown/.txt file under <folder> instead of the project docs')
    .option('-q, --query <text>', 'a question to ask (repeatable); replaces the built-in questions', collect, [])
    .option('--db <dir>', 'database directory to create or reuse (default: a temporary directory, removed afterwards)')
    .option('-k, --k <n>', kHelp, positiveInteger, kDefault)
    .addOption(
      new Option('--embedder <name>', 'default: the offline semantic model; hashing: the lexical feature-hashing embedder')
        .choices(EMBEDDER_NAMES)
        .default('default'),
    )
    .showHelpAfterError();
}

/** Parses `argv` (process.argv shape) with `program` and returns its options. */
export function parseExampleArgs<T>(program: Command, argv: string[]): T {
  // `pnpm <script> -- --dir x` forwards the `--` itself; commander would read everything after it as positionals.
  const args = argv.slice(2);
  if (args[0] === '--') args.shift();
  program.parse(args, { from: 'user' });
  return program.opts<T & Record<string, unknown>>();
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected an integer >= 1');
  return n;
}

/**
 * Paths the user typed are relative to where they ran pnpm, not to this
 * package (the cwd pnpm gives scripts); pnpm passes the former as `INIT_CWD`.
 */
export function userPath(path: string): string {
  return isAbsolute(path) ? path : resolve(process.env.INIT_CWD || process.cwd(), path);
}

/**
 * The database directory: `db` as the user gave it, or a fresh temporary
 * directory that is removed however the process ends (normally, on an
 * uncaught error such as EPIPE when piped into `head`, or on Ctrl-C /
 * SIGTERM, which otherwise skip `finally` blocks).
 */
export function databaseDirectory(db: string | undefined, prefix: string): string {
  if (db !== undefined) return userPath(db);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
  return dir;
}

/** Runs `main`, reporting a failure as one line with OmenDB's error code, exit code 1. */
export function runMain(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    // OmenDB errors carry a stable `code`; show it so a failure can be matched to the docs.
    const code = typeof (error as { code?: unknown })?.code === 'string' ? ` [${(error as { code: string }).code}]` : '';
    const message = error instanceof Error ? `${error.name}${code}: ${error.message}` : String(error);
    process.stderr.write(`${name} failed: ${message}\n`);
    process.exitCode = 1;
  });
}
