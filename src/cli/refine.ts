import { embedCatalog } from '../catalog/ingest/embed.js';
import { progressDisplay } from '../catalog/ingest/progress-display.js';
import { refineCatalog } from '../catalog/ingest/refine.js';
import type { RunReport } from '../catalog/ingest/report.js';
import { IngestState } from '../catalog/ingest/state.js';
import { UserFacingError } from '../errors.js';
import type { Services } from '../services.js';
import { refineAdapter } from '../stylus/refiner.js';
import { cliServices } from './context.js';
import { type CliIo, intFlag, parseCliArgs, writeLine } from './io.js';

/** Ctrl-C stops a long run cleanly: what is finished is kept, the rest is picked up by the next run. */
export function interruptOnSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** After an interrupted run: say how to go on, and exit as a shell expects after Ctrl-C. */
export function interrupted(io: CliIo, signal: AbortSignal): number {
  if (!signal.aborted) return 0;
  writeLine(io.stdout, 'Interrupted: run the same command again to go on where it stopped.');
  return 130;
}

export function printReport(io: CliIo, report: RunReport): void {
  for (const line of report.lines()) writeLine(io.stdout, line);
}

export async function runRefineStep(
  services: Services,
  io: CliIo,
  options: { concurrency: number; limit?: number; signal?: AbortSignal },
): Promise<RunReport> {
  const { openai, config } = services;
  if (!openai || !config.STYLUS_REFINER_MODEL) {
    throw new UserFacingError(
      'The refiner needs an OpenAI-compatible endpoint: set STYLUS_REFINER_MODEL (and OPENAI_BASE_URL / OPENAI_API_KEY).',
      'not_configured',
    );
  }
  const model = config.STYLUS_REFINER_MODEL;
  return refineCatalog({
    store: services.store,
    state: new IngestState(services.db),
    refine: async (adapter) => (await refineAdapter(adapter, { client: openai, model, log: services.log })).adapter,
    concurrency: options.concurrency,
    limit: options.limit,
    signal: options.signal,
    progress: progressDisplay({ label: 'refine', stream: io.stderr, log: services.log }),
    log: services.log,
  });
}

export async function runEmbedStep(services: Services, io: CliIo, signal?: AbortSignal): Promise<RunReport> {
  if (!services.embedder) {
    throw new UserFacingError(
      'Embedding needs an OpenAI-compatible endpoint: set STYLUS_EMBEDDING_MODEL (and OPENAI_BASE_URL / OPENAI_API_KEY).',
      'not_configured',
    );
  }
  return embedCatalog({
    store: services.store,
    state: new IngestState(services.db),
    embedder: services.embedder,
    signal,
    progress: progressDisplay({ label: 'embed', stream: io.stderr, log: services.log }),
    log: services.log,
  });
}

/** `stylus refine [--limit N] [--concurrency N]`: refine every adapter not yet refined; reruns retry failures. */
export async function runRefine(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCliArgs(args, { limit: { type: 'string' }, concurrency: { type: 'string' } }, false);
  const limit = values.limit === undefined ? undefined : intFlag('limit', values.limit, 0, 1, 10_000_000);
  const concurrency = intFlag('concurrency', values.concurrency, 4, 1, 64);
  const services = await cliServices(io, { seedCatalog: false });
  const interrupt = interruptOnSignal();
  try {
    printReport(io, await runRefineStep(services, io, { concurrency, limit, signal: interrupt.signal }));
    return interrupted(io, interrupt.signal);
  } finally {
    interrupt.dispose();
    await services.close();
  }
}
