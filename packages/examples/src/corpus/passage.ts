/**
 * A passage: the unit the examples embed, store and retrieve.
 */
import { stripMarkup } from '../text/markup.js';

/** One retrievable piece of a document. */
export interface Passage {
  /** Unique within a corpus, stable across runs: e.g. `docs/guide.md#3`. */
  id: string;
  /** Source file, relative to the corpus root, `/`-separated. */
  file: string;
  /** Heading trail from the outermost heading to the one the passage sits under; may be empty. */
  headings: string[];
  /** The passage body as written (Markdown, without its headings). */
  text: string;
}

/**
 * The readable body: `text` without HTML comments, HTML tags and link reference
 * definitions. Empty for a passage that is only markup, such as an
 * `<a id="old-anchor"></a>` kept for old links, which is worth neither an
 * embedding nor a search result.
 */
export function passageBody(passage: Passage): string {
  return stripMarkup(passage.text);
}

/**
 * The text to embed for a passage: its heading trail, then its readable body.
 * The headings name the topic ("Recoverable Errors with Result") more plainly
 * than most body text does, so including them lifts retrieval a lot.
 */
export function textForEmbedding(passage: Passage): string {
  const body = passageBody(passage);
  return passage.headings.length > 0 ? `${passage.headings.join('\n')}\n\n${body}` : body;
}
