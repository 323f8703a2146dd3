/**
 * Validation of record metadata, run once at the API edge before anything is
 * written; inner layers trust metadata that passed it.
 */
import type { ValidationIssue } from '../errors.js';
import { describe, isPlainObject } from '../search/filter/issues.js';

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
 * Returns the problems found in one record's metadata (empty when valid).
 * `path` prefixes every issue path, e.g. `['metadatas', 3]`.
 *
 * Accepted: `null` or `undefined` (no metadata), or a plain object (`{}` or
 * `Object.create(null)`; not an array or class instance) whose
 * - keys are non-empty, contain no '.', do not start with '$', and are not
 *   `__proto__`, `constructor` or `prototype`. A '.' would make the dotted
 *   keys of `where` ambiguous and a leading '$' would read as a filter
 *   operator; the last three guard against prototype pollution;
 * - values are a string, a finite number, a boolean, `null`, an array of
 *   those (possibly empty or of mixed types; no holes, arrays or objects
 *   inside), or a nested plain object under the same rules. A key whose value
 *   is `undefined` counts as absent, as `JSON.stringify` (and so Chroma's JS
 *   client) treats it.
 *
 * Limits: objects nest at most {@link MAX_METADATA_DEPTH} levels, a cycle is
 * reported rather than followed, and the estimated MessagePack size (UTF-8
 * bytes of keys and strings plus worst-case headers) is at most
 * {@link MAX_METADATA_BYTES}; the walk stops as soon as the estimate exceeds
 * it, so a 10 MB value costs no more than 1 MiB of scanning.
 *
 * Issue codes: `invalid_type`, `non_finite`, `invalid_key`, `reserved_key`,
 * `circular`, `too_deep`, `too_large`.
 */
export function validateMetadata(value: unknown, path: Path): ValidationIssue[] {
  if (value === null || value === undefined) return [];
  if (!isPlainObject(value)) {
    return [{ code: 'invalid_type', path, message: `expected a plain object or null, got ${describe(value)}` }];
  }
  const walk = new MetadataWalk(path);
  walk.object(value, path, 1);
  return walk.issues;
}

class MetadataWalk {
  readonly issues: ValidationIssue[] = [];
  private bytes = 0;
  private stopped = false;
  private readonly ancestors = new Set<object>();

  constructor(private readonly root: Path) {}

  object(obj: Record<string, unknown>, path: Path, level: number): void {
    if (this.ancestors.has(obj)) return this.fail('circular', path, 'circular reference');
    if (level > MAX_METADATA_DEPTH) {
      return this.fail('too_deep', path, `objects nest at most ${MAX_METADATA_DEPTH} levels`);
    }
    this.ancestors.add(obj);
    this.charge(HEADER_BYTES);
    for (const key of Object.keys(obj)) {
      if (this.stopped) break;
      const keyPath = [...path, key];
      this.key(key, keyPath);
      this.charge(HEADER_BYTES + this.stringBytes(key));
      this.value(obj[key], keyPath, level);
    }
    this.ancestors.delete(obj);
  }

  private key(key: string, path: Path): void {
    if (key.length === 0) this.fail('invalid_key', path, 'keys must be non-empty');
    else if (key.includes('.')) {
      this.fail('invalid_key', path, "keys may not contain '.', which `where` uses to reach nested objects");
    } else if (key.startsWith('$')) {
      this.fail('reserved_key', path, "keys may not start with '$', which marks filter operators");
    } else if (PROTOTYPE_KEYS.has(key)) this.fail('reserved_key', path, `${key} is reserved`);
  }

  private value(v: unknown, path: Path, level: number): void {
    if (v === undefined) return;
    if (Array.isArray(v)) return this.array(v, path);
    if (isPlainObject(v)) return this.object(v, path, level + 1);
    this.scalar(v, path, 'expected a string, number, boolean, null, array or object');
  }

  private array(arr: unknown[], path: Path): void {
    this.charge(HEADER_BYTES);
    // Every element costs at least one byte, so a longer array fails unscanned.
    if (arr.length > MAX_METADATA_BYTES - this.bytes) return this.charge(arr.length);
    for (let i = 0; i < arr.length && !this.stopped; i++) {
      const el = arr[i];
      if (Array.isArray(el) || isPlainObject(el)) {
        this.fail('invalid_type', [...path, i], `arrays hold scalars only, got ${describe(el)}`);
      } else {
        this.scalar(el, [...path, i], 'expected a string, number, boolean or null');
      }
    }
  }

  private scalar(v: unknown, path: Path, expected: string): void {
    if (typeof v === 'string') this.charge(HEADER_BYTES + this.stringBytes(v));
    else if (typeof v === 'number') {
      if (Number.isFinite(v)) this.charge(NUMBER_BYTES);
      else this.fail('non_finite', path, `expected a finite number, got ${v}`);
    } else if (typeof v === 'boolean' || v === null) this.charge(SMALL_BYTES);
    else this.fail('invalid_type', path, `${expected}, got ${describe(v)}`);
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

  private fail(code: string, path: Path, message: string): void {
    if (this.stopped) return;
    this.issues.push({ code, path, message });
    if (this.issues.length >= MAX_ISSUES) this.stopped = true;
  }
}
