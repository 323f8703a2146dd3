#!/usr/bin/env node
/**
 * The `omendb` command (the `bin` of @omendb/core): see `omendb --help` and
 * the README's "Command line" section.
 */
import { processIO } from './io.js';
import { runCli } from './program.js';

// A reader that goes away (`omendb export … | head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

// No top-level await: this entry is also built as CommonJS.
void runCli(process.argv.slice(2), processIO()).then((code) => {
  process.exitCode = code;
});
