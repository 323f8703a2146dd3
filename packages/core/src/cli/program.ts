import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { compactCommand } from './commands/compact.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { migrateCommand } from './commands/migrate.js';
import { statsCommand } from './commands/stats.js';
import { verifyCommand } from './commands/verify.js';
import { describeError, EXIT, formatError } from './errors.js';
import type { CliIO } from './io.js';

/** Replaced by the package version at build time (tsup `define`); absent when run from source. */
declare const OMENDB_VERSION: string | undefined;
const VERSION = typeof OMENDB_VERSION === 'string' ? OMENDB_VERSION : '0.0.0-source';

/**
 * Runs `omendb` with `argv` (the arguments after the program name) and
 * returns the exit code: 0 done (for verify: clean), 1 failed or problems
 * found, 2 refused (bad usage, or the database is locked by a writer). Every
 * error is printed as one line with its code; `--verbose` adds the stack.
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      return err.exitCode === 0 ? EXIT.ok : EXIT.refused;
    }
    io.stderr(formatError(err, argv.includes('--verbose')));
    return describeError(err).exitCode;
  }
}

function buildProgram(io: CliIO, setExit: (code: number) => void): Command {
  const program = new Command('omendb')
    .description('Inspect, check, compact, export, import and migrate OmenDB databases.')
    .version(VERSION)
    .option('--verbose', 'print the stack trace of an error')
    .exitOverride()
    .configureOutput({ writeOut: (s) => void io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError('(run "omendb --help" for usage)');
  const run = (fn: () => Promise<number>) => async () => setExit(await fn());

  program
    .command('stats')
    .description('collections, counts, dimension, metric, HNSW parameters, segments, memory and disk')
    .argument('<dir>', 'database directory')
    .option('--collection <name...>', 'only these collections')
    .option('--json', 'print JSON instead of tables')
    .action((dir: string, opts: { json?: boolean; collection?: string[] }) => run(() => statsCommand(io, dir, opts))());

  program
    .command('verify')
    .description('read every file and check every checksum and invariant; exit 0 only when clean (read-only)')
    .argument('<dir>', 'database directory')
    .option('--json', 'print the report as JSON')
    .action((dir: string, opts: { json?: boolean }) => run(() => verifyCommand(io, dir, opts))());

  program
    .command('compact')
    .description('merge segments and drop deleted rows, printing sizes before and after')
    .argument('<dir>', 'database directory')
    .option('--collection <name...>', 'only these collections (default: all)')
    .action((dir: string, opts: { collection?: string[] }) => run(() => compactCommand(io, dir, opts))());

  program
    .command('export')
    .description('write a collection as JSONL: one {"id", "embedding", "metadata", "document"} per line')
    .argument('<dir>', 'database directory')
    .requiredOption('--collection <name>', 'collection to export')
    .option('--out <file>', 'output file (default: standard output)')
    .addOption(batchOption(1000))
    .action((dir: string, opts: { collection: string; out?: string; batchSize: number }) => run(() => exportCommand(io, dir, opts))());

  program
    .command('import')
    .description('upsert the records of a JSONL file (as written by export); nothing is written if any line is bad')
    .argument('<dir>', 'database directory (created when missing)')
    .argument('<file>', 'JSONL file, one record per line')
    .requiredOption('--collection <name>', 'collection to import into (created when missing)')
    .addOption(new Option('--metric <metric>', 'metric of a new collection (default: l2)').choices(['l2', 'cosine', 'ip']))
    .addOption(batchOption(1000))
    .action((dir: string, file: string, opts: { collection: string; metric?: 'l2' | 'cosine' | 'ip'; batchSize: number }) =>
      run(() => importCommand(io, dir, file, opts))(),
    );

  program
    .command('migrate')
    .description('copy collections between an OmenDB directory and a Chroma server, either way, then check the copy')
    .requiredOption('--from <source>', 'a Chroma URL (http://host:port) or an OmenDB directory')
    .requiredOption('--to <target>', 'an OmenDB directory or a Chroma URL')
    .option('--collection <name...>', 'only these collections (default: all)')
    .option('--tenant <tenant>', 'Chroma tenant', 'default_tenant')
    .option('--database <database>', 'Chroma database', 'default_database')
    .addOption(batchOption(500))
    .addOption(new Option('--sample <n>', 'records compared and queries run on both sides after the copy').default(100).argParser(positiveInt))
    .action((opts: MigrateCliOptions) => run(() => migrateCommand(io, opts))());

  return program;
}

interface MigrateCliOptions {
  from: string;
  to: string;
  collection?: string[];
  tenant: string;
  database: string;
  batchSize: number;
  sample: number;
}

function batchOption(defaultSize: number): Option {
  return new Option('--batch-size <n>', 'records per read and write').default(defaultSize).argParser(positiveInt);
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}
