/**
 * The agent's two memory tools. They reach the long-term store through the
 * run's config (`config.store`, the store given to `graph.compile({ store })`)
 * and keep each user's memories under the namespace `['memories', userId]`,
 * with `userId` from `config.configurable.userId`.
 */
import { randomUUID } from 'node:crypto';
import { tool } from '@langchain/core/tools';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { z } from 'zod';

function memoryNamespace(config: LangGraphRunnableConfig): string[] {
  const userId = config.configurable?.userId;
  if (typeof userId !== 'string' || userId.length === 0) throw new Error('configurable.userId is required by the memory tools');
  return ['memories', userId];
}

function storeOf(config: LangGraphRunnableConfig) {
  if (!config.store) throw new Error('the graph was compiled without a store');
  return config.store;
}

export const saveMemory = tool(
  async ({ content }, config: LangGraphRunnableConfig) => {
    await storeOf(config).put(memoryNamespace(config), randomUUID(), { content });
    return `Saved: ${content}`;
  },
  {
    name: 'save_memory',
    description: 'Save a fact about the user to long-term memory, to recall in later conversations.',
    schema: z.object({ content: z.string().describe('The fact, as one sentence.') }),
  },
);

export const recallMemories = tool(
  async ({ query }, config: LangGraphRunnableConfig) => {
    const found = await storeOf(config).search(memoryNamespace(config), { query, limit: 3 });
    if (found.length === 0) return 'No memories found.';
    return found.map((item) => `- ${item.value.content as string} (score ${item.score?.toFixed(3)})`).join('\n');
  },
  {
    name: 'recall_memories',
    description: 'Search long-term memory for facts about the user related to the query.',
    schema: z.object({ query: z.string().describe('What to look for.') }),
  },
);

export const MEMORY_TOOLS = [saveMemory, recallMemories];
