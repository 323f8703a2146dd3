/**
 * A scripted stand-in for a chat model, so the agent runs offline and in CI:
 * a user message starting with "remember" becomes a `save_memory` call with
 * the rest of the message; any other user message becomes a
 * `recall_memories` call with the message as query. After a tool result it
 * answers with that result. It follows no instructions; it only exercises
 * the graph and the store the way a tool-calling model would.
 */
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';

export class ScriptedChatModel extends BaseChatModel {
  private calls = 0;

  constructor() {
    super({});
  }

  _llmType(): string {
    return 'scripted';
  }

  /** Tools are fixed by the script; binding them changes nothing. */
  override bindTools(): this {
    return this;
  }

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const last = messages[messages.length - 1];
    const text = typeof last.content === 'string' ? last.content : JSON.stringify(last.content);
    let reply: AIMessage;
    if (last.getType() === 'tool') {
      reply = new AIMessage(last.name === 'save_memory' ? `Got it. ${text}` : `From memory:\n${text}`);
    } else {
      const remember = /^remember( that)?\s+/i.exec(text);
      const call = remember
        ? { name: 'save_memory', args: { content: text.slice(remember[0].length) } }
        : { name: 'recall_memories', args: { query: text } };
      reply = new AIMessage({ content: '', tool_calls: [{ ...call, id: `call_${++this.calls}`, type: 'tool_call' }] });
    }
    return { generations: [{ text: typeof reply.content === 'string' ? reply.content : '', message: reply }] };
  }
}
