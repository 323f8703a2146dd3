/**
 * A local-first agent with durable memory: each message goes through a
 * LangGraph agent whose tools save and recall memories in an OmenStore in
 * `--db`. Run it twice: what the first process was told, the second recalls.
 *
 *   pnpm --filter @omendb/examples agent-memory -- --db ./agent-db "Remember that my favourite tea is genmaicha"
 *   pnpm --filter @omendb/examples agent-memory -- --db ./agent-db "Which tea do I like?"
 *
 * Embeddings: the offline semantic default of `@omendb/default-embed`
 * (`--embedder hashing`: the lexical hashing embedder). A database keeps the
 * embedder it was created with: its vectors' length is fixed. Chat model: the
 * one configured by environment (see ../langchain/llm-from-env.ts), else a
 * scripted model that drives the tools (offline, CI).
 */
import { Command, Option } from 'commander';
import { OmenStore } from '@omendb/langgraph';
import { userPath } from '../cli/options.js';
import { EMBEDDER_NAMES, type EmbedderName } from '../embedder/text-embedder.js';
import { DefaultEmbeddings } from '../langchain/default-embeddings.js';
import { HashingEmbeddings } from '../langchain/hashing-embeddings.js';
import { chatModelFromEnv } from '../langchain/llm-from-env.js';
import { ask, memoryAgent } from './agent.js';
import { ScriptedChatModel } from './scripted-chat-model.js';

interface Options {
  db: string;
  user: string;
  embedder: EmbedderName;
}

async function main(): Promise<void> {
  const program = new Command('agent-memory')
    .description('A LangGraph agent whose memories persist in OmenDB across runs.')
    .requiredOption('--db <dir>', 'database directory (created when missing; reuse it to recall across runs)')
    .option('--user <id>', 'user whose memories are read and written', 'me')
    .addOption(
      new Option('--embedder <name>', 'default: the offline semantic model; hashing: the lexical feature-hashing embedder')
        .choices(EMBEDDER_NAMES)
        .default('default'),
    )
    .argument('<messages...>', 'messages to send, in order')
    .parse(process.argv.filter((a, i) => !(i === 2 && a === '--')));
  const options = program.opts<Options>();
  const embeddings = options.embedder === 'hashing' ? new HashingEmbeddings() : new DefaultEmbeddings();
  const configured = await chatModelFromEnv();
  const llm = configured.llm ?? new ScriptedChatModel();
  const out = (line: string) => void process.stdout.write(`${line}\n`);
  out(`LLM: ${configured.llm ? configured.description : 'scripted (no LLM configured; set OPENAI_API_KEY to use one)'}`);
  const embedder = options.embedder === 'hashing' ? 'HashingEmbeddings (lexical)' : 'DefaultEmbeddings (@omendb/default-embed, semantic, offline)';
  out(`Memory: OmenStore at ${options.db}, ${embedder} ${embeddings.dimension}-d`);
  const store = new OmenStore({ path: userPath(options.db), index: { embeddings, dims: embeddings.dimension, fields: ['content'] } });
  try {
    const agent = memoryAgent(llm, store);
    for (const message of program.args) {
      out(`\nuser: ${message}`);
      out(`agent: ${await ask(agent, options.user, message)}`);
    }
  } finally {
    await store.stop();
  }
}

await main();
