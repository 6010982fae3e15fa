import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { BASE_FAMILIES, type BaseFamily } from '../catalog/adapter.js';
import { Blacklist } from '../catalog/ingest/blacklist.js';
import { ingestRecords } from '../catalog/ingest/ingest.js';
import { progressDisplay } from '../catalog/ingest/progress-display.js';
import { IngestState, SqliteHashCache } from '../catalog/ingest/state.js';
import { CivitaiClient, civitaiDumpRecords, civitaiRecords } from '../catalog/sources/civitai.js';
import { HuggingFaceClient, huggingFaceRecords } from '../catalog/sources/huggingface.js';
import { localRecords } from '../catalog/sources/local.js';
import type { SourceRecord } from '../catalog/sources/types.js';
import { UserFacingError } from '../errors.js';
import type { Services } from '../services.js';
import { cliServices } from './context.js';
import { type CliIo, intFlag, parseCliArgs } from './io.js';
import { interrupted, interruptOnSignal, printReport, runEmbedStep, runRefineStep } from './refine.js';

const USAGE = [
  'Usage:',
  '  stylus ingest civitai [--limit N] [--base sdxl,sd1] [--dump path] [options]',
  '  stylus ingest huggingface [--limit N] [--base sdxl] [options]',
  '  stylus ingest local <folder> [options]',
  'Options: --allow-nsfw --allow-real-person --blacklist <file> --refine --embed --concurrency N',
  '         --requests-per-minute N (hub requests; default unlimited, with backoff on 429)',
].join('\n');

const OPTIONS = {
  limit: { type: 'string' },
  base: { type: 'string' },
  dump: { type: 'string' },
  'allow-nsfw': { type: 'boolean' },
  'allow-real-person': { type: 'boolean' },
  blacklist: { type: 'string' },
  refine: { type: 'boolean' },
  embed: { type: 'boolean' },
  concurrency: { type: 'string' },
  'requests-per-minute': { type: 'string' },
} as const;

export function parseBaseFamilies(value: string | undefined): BaseFamily[] | undefined {
  if (value === undefined) return undefined;
  const families = value
    .split(',')
    .map((part) => part.trim().toLowerCase())
    .filter(Boolean);
  for (const family of families) {
    if (!(BASE_FAMILIES as readonly string[]).includes(family)) {
      throw new UserFacingError(`--base: unknown base model "${family}" (use ${BASE_FAMILIES.join(', ')}).`, 'usage');
    }
  }
  return families as BaseFamily[];
}

/** Lines in a JSONL dump, for the progress ETA (a quick pass: the file is read again for parsing). */
async function countLines(file: string): Promise<number> {
  let count = 0;
  for await (const chunk of createReadStream(file)) {
    for (const byte of chunk as Buffer) if (byte === 10) count += 1;
  }
  return count;
}

async function existingPath(value: string, what: string): Promise<Awaited<ReturnType<typeof stat>>> {
  try {
    return await stat(value);
  } catch {
    throw new UserFacingError(`Cannot read the ${what} "${value}".`, 'missing_file');
  }
}

/** `stylus ingest <civitai|huggingface|local> ...`: build the catalog from a hub, a dump or a LoRA folder. */
export async function runIngest(args: string[], io: CliIo): Promise<number> {
  const [sourceName, ...rest] = args;
  if (!sourceName || !['civitai', 'huggingface', 'local'].includes(sourceName)) {
    throw new UserFacingError(USAGE, 'usage');
  }
  const { values, positionals } = parseCliArgs(rest, OPTIONS);
  const limit = values.limit === undefined ? undefined : intFlag('limit', values.limit, 0, 1, 10_000_000);
  const concurrency = intFlag('concurrency', values.concurrency, 4, 1, 64);
  const baseFamilies = parseBaseFamilies(values.base);
  const requestsPerMinute =
    values['requests-per-minute'] === undefined
      ? undefined
      : intFlag('requests-per-minute', values['requests-per-minute'], 0, 1, 100_000);
  const blacklist = values.blacklist ? await Blacklist.load(values.blacklist) : Blacklist.empty();
  if (sourceName === 'local' && !positionals[0])
    throw new UserFacingError('Give a folder: stylus ingest local <folder>', 'usage');
  if (sourceName !== 'local' && positionals.length) throw new UserFacingError(USAGE, 'usage');
  if (values.dump && sourceName !== 'civitai')
    throw new UserFacingError('--dump is for stylus ingest civitai.', 'usage');
  if (values.dump) await existingPath(values.dump, 'dump');
  if (sourceName === 'local' && positionals[0] && !(await existingPath(positionals[0], 'folder')).isDirectory()) {
    throw new UserFacingError(`"${positionals[0]}" is not a folder.`, 'usage');
  }

  const services = await cliServices(io, { seedCatalog: false });
  const interrupt = interruptOnSignal();
  try {
    const { records, expectedTotal } = await openSource(services, sourceName, {
      folder: positionals[0],
      dump: values.dump,
      baseFamilies,
      limit,
      allowNsfw: values['allow-nsfw'] === true,
      requestsPerMinute,
      signal: interrupt.signal,
    });
    const report = await ingestRecords(records, {
      store: services.store,
      state: new IngestState(services.db),
      rules: {
        allowNsfw: values['allow-nsfw'] === true,
        allowRealPerson: values['allow-real-person'] === true,
        blacklist,
        // The API filters by base itself; dumps and folders hold every base, so the rules do it there.
        baseFamilies: sourceName === 'civitai' && !values.dump ? undefined : baseFamilies,
      },
      limit,
      expectedTotal,
      signal: interrupt.signal,
      progress: progressDisplay({ label: `ingest ${sourceName}`, stream: io.stderr, log: services.log }),
      log: services.log,
      title: `ingest ${sourceName}`,
    });
    printReport(io, report);
    if (interrupt.signal.aborted) return interrupted(io, interrupt.signal);
    if (values.refine) printReport(io, await runRefineStep(services, io, { concurrency, signal: interrupt.signal }));
    if (values.embed) printReport(io, await runEmbedStep(services, io, interrupt.signal));
    return interrupted(io, interrupt.signal);
  } finally {
    interrupt.dispose();
    await services.close();
  }
}

async function openSource(
  services: Services,
  sourceName: string,
  options: {
    folder?: string;
    dump?: string;
    baseFamilies?: BaseFamily[];
    limit?: number;
    allowNsfw: boolean;
    requestsPerMinute?: number;
    signal: AbortSignal;
  },
): Promise<{ records: AsyncIterable<SourceRecord>; expectedTotal?: number }> {
  const { config, log } = services;
  if (sourceName === 'local') {
    return { records: localRecords(options.folder as string, { hashCache: new SqliteHashCache(services.db) }) };
  }
  if (sourceName === 'huggingface') {
    const client = new HuggingFaceClient({
      endpoint: config.HF_ENDPOINT ?? 'https://huggingface.co',
      token: config.HF_TOKEN,
      log,
      requestsPerMinute: options.requestsPerMinute,
    });
    return {
      records: huggingFaceRecords(client, {
        baseFamilies: options.baseFamilies ?? ['sdxl'],
        limit: options.limit,
        signal: options.signal,
      }),
    };
  }
  if (options.dump) {
    const info = await stat(options.dump);
    return {
      records: civitaiDumpRecords(options.dump),
      expectedTotal: info.isFile() ? await countLines(options.dump) : undefined,
    };
  }
  const client = new CivitaiClient({
    apiUrl: config.CIVITAI_API_URL ?? 'https://civitai.com',
    token: config.CIVITAI_TOKEN,
    log,
    requestsPerMinute: options.requestsPerMinute,
  });
  return {
    records: civitaiRecords(
      client.items({
        baseFamilies: options.baseFamilies,
        // Filtered and skipped models do not count towards --limit: read a little past it, the runner stops on time.
        includeNsfw: options.allowNsfw,
        signal: options.signal,
      }),
    ),
  };
}
