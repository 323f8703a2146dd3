/**
 * Where the tests find the Rust book passages (read in place, never copied:
 * the project ships no third-party text).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from '../src/corpus/load.js';

export const RUST_BOOK_JSONL = join(findRepoRoot(), '..', 'shared', 'data', 'rust-book', 'passages.jsonl');
export const HAS_RUST_BOOK = existsSync(RUST_BOOK_JSONL);
