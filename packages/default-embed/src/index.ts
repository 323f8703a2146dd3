export { DefaultEmbeddingFunction, type EmbeddingSpace } from './default-embedding-function.js';
export {
  DEFAULT_BATCH_SIZE,
  DEFAULT_EMBED_NAME,
  MODEL_DIMENSION,
  MODEL_ID,
  type DefaultEmbedConfig,
  type DefaultEmbedOptions,
} from './config.js';
export { DefaultEmbedError, EmbedValidationError, ModelLoadError, type DefaultEmbedErrorCode } from './errors.js';
