/**
 * Validation of record metadata, run once at the API edge before anything is
 * written; inner layers trust metadata that passed it.
 */
import { types } from 'node:util';
import type { ValidationIssue } from '../errors.js';
import { describe, isPlainObject } from '../search/filter/issues.js';
import type { Metadata, MetadataScalar, MetadataValue } from '../types.js';
import { ILL_FORMED_MESSAGE, isWellFormed } from './text.js';

/** Most levels of nested objects, counting the record's metadata object as 1. */
export const MAX_METADATA_DEPTH = 16;

/** Largest estimated encoded size of one record's metadata, in bytes (1 MiB). */
export const MAX_METADATA_BYTES = 1024 * 1024;

/** Validation stops after this many issues; one bad record need not list a million. */
const MAX_ISSUES = 100;

/** Keys that would reach or replace an object's prototype when read or merged. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

// Size estimate: an upper bound on the MessagePack encoding, using the largest
// header of each kind (a str32/array32/map32 header is 5 bytes, a float64 9).
const HEADER_BYTES = 5;
const NUMBER_BYTES = 9;
const SMALL_BYTES = 1;

type Path = (string | number)[];

/**
 * Which keys a metadata object may have: `record` metadata is what `where`
 * filters, so its keys follow the rules below; `collection` metadata (given
 * to createCollection) is never filtered and only excludes the prototype keys.
 */
export type MetadataKeys = 'record' | 'collection';

/** A metadata value read once into plain data, with the problems found. */
export interface MetadataRead {
  /** A copy made of plain objects, arrays and scalars; null for none or when `issues` is not empty. */
  metadata: Metadata | null;
  issues: ValidationIssue[];
  /** Estimated encoded size in bytes (an upper bound on MessagePack's), as the 1 MiB cap counts it. */
  bytes: number;
}

/**
 * Returns the problems found in one record's metadata (empty when valid).
 * `path` prefixes every issue path, e.g. `['metadatas', 3]`.
 *
 * Accepted: `null` or `undefined` (no metadata), or a plain object (`{}` or
 * `Object.create(null)`; not an array, class instance or Proxy) whose
 * - keys are non-empty, contain no '.', do not start with '$', and are not
 *   `__proto__`, `constructor` or `prototype`. A '.' would make the dotted
 *   keys of `where` ambiguous and a leading '$' would read as a filter
 *   operator; the last three guard against prototype pollution;
 * - values are a string, a finite number, a boolean, `null`, an array of
 *   those (possibly empty or of mixed types; no holes, arrays or objects
 *   inside), or a nested plain object under the same rules. A key whose value
 *   is `undefined` counts as absent, as `JSON.stringify` (and so Chroma's JS
 *   client) treats it.
 * - keys and strings are well-formed UTF-16 (no lone surrogate), since they
 *   are stored as UTF-8.
 *
 * Limits: objects nest at most {@link MAX_METADATA_DEPTH} levels, a cycle is
 * reported rather than followed, and the estimated MessagePack size (UTF-8
 * bytes of keys and strings plus worst-case headers) is at most
 * {@link MAX_METADATA_BYTES}; the walk stops as soon as the estimate exceeds
 * it, so a 10 MB value costs no more than 1 MiB of scanning.
 *
 * Issue codes: `invalid_type`, `non_finite`, `invalid_key`, `reserved_key`,
 * `circular`, `too_deep`, `too_large`, `hole`, `ill_formed_string`,
 * `unreadable` (a getter threw).
 */
export function validateMetadata(value: unknown, path: Path): ValidationIssue[] {
  return readMetadata(value, path).issues;
}

/**
 * Checks metadata as {@link validateMetadata} does and copies it: every
 * property is read exactly once (a getter runs once, a later change by the
 * caller does not reach what is logged), and what is stored is the copy.
 * A Proxy is refused rather than read, as its traps could answer a second
 * read differently; a getter that throws is an `unreadable` issue. Never
 * throws.
 */
export function readMetadata(value: unknown, path: Path, keys: MetadataKeys = 'record'): MetadataRead {
  if (value === null || value === undefined) return { metadata: null, issues: [], bytes: 0 };
  if (types.isProxy(value) || !isPlainObject(value)) {
    return { metadata: null, issues: [{ code: 'invalid_type', path, message: `expected a plain object or null, got ${describeValue(value)}` }], bytes: 0 };
  }
  const walk = new MetadataWalk(path, keys);
  const metadata = walk.object(value, path, 1);
  return { metadata: walk.issues.length === 0 ? metadata : null, issues: walk.issues, bytes: walk.bytes };
}

/** {@link describe}, which names a Proxy as what it wraps: a Proxy is named as such. */
function describeValue(value: unknown): string {
  return types.isProxy(value) ? 'a Proxy' : describe(value);
}

class MetadataWalk {
  readonly issues: ValidationIssue[] = [];
  bytes = 0;
  private stopped = false;
  private readonly ancestors = new Set<object>();

  constructor(
    private readonly root: Path,
    private readonly keys: MetadataKeys,
  ) {}

  object(obj: Record<string, unknown>, path: Path, level: number): Metadata {
    const out: Metadata = {};
    if (this.ancestors.has(obj)) {
      this.fail('circular', path, 'circular reference');
      return out;
    }
    if (level > MAX_METADATA_DEPTH) {
      this.fail('too_deep', path, `objects nest at most ${MAX_METADATA_DEPTH} levels`);
      return out;
    }
    this.ancestors.add(obj);
    this.charge(HEADER_BYTES);
    for (const key of Object.keys(obj)) {
      if (this.stopped) break;
      const keyPath = [...path, key];
      if (!this.key(key, keyPath)) continue;
      this.charge(HEADER_BYTES + this.stringBytes(key));
      const v = this.read(obj, key, keyPath);
      // Only keys that passed are assigned, so none of them can be __proto__.
      if (v !== undefined) out[key] = this.value(v, keyPath, level);
    }
    this.ancestors.delete(obj);
    return out;
  }

  /** `obj[key]`, or undefined (with an issue) when a getter throws. */
  private read(obj: Record<string, unknown> | unknown[], key: string | number, path: Path): unknown {
    try {
      return (obj as Record<string | number, unknown>)[key];
    } catch (err) {
      this.fail('unreadable', path, `reading the value threw: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  /** Whether `key` may be stored; records an issue otherwise. */
  private key(key: string, path: Path): boolean {
    if (!isWellFormed(key)) this.fail('ill_formed_string', path, ILL_FORMED_MESSAGE);
    else if (PROTOTYPE_KEYS.has(key)) this.fail('reserved_key', path, `${key} is reserved`);
    else if (this.keys === 'collection') return true;
    else if (key.length === 0) this.fail('invalid_key', path, 'keys must be non-empty');
    else if (key.includes('.')) {
      this.fail('invalid_key', path, "keys may not contain '.', which `where` uses to reach nested objects");
    } else if (key.startsWith('$')) {
      this.fail('reserved_key', path, "keys may not start with '$', which marks filter operators");
    } else return true;
    return false;
  }

  private value(v: unknown, path: Path, level: number): MetadataValue {
    if (types.isProxy(v)) return this.fail('invalid_type', path, 'a Proxy is not plain data; pass a plain copy');
    if (Array.isArray(v)) return this.array(v, path);
    if (isPlainObject(v)) return this.object(v, path, level + 1);
    return this.scalar(v, path, 'expected a string, number, boolean, null, array or object');
  }

  private array(arr: unknown[], path: Path): MetadataScalar[] {
    this.charge(HEADER_BYTES);
    // Every element costs at least one byte, so a longer array fails unscanned.
    if (arr.length > MAX_METADATA_BYTES - this.bytes) {
      this.charge(arr.length);
      return [];
    }
    const out: MetadataScalar[] = new Array<MetadataScalar>(arr.length);
    for (let i = 0; i < arr.length && !this.stopped; i++) {
      const el = this.read(arr, i, [...path, i]);
      if (el === undefined && !(i in arr)) this.fail('hole', [...path, i], 'a hole in an array (a sparse array)');
      else if (types.isProxy(el) || Array.isArray(el) || isPlainObject(el)) {
        this.fail('invalid_type', [...path, i], `arrays hold scalars only, got ${describeValue(el)}`);
      } else out[i] = this.scalar(el, [...path, i], 'expected a string, number, boolean or null');
    }
    return out;
  }

  private scalar(v: unknown, path: Path, expected: string): MetadataScalar {
    if (typeof v === 'string') {
      if (!isWellFormed(v)) return this.fail('ill_formed_string', path, ILL_FORMED_MESSAGE);
      this.charge(HEADER_BYTES + this.stringBytes(v));
    } else if (typeof v === 'number') {
      if (Number.isFinite(v)) this.charge(NUMBER_BYTES);
      else return this.fail('non_finite', path, `expected a finite number, got ${v}`);
    } else if (typeof v === 'boolean' || v === null) this.charge(SMALL_BYTES);
    else return this.fail('invalid_type', path, `${expected}, got ${describe(v)}`);
    return v;
  }

  /** UTF-8 length, but a string longer than the remaining budget is not scanned. */
  private stringBytes(s: string): number {
    if (s.length > MAX_METADATA_BYTES - this.bytes) return s.length;
    let n = s.length;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      // 1 byte below U+0080, 2 below U+0800, 3 above; a surrogate pair is 4 (2 + 2).
      if (c >= 0x80) n += c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 1 : 2;
    }
    return n;
  }

  private charge(n: number): void {
    this.bytes += n;
    if (this.bytes > MAX_METADATA_BYTES && !this.stopped) {
      this.fail('too_large', this.root, `metadata exceeds ${MAX_METADATA_BYTES} bytes (estimated encoded size)`);
      this.stopped = true;
    }
  }

  /** Records an issue; returns null so that a failed value can stand in the (discarded) copy. */
  private fail(code: string, path: Path, message: string): null {
    if (this.stopped) return null;
    this.issues.push({ code, path, message });
    if (this.issues.length >= MAX_ISSUES) this.stopped = true;
    return null;
  }
}
