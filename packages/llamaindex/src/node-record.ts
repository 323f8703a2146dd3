/**
 * How a LlamaIndex node is laid out in an OmenDB record. It is the layout of
 * LlamaIndex's Chroma store (TS and Python), so a collection reads the same
 * way through either:
 *
 * | record field | holds |
 * |---|---|
 * | id | `node.id_` |
 * | embedding | `node.embedding` |
 * | document | the node's text, `node.getContent(MetadataMode.NONE)` |
 * | metadata | the node's own metadata, plus the keys LlamaIndex's `nodeToMetadata` adds: `_node_content` (the node as JSON without metadata, embedding and text), `_node_type` (class name, e.g. `TextNode`), and `document_id`, `doc_id`, `ref_doc_id` (the source document's id, or `"None"` for a node without one) |
 *
 * Metadata values are stored as JSON (as they would reach any server-backed
 * store): a `Date` becomes its ISO string, `undefined` values are dropped,
 * `NaN` becomes `null`. Keys are encoded by `metadata-keys.ts`.
 */
import { ValidationError, type Metadata } from '@omendb/core';
import { MetadataMode, metadataDictToNode, nodeToMetadata, type BaseNode } from 'llamaindex';
import { decodeMetadata, encodeMetadata } from './metadata-keys.js';

/** The metadata key of the serialised node, written by LlamaIndex's `nodeToMetadata`. */
export const NODE_CONTENT_KEY = '_node_content';

/** The metadata key of the source document's id, written by LlamaIndex's `nodeToMetadata`. */
export const REF_DOC_ID_KEY = 'ref_doc_id';

/** One node as the arguments of `Collection.upsert` take it. */
export interface NodeRecord {
  id: string;
  /** `number[]`, the collection's dimension. */
  embedding: number[];
  metadata: Metadata;
  document: string;
}

/**
 * The record for `node`, the `index`-th of an `add` call (used in error paths).
 * Throws ValidationError when the node has no embedding or its metadata is
 * not JSON-serialisable (a BigInt, a cycle).
 */
export function nodeToRecord(node: BaseNode, index: number): NodeRecord {
  if (node.embedding === undefined) {
    throw new ValidationError('invalid node', [
      { code: 'missing_embedding', path: ['nodes', index, 'embedding'], message: `node ${JSON.stringify(node.id_)} has no embedding; embed nodes before add (VectorStoreIndex does)` },
    ]);
  }
  // removeText: the text is the record's document and is not stored twice.
  const metadata = nodeToMetadata(node, true, 'text', false);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(JSON.stringify(metadata)) as Record<string, unknown>;
  } catch (err) {
    throw new ValidationError('invalid node', [
      { code: 'invalid_type', path: ['nodes', index, 'metadata'], message: `metadata is not JSON-serialisable: ${(err as Error).message}` },
    ]);
  }
  return { id: node.id_, embedding: node.embedding, metadata: encodeMetadata(json), document: node.getContent(MetadataMode.NONE) };
}

/**
 * The node a record holds, with its text and metadata, rebuilt with
 * LlamaIndex's `metadataDictToNode` as LlamaIndex's own stores do. `dict` is
 * the record's metadata as {@link decodeLlamaMetadata} returns it. A record
 * written without LlamaIndex (no `_node_content`, e.g. through `client()`)
 * becomes a `TextNode` of its id, document and metadata. The node carries no
 * embedding.
 */
export function recordToNode(id: string, dict: Record<string, unknown>, document: string | null): BaseNode {
  if (typeof dict[NODE_CONTENT_KEY] !== 'string') {
    return metadataDictToNode(dict, { fallback: { id_: id, text: document ?? '', metadata: dict } });
  }
  const node = metadataDictToNode(dict);
  if (document !== null) node.setContent(document);
  return node;
}

/** A record's metadata with LlamaIndex's keys, `{}` for none: what filters are evaluated on. */
export function decodeLlamaMetadata(metadata: Metadata | null): Record<string, unknown> {
  return metadata === null ? {} : decodeMetadata(metadata);
}
