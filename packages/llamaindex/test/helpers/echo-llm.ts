/**
 * A tiny LLM for tests: it answers with the prompt it was given, so a test can
 * see which retrieved text reached the response synthesiser.
 */
import {
  BaseLLM,
  extractText,
  type ChatResponse,
  type ChatResponseChunk,
  type LLMChatParamsNonStreaming,
  type LLMChatParamsStreaming,
  type LLMMetadata,
} from 'llamaindex';

export class EchoLLM extends BaseLLM {
  /** Prompts received, in order. */
  readonly prompts: string[] = [];

  metadata: LLMMetadata = {
    model: 'echo',
    temperature: 0,
    topP: 1,
    contextWindow: 8192,
    tokenizer: undefined,
    structuredOutput: false,
  };

  chat(params: LLMChatParamsStreaming): Promise<AsyncIterable<ChatResponseChunk>>;
  chat(params: LLMChatParamsNonStreaming): Promise<ChatResponse>;
  async chat(params: LLMChatParamsStreaming | LLMChatParamsNonStreaming): Promise<AsyncIterable<ChatResponseChunk> | ChatResponse> {
    const last = params.messages[params.messages.length - 1];
    const prompt = last === undefined ? '' : extractText(last.content);
    this.prompts.push(prompt);
    const answer = `ECHO: ${prompt}`;
    if (params.stream) {
      return (async function* () {
        yield { raw: null, delta: answer };
      })();
    }
    return { raw: null, message: { role: 'assistant', content: answer } };
  }
}
