/**
 * Limits on the size of what one call may store, checked at the API edge
 * before anything is written. One constant per limit, so that every path
 * that can set a value (createCollection, the first add) enforces the same.
 */

/**
 * Largest vector dimension: the cap of `createCollection({ dimension })` and
 * of the first vectors added to a collection created without one. 65,536
 * float32 values are 256 KiB per vector.
 */
export const MAX_DIMENSION = 65_536;

/**
 * Default cap on one document, in UTF-8 bytes (1 MiB, as the cap on one
 * record's metadata). Every query hit and every `get` row that includes
 * documents decodes its document into a JS string, so the cap bounds the
 * memory of a result at nResults × this; raise it with the `maxDocumentBytes`
 * option of `OmenDB.open` when a collection stores whole files.
 */
export const DEFAULT_MAX_DOCUMENT_BYTES = 1024 * 1024;

/** Largest `maxDocumentBytes` the open option takes (256 MiB). */
export const MAX_DOCUMENT_BYTES_LIMIT = 256 * 1024 * 1024;

/**
 * Largest estimated size of one write call (add / upsert / update): vectors
 * at 4 bytes per value, plus the UTF-16 length of ids and documents, plus
 * the estimated encoding of metadata (1 GiB). One call is one WAL record,
 * whose length is framed in 32 bits; at most 3 UTF-8 bytes per UTF-16 code
 * unit keep the real record under 4 GiB. Larger loads are split into calls.
 */
export const MAX_WRITE_BYTES = 1024 * 1024 * 1024;
