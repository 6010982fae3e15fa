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
import type { Services } from '../services.js';
import { cliServices } from './context.js';
import { readableFileOrFolder, readableFolder } from './files.js';
import type { CliCommand, CliIo } from './io.js';
import {
  CONCURRENCY_FLAG,
  endpointHint,
  finishRun,
  interruptOnSignal,
  printReport,
  runEmbedStep,
  runRefineStep,
} from './refine.js';
import { type CommandGroup, type CommandSpec, defineCommand, parseCommand, runGroup, UsageError } from './spec.js';

type SourceName = 'civitai' | 'huggingface' | 'local';

/** Flags every source takes. */
const COMMON_FLAGS = {
  'allow-nsfw': { type: 'boolean', help: 'keep NSFW adapters (flagged; shown only in age-restricted channels)' },
  'allow-real-person': { type: 'boolean', help: 'keep adapters of real people (flagged)' },
  blacklist: {
    type: 'string',
    value: 'file',
    help: 'ids (civitai:1234, hf:owner/repo) or name:<text> to drop, one a line',
  },
  refine: { type: 'boolean', help: 'run `stylus refine` afterwards (STYLUS_REFINER_MODEL)' },
  embed: { type: 'boolean', help: 'run `stylus embed` afterwards (STYLUS_EMBEDDING_MODEL)' },
  concurrency: CONCURRENCY_FLAG,
} as const;

const LIMIT_FLAG = {
  type: 'int',
  help: 'stop after this many adapters were accepted',
  min: 1,
  max: 10_000_000,
  defaultText: 'all',
} as const;
const RATE_FLAG = {
  type: 'int',
  help: 'hub requests per minute (429 answers back off anyway)',
  min: 1,
  max: 100_000,
  defaultText: 'unlimited',
} as const;
const BASES_FLAG = {
  type: 'string',
  value: 'families',
  help: `keep only these base families, comma-separated: ${BASE_FAMILIES.join(', ')}`,
} as const;

const SPECS = {
  civitai: defineCommand({
    command: 'stylus ingest civitai',
    summary:
      'Add LoRAs from the Civitai API (most downloaded first; CIVITAI_TOKEN optional) or from an offline dump: a ' +
      'JSONL file of /api/v1/models items, or a folder of item files.',
    flags: {
      dump: { type: 'string', value: 'file|folder', help: 'read this dump instead of the API' },
      base: { ...BASES_FLAG, defaultText: 'every base' },
      limit: LIMIT_FLAG,
      'requests-per-minute': RATE_FLAG,
      ...COMMON_FLAGS,
    },
    examples: ['stylus ingest civitai --limit 2000 --base sdxl,pony', 'stylus ingest civitai --dump models.jsonl'],
  }),
  huggingface: defineCommand({
    command: 'stylus ingest huggingface',
    summary: 'Add LoRAs from the Hugging Face Hub (HF_ENDPOINT): repos tagged lora on the base models given.',
    flags: {
      base: { ...BASES_FLAG, defaultText: 'STYLUS_DEFAULT_BASE, else sdxl' },
      limit: LIMIT_FLAG,
      'requests-per-minute': RATE_FLAG,
      ...COMMON_FLAGS,
    },
    examples: ['stylus ingest huggingface --base sdxl --limit 200'],
    notes: ['HF_TOKEN lets it read gated repos.'],
  }),
  local: defineCommand({
    command: 'stylus ingest local',
    summary:
      'Add the .safetensors LoRAs of a folder (and its subfolders): their headers, kohya metadata and ' +
      '.civitai.info / .json sidecars.',
    args: '<folder>',
    positionals: { min: 1, max: 1 },
    flags: { base: { ...BASES_FLAG, defaultText: 'every base' }, limit: LIMIT_FLAG, ...COMMON_FLAGS },
    examples: ['stylus ingest local /path/to/ComfyUI/models/loras'],
  }),
};

const INGEST: CommandGroup = {
  command: 'stylus ingest',
  summary:
    'Build the catalog. Progress is kept per record: Ctrl-C and run the same command again to go on; a rerun ' +
    'skips what is done and retries what failed. Every run ends with counts and the ids of each kind of problem.',
  noun: 'source',
  subcommands: {
    civitai: { summary: 'the Civitai API, or an offline dump of it', load: async () => ingestFrom('civitai') },
    huggingface: { summary: 'the Hugging Face Hub', load: async () => ingestFrom('huggingface') },
    local: { summary: 'a folder of .safetensors files', load: async () => ingestFrom('local') },
  },
  examples: ['stylus ingest civitai --dump models.jsonl'],
};

export function parseBaseFamilies(value: string | undefined): BaseFamily[] | undefined {
  if (value === undefined) return undefined;
  const families = value
    .split(',')
    .map((part) => part.trim().toLowerCase())
    .filter(Boolean);
  for (const family of families) {
    if (!(BASE_FAMILIES as readonly string[]).includes(family)) {
      throw new UsageError(`--base: unknown base model "${family}" (use ${BASE_FAMILIES.join(', ')}).`);
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

/** `stylus ingest <civitai|huggingface|local> ...`: build the catalog from a hub, a dump or a LoRA folder. */
export async function runIngest(args: string[], io: CliIo): Promise<number> {
  return runGroup(INGEST, args, io);
}

function ingestFrom(sourceName: SourceName): CliCommand {
  return (args, io) => ingest(sourceName, args, io);
}

async function ingest(sourceName: SourceName, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(SPECS[sourceName] as CommandSpec<IngestFlags>, args);
  const baseFamilies = parseBaseFamilies(values.base);
  const blacklist = values.blacklist ? await Blacklist.load(values.blacklist) : Blacklist.empty();
  const folder = sourceName === 'local' ? await readableFolder(positionals[0] as string, 'LoRA folder') : undefined;
  const dump = values.dump ? await readableFileOrFolder(values.dump, 'Civitai dump') : undefined;

  const services = await cliServices(io, { seedCatalog: false });
  const interrupt = interruptOnSignal();
  try {
    const { records, expectedTotal } = await openSource(services, sourceName, {
      folder,
      dump,
      baseFamilies: baseFamilies ?? (sourceName === 'huggingface' ? [services.config.STYLUS_DEFAULT_BASE] : undefined),
      limit: values.limit,
      allowNsfw: values['allow-nsfw'],
      requestsPerMinute: values['requests-per-minute'],
      signal: interrupt.signal,
    });
    const report = await ingestRecords(records, {
      store: services.store,
      state: new IngestState(services.db),
      rules: {
        allowNsfw: values['allow-nsfw'],
        allowRealPerson: values['allow-real-person'],
        blacklist,
        // The API filters by base itself; dumps and folders hold every base, so the rules do it there.
        baseFamilies: sourceName === 'civitai' && !dump ? undefined : baseFamilies,
      },
      limit: values.limit,
      expectedTotal,
      signal: interrupt.signal,
      progress: progressDisplay({ label: `ingest ${sourceName}`, stream: io.stderr, log: services.log }),
      log: services.log,
      title: `ingest ${sourceName}`,
    });
    printReport(io, report, sourceHint(sourceName, dump ?? folder));
    const reports = [report];
    if (!interrupt.signal.aborted && values.refine) {
      const refined = await runRefineStep(services, io, { concurrency: values.concurrency, signal: interrupt.signal });
      printReport(io, refined, endpointHint(services, 'STYLUS_REFINER_MODEL'));
      reports.push(refined);
    }
    if (!interrupt.signal.aborted && values.embed) {
      const embedded = await runEmbedStep(services, io, interrupt.signal);
      printReport(io, embedded, endpointHint(services, 'STYLUS_EMBEDDING_MODEL'));
      reports.push(embedded);
    }
    return finishRun(io, interrupt.signal, reports);
  } finally {
    interrupt.dispose();
    await services.close();
  }
}

/** What to check when every record of a source failed. */
function sourceHint(sourceName: SourceName, path: string | undefined): string {
  if (sourceName === 'local') return `are the files in ${path} LoRA .safetensors files (not cut short)?`;
  if (path) return `is ${path} a Civitai dump (a JSONL file of /api/v1/models items, or a folder of item files)?`;
  return 'the hub answered with records this version cannot read; run with LOG_LEVEL=debug and report it.';
}

/** Civitai's flags are a superset of the other sources': a flag a source lacks is read as not given. */
type IngestFlags = typeof SPECS.civitai.flags;

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
