/**
 * The chat model the example answers with, when one is configured by
 * environment variables; none by default, so the example runs offline.
 *
 * - `OPENAI_API_KEY`: use `ChatOpenAI` from `@langchain/openai`.
 * - `OPENAI_MODEL`: the model name; default `gpt-4o-mini`.
 * - `OPENAI_BASE_URL`: any OpenAI-compatible server,
 *   e.g. `http://localhost:11434/v1` for Ollama (with any non-empty key).
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';

const DEFAULT_MODEL = 'gpt-4o-mini';

/** The configured model and a one-line description, or null and the hint to configure one. */
export async function chatModelFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<{ llm: BaseChatModel | null; description: string }> {
  if (!env.OPENAI_API_KEY) {
    return { llm: null, description: 'none configured (set OPENAI_API_KEY, optionally OPENAI_MODEL and OPENAI_BASE_URL, to get answers); printing the prompt instead' };
  }
  const model = env.OPENAI_MODEL || DEFAULT_MODEL;
  // Loaded only when configured: the offline path never touches the OpenAI client.
  const { ChatOpenAI } = await import('@langchain/openai');
  const base = env.OPENAI_BASE_URL ? ` at ${env.OPENAI_BASE_URL}` : '';
  const llm = new ChatOpenAI({
    model,
    temperature: 0,
    apiKey: env.OPENAI_API_KEY,
    ...(env.OPENAI_BASE_URL ? { configuration: { baseURL: env.OPENAI_BASE_URL } } : {}),
  });
  return { llm, description: `ChatOpenAI ${model}${base}` };
}
