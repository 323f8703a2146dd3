/**
 * Regular expressions for `$regex` / `$not_regex`.
 *
 * Patterns run on RE2JS (a JavaScript port of RE2), never on V8's backtracking
 * engine: matching takes time linear in the document length for every
 * pattern, so there are no regex bombs to detect. A blocklist of risky shapes
 * (as `safe-regex2` checks) is not enough on V8: `(a|a)*b` passes it and takes
 * 30 s on 29 characters, and `.*.*.*x` takes 70 s on 1,000. The syntax is RE2's,
 * which is also the dialect of the Rust `regex` crate Chroma uses: inline flags
 * such as `(?i)` work; lookaround and backreferences do not exist.
 *
 * Rule: a string of at most {@link MAX_REGEX_LENGTH} UTF-16 code units that
 * RE2 accepts. RE2 also refuses counted repetitions nesting beyond 1000
 * (`((a{100}){100}){100}`), the one pattern shape whose compiled program would
 * blow up.
 */
import { RE2JS } from 're2js';
import { describe, type IssueCollector, type IssuePath } from './issues.js';

/** Longest accepted pattern, in UTF-16 code units; bounds compile time and program size. */
export const MAX_REGEX_LENGTH = 1024;

/** Compiles a pattern to an unanchored test, or records an issue and returns `undefined`. */
export function compileRegex(
  pattern: unknown,
  path: IssuePath,
  issues: IssueCollector,
): ((text: string) => boolean) | undefined {
  if (typeof pattern !== 'string') {
    issues.add('invalid_type', path, `expected a pattern string, got ${describe(pattern)}`);
    return undefined;
  }
  if (pattern.length > MAX_REGEX_LENGTH) {
    issues.add('too_long', path, `patterns are at most ${MAX_REGEX_LENGTH} characters, got ${pattern.length}`);
    return undefined;
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (err) {
    issues.add('invalid_regex', path, err instanceof Error ? err.message : String(err));
    return undefined;
  }
  return (text) => re.test(text);
}
