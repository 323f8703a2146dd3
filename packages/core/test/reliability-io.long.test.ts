/**
 * I/O errors, long tier: EIO and ENOSPC at every Vfs call of the CI workload
 * (fixtures/io-error-suite.ts).
 *
 * Longer still: OMENDB_IO_SEEDS=10 OMENDB_IO_OPS=80.
 */
import { ioErrorSuite } from './fixtures/io-error-suite.js';
import { envInt } from './fixtures/reliability-report.js';

ioErrorSuite({ seeds: envInt('OMENDB_IO_SEEDS', 1), ops: envInt('OMENDB_IO_OPS', 30) });
