/**
 * The key encoding: a bijection onto keys core accepts, identity on ordinary keys.
 */
import { describe, expect, it } from 'vitest';
import { decodeKey, encodeKey } from '../src/index.js';
import { seededRandom } from './helpers/reference.js';

const SEED = 99;

/** Core's rules for a metadata key (packages/core/src/api/metadata.ts). */
function acceptedByCore(key: string): boolean {
  return key.length > 0 && !key.includes('.') && !key.startsWith('$') && !['__proto__', 'constructor', 'prototype'].includes(key);
}

describe(`encodeKey / decodeKey (seed ${SEED})`, () => {
  it('round-trips, is injective and yields keys core accepts', () => {
    const random = seededRandom(SEED);
    const alphabet = ['%', '.', '$', 'a', '2', 'E', '5', 'F', '_', 'c', '%2E', '%25'];
    const keys = new Set(['', '%', '.', '$', '$$', '__proto__', 'constructor', 'prototype', '%5F_proto__', '_node_content']);
    while (keys.size < 3000) {
      const length = Math.floor(random() * 7);
      keys.add(Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''));
    }
    const encoded = new Map<string, string>();
    for (const key of keys) {
      const e = encodeKey(key);
      expect(acceptedByCore(e), `${JSON.stringify(key)} -> ${JSON.stringify(e)}`).toBe(true);
      expect(decodeKey(e)).toBe(key);
      expect(encoded.has(e), `collision on ${JSON.stringify(e)}`).toBe(false);
      encoded.set(e, key);
    }
  });

  it('leaves keys without %, ., a leading $ or a prototype name unchanged', () => {
    for (const key of ['file_name', 'ref_doc_id', '_node_content', 'a$b', 'Prototype', 'Ünïcode key', 'x/y:z']) {
      expect(encodeKey(key)).toBe(key);
    }
  });
});
