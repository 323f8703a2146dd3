/**
 * A tool-calling agent with long-term memory: the model node calls the
 * memory tools, the tools node runs them, until the model answers. The store
 * given to `compile` is what the tools read and write (here an OmenStore, so
 * memories outlive the process).
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { HumanMessage } from '@langchain/core/messages';
import { END, MessagesAnnotation, START, StateGraph, type BaseStore } from '@langchain/langgraph';
import { ToolNode } from '@langchain/langgraph/prebuilt';
import { MEMORY_TOOLS } from './memory-tools.js';

export function memoryAgent(llm: BaseChatModel, store: BaseStore) {
  const model = llm.bindTools!(MEMORY_TOOLS);
  return new StateGraph(MessagesAnnotation)
    .addNode('model', async (state) => ({ messages: [await model.invoke(state.messages)] }))
    .addNode('tools', new ToolNode(MEMORY_TOOLS))
    .addEdge(START, 'model')
    .addConditionalEdges('model', (state) => {
      const last = state.messages[state.messages.length - 1] as { tool_calls?: unknown[] };
      return last.tool_calls?.length ? 'tools' : END;
    })
    .addEdge('tools', 'model')
    .compile({ store });
}

/** Sends one user message and returns the agent's final answer. */
export async function ask(agent: ReturnType<typeof memoryAgent>, userId: string, message: string): Promise<string> {
  const out = await agent.invoke({ messages: [new HumanMessage(message)] }, { configurable: { userId } });
  const last = out.messages[out.messages.length - 1];
  return typeof last.content === 'string' ? last.content : JSON.stringify(last.content);
}
