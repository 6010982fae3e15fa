import { embedCatalog } from '../catalog/ingest/embed.js';
import { progressDisplay } from '../catalog/ingest/progress-display.js';
import { refineCatalog } from '../catalog/ingest/refine.js';
import type { RunReport } from '../catalog/ingest/report.js';
import { IngestState } from '../catalog/ingest/state.js';
import { catalogUrlPolicy } from '../catalog/url-policy.js';
import { UserFacingError } from '../errors.js';
import type { Services } from '../services.js';
import { refineAdapter } from '../stylus/refiner.js';
import { cliServices } from './context.js';
import { EXIT, reportExitCode, runExitCode } from './exit-codes.js';
import { type CliIo, writeLine } from './io.js';
import { defineCommand, parseCommand } from './spec.js';

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

/**
 * The exit status of a run of steps (ingest, refine, embed): after Ctrl-C, say how to go on and exit as a shell
 * expects; otherwise the worst step decides (3 some records failed, 4 every one did).
 */
export function finishRun(io: CliIo, signal: AbortSignal, reports: readonly RunReport[]): number {
  if (signal.aborted) {
    writeLine(io.stdout, 'Interrupted: run the same command again to go on where it stopped.');
    return EXIT.interrupted;
  }
  return runExitCode(reports);
}

/**
 * The report's lines, and when every record failed, one more naming what to check (`hint`): a dead endpoint or a
 * file of the wrong kind fails every record the same way.
 */
export function printReport(io: CliIo, report: RunReport, hint?: string): void {
  for (const line of report.lines()) writeLine(io.stdout, line);
  if (hint && reportExitCode(report) === EXIT.nothingSucceeded) {
    writeLine(io.stdout, `All ${report.get('failed')} failed: ${hint}`);
  }
}

/** What to check when every refine or embed request failed. */
export function endpointHint(services: Services, modelKey: 'STYLUS_REFINER_MODEL' | 'STYLUS_EMBEDDING_MODEL'): string {
  const { config } = services;
  return `check that OPENAI_BASE_URL (${config.OPENAI_BASE_URL}) answers and serves ${modelKey} (${config[modelKey]}), and OPENAI_API_KEY.`;
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
  const urlPolicy = catalogUrlPolicy(config);
  return refineCatalog({
    store: services.store,
    state: new IngestState(services.db),
    refine: async (adapter) =>
      (await refineAdapter(adapter, { client: openai, model, urlPolicy, log: services.log })).adapter,
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

export const CONCURRENCY_FLAG = {
  type: 'int',
  help: 'vision-language requests in flight at once',
  min: 1,
  max: 64,
  default: 4,
} as const;

const spec = defineCommand({
  command: 'stylus refine',
  summary:
    'Describe every adapter not yet refined with a vision-language model (STYLUS_REFINER_MODEL): description, ' +
    'category, weight. Resumable: Ctrl-C and run it again; a rerun retries what failed.',
  flags: {
    limit: { type: 'int', help: 'refine at most this many adapters', min: 1, max: 10_000_000, defaultText: 'all' },
    concurrency: CONCURRENCY_FLAG,
  },
  examples: ['stylus refine --limit 100'],
});

/** `stylus refine [--limit N] [--concurrency N]`: refine every adapter not yet refined; reruns retry failures. */
export async function runRefine(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(spec, args);
  const services = await cliServices(io, { seedCatalog: false });
  const interrupt = interruptOnSignal();
  try {
    const report = await runRefineStep(services, io, {
      concurrency: values.concurrency,
      limit: values.limit,
      signal: interrupt.signal,
    });
    printReport(io, report, endpointHint(services, 'STYLUS_REFINER_MODEL'));
    return finishRun(io, interrupt.signal, [report]);
  } finally {
    interrupt.dispose();
    await services.close();
  }
}
