import type { ManifestState } from '../format/manifest.js';
import { flatIndexFactory, type IndexFactory } from './index-factory.js';

/** The index factory of a collection, from its configuration. */
export function defaultIndexFactory(_manifest: ManifestState): IndexFactory {
  return flatIndexFactory;
}
