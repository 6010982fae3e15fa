import { cliServices } from './context.js';
import { type CliIo, parseCliArgs } from './io.js';
import { interrupted, interruptOnSignal, printReport, runEmbedStep } from './refine.js';

/** `stylus embed`: embed every adapter whose vector is missing or stale (batched, resumable). */
export async function runEmbed(args: string[], io: CliIo): Promise<number> {
  parseCliArgs(args, {}, false);
  const services = await cliServices(io, { seedCatalog: false });
  const interrupt = interruptOnSignal();
  try {
    printReport(io, await runEmbedStep(services, io, interrupt.signal));
    return interrupted(io, interrupt.signal);
  } finally {
    interrupt.dispose();
    await services.close();
  }
}
