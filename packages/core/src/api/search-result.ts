import type { Metadata } from '../types.js';

/** One record of a search as `SearchResult.rows()` gives it: fields not selected (or null) are absent, as in Chroma. */
export interface SearchResultRow {
  id: string;
  document?: string;
  embedding?: number[];
  metadata?: Metadata;
  score?: number;
}

/**
 * Result of `Collection.search` (Chroma's `SearchResult`): one entry per
 * search, in the order given. `ids[s]` are search s's records, best first
 * (ascending score). A field's entry is null for a search that did not
 * select it (`#document` → `documents`, `#embedding` → `embeddings`,
 * `#metadata` or a metadata key → `metadatas`, `#score` → `scores`), else
 * one value per id (null where a record has none). `select[s]` lists the
 * keys search s selected, sorted as Chroma sorts them.
 */
export class SearchResult {
  readonly ids: string[][] = [];
  readonly documents: ((string | null)[] | null)[] = [];
  readonly embeddings: ((number[] | null)[] | null)[] = [];
  readonly metadatas: ((Metadata | null)[] | null)[] = [];
  readonly scores: ((number | null)[] | null)[] = [];
  readonly select: string[][] = [];

  /** Each search's records as objects `{ id, document?, embedding?, metadata?, score? }`, as Chroma's `rows()`. */
  rows(): SearchResultRow[][] {
    return this.ids.map((ids, s) =>
      ids.map((id, i) => {
        const row: SearchResultRow = { id };
        const document = this.documents[s]?.[i];
        const embedding = this.embeddings[s]?.[i];
        const metadata = this.metadatas[s]?.[i];
        const score = this.scores[s]?.[i];
        if (document != null) row.document = document;
        if (embedding != null) row.embedding = embedding;
        if (metadata != null) row.metadata = metadata;
        if (score != null) row.score = score;
        return row;
      }),
    );
  }
}
