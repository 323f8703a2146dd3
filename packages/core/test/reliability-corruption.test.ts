/**
 * Corruption sweeps, bounded form: every file kind (FORMAT, CATALOG, LOCK, MANIFEST, segment, WAL), the first 17 bytes of each
 * region (headers, lengths, checksums) and 2 more offsets per region (see
 * fixtures/corruption-suite.ts); reliability-corruption.long.test.ts sweeps more.
 */
import { corruptionSweepSuite } from './fixtures/corruption-suite.js';

corruptionSweepSuite({ perRegion: 2 });
