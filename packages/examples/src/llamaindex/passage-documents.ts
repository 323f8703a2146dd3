/**
 * The examples' Markdown passages as LlamaIndex documents: one `Document` per
 * passage, so LlamaIndex's source document (`ref_doc_id`) is the passage id
 * (`README.md#3`) and `index.deleteRefDoc(id)` removes exactly that passage.
 */
import { Document } from 'llamaindex';
import type { Passage } from '../corpus/passage.js';

/** Metadata keys of each document, also usable in filters (`file == 'README.md'`). */
export interface PassageMetadata {
  /** Source file relative to the corpus root, e.g. `packages/core/docs/format/wal.md`. */
  file: string;
  /** Heading trail joined with ` › `; empty above the first heading. */
  section: string;
}

/**
 * Documents for `passages`. The section is embedded with the text (headings
 * name the topic plainly, as `textForEmbedding` argues); the file path is not,
 * so two files' words do not leak into each other's vectors.
 */
export function passageDocuments(passages: Passage[]): Document<PassageMetadata>[] {
  return passages.map(
    (passage) =>
      new Document<PassageMetadata>({
        id_: passage.id,
        text: passage.text,
        metadata: { file: passage.file, section: passage.headings.join(' › ') },
        excludedEmbedMetadataKeys: ['file'],
      }),
  );
}
