import { cliServices } from './context.js';
import type { CliIo } from './io.js';
import { endpointHint, finishRun, interruptOnSignal, printReport, runEmbedStep } from './refine.js';
import { defineCommand, parseCommand } from './spec.js';

const spec = defineCommand({
  command: 'stylus embed',
  summary:
    'Embed every adapter whose vector is missing or stale, 128 texts a request, with STYLUS_EMBEDDING_MODEL on ' +
    'OPENAI_BASE_URL: dense retrieval then works alongside BM25. Resumable: Ctrl-C and run it again.',
  flags: {},
  examples: ['STYLUS_EMBEDDING_MODEL=text-embedding-3-small stylus embed'],
});

/** `stylus embed`: embed every adapter whose vector is missing or stale (batched, resumable). */
export async function runEmbed(args: string[], io: CliIo): Promise<number> {
  parseCommand(spec, args);
  const services = await cliServices(io, { seedCatalog: false });
  const interrupt = interruptOnSignal();
  try {
    const report = await runEmbedStep(services, io, interrupt.signal);
    printReport(io, report, endpointHint(services, 'STYLUS_EMBEDDING_MODEL'));
    return finishRun(io, interrupt.signal, [report]);
  } finally {
    interrupt.dispose();
    await services.close();
  }
}
