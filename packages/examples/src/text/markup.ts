/**
 * Markdown source that is not prose: HTML comments, HTML tags and link
 * reference definitions (`[label]: url`). Removing it keeps anchors such as
 * `<a id="old-heading"></a>` and editor notes out of embeddings and search
 * results.
 *
 * Only real HTML tags go: a closing tag, a tag with a `name=value` attribute, a
 * self-closing tag, a void element (`<br>`), or a tag whose `</name>` closes
 * somewhere in the same source. So `MANIFEST-<n>`, `Vec<T>`, `Box<dyn Error>`
 * and `<dir>` survive.
 */

const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
const LINK_REFERENCE_DEFINITION = /^ {0,3}\[[^\]]+\]:[ \t]*\S+.*$/;
const VOID_ELEMENTS = new Set(['br', 'hr', 'img', 'input', 'meta', 'link', 'source', 'wbr']);
const TAG = /<(\/?)([a-zA-Z][\w-]*)(\s+[^<>]*?)?(\/?)>/g;
const CLOSING_TAG = /<\/([a-zA-Z][\w-]*)\s*>/g;

/** True when `line` is a link reference definition such as `[ch09]: ch09-00-errors.html`. */
export function isLinkReferenceDefinition(line: string): boolean {
  return LINK_REFERENCE_DEFINITION.test(line);
}

/** Removes HTML comments; an unterminated comment runs to the end, as in HTML. */
export function removeHtmlComments(source: string): string {
  return source.replace(HTML_COMMENT, '');
}

/**
 * A function that removes the real HTML tags (see the module comment) from any
 * piece of `source`; which bare tags count as real is decided by the closing
 * tags present anywhere in `source`.
 */
export function htmlTagStripper(source: string): (text: string) => string {
  const closed = new Set<string>();
  for (const match of source.matchAll(CLOSING_TAG)) closed.add(match[1].toLowerCase());
  return (text) =>
    text.replace(TAG, (tag, slash: string, name: string, attributes: string | undefined, selfClosing: string) => {
      const lower = name.toLowerCase();
      const real = slash !== '' || selfClosing !== '' || (attributes?.includes('=') ?? false) || closed.has(lower) || VOID_ELEMENTS.has(lower);
      return real ? '' : tag;
    });
}

/**
 * `text` without HTML comments, real HTML tags and link reference definitions,
 * trimmed. Idempotent. Inline Markdown (emphasis, code spans, links) is kept.
 */
export function stripMarkup(text: string): string {
  const withoutComments = removeHtmlComments(text);
  const lines = withoutComments.split('\n').filter((line) => !isLinkReferenceDefinition(line));
  return htmlTagStripper(withoutComments)(lines.join('\n')).trim();
}
