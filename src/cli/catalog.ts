import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { type Adapter, AdapterSchema, describeAdapterError } from '../catalog/adapter.js';
import { flagStats } from '../catalog/classify/flag-stats.js';
import { classifyAdapter } from '../catalog/classify/index.js';
import { cliServices } from './context.js';
import { EXIT } from './exit-codes.js';
import { readableFile } from './files.js';
import { type CliIo, writeLine } from './io.js';
import { type CommandGroup, defineCommand, parseCommand, runGroup } from './spec.js';

const LOAD_BATCH = 500;

const CATALOG: CommandGroup = {
  command: 'stylus catalog',
  summary: 'The adapter catalog: the embedded SQLite file under DATA_DIR, or Qdrant when QDRANT_URL is set.',
  noun: 'action',
  subcommands: {
    load: { summary: 'add adapter records from a JSONL file', load: async () => loadCatalog },
    stats: { summary: 'count the adapters by base model, source and category', load: async () => catalogStats },
    migrate: {
      summary: 'copy the embedded catalog (records and vectors) into Qdrant',
      load: async () => (await import('./catalog-migrate.js')).runCatalogMigrate,
    },
  },
  examples: ['stylus catalog stats'],
};

/** `stylus catalog load <file>` | `stylus catalog stats [--json]` | `stylus catalog migrate --to qdrant` */
export async function runCatalog(args: string[], io: CliIo): Promise<number> {
  return runGroup(CATALOG, args, io);
}

const loadSpec = defineCommand({
  command: 'stylus catalog load',
  summary:
    'Add or replace adapter records: one JSON object per line (or one JSON array), as src/catalog/adapter.ts ' +
    'describes them. A malformed line is reported with its number and skipped, and the exit status is then 3 ' +
    '(4 when no line was good).',
  args: '<file.jsonl>',
  positionals: { min: 1, max: 1 },
  flags: {},
  examples: ['stylus catalog load my-adapters.jsonl'],
});

/**
 * Loads adapter records (one JSON object per line, or a JSON array) into the store. A bad line is reported with its
 * number and skipped; the exit code is non-zero when any line was bad, so nothing is loaded silently wrong.
 */
async function loadCatalog(args: string[], io: CliIo): Promise<number> {
  const { positionals } = parseCommand(loadSpec, args);
  const file = await readableFile(positionals[0] as string, 'catalog file');
  const services = await cliServices(io, { seedCatalog: false });
  let loaded = 0;
  let bad = 0;
  let batch: Adapter[] = [];
  const flush = async () => {
    await services.store.upsert(batch);
    loaded += batch.length;
    batch = [];
  };
  try {
    for await (const { line, value, error } of readRecords(file)) {
      if (error) {
        bad++;
        writeLine(io.stderr, `${file}:${line}: skipped: ${error}`);
        continue;
      }
      const parsed = AdapterSchema.safeParse(value);
      if (!parsed.success) {
        bad++;
        writeLine(io.stderr, `${file}:${line}: skipped: ${describeAdapterError(parsed.error)}`);
        continue;
      }
      batch.push(classifyAdapter(parsed.data).adapter);
      if (batch.length >= LOAD_BATCH) await flush();
    }
    await flush();
  } finally {
    await services.close();
  }
  writeLine(io.stdout, `Loaded ${loaded} adapters${bad ? `; skipped ${bad} malformed line(s)` : ''}.`);
  if (bad === 0) return EXIT.ok;
  return loaded > 0 ? EXIT.partial : EXIT.nothingSucceeded;
}

async function* readRecords(file: string): AsyncGenerator<{ line: number; value?: unknown; error?: string }> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  let arrayText: string[] | undefined;
  for await (const text of lines) {
    number++;
    if (arrayText) {
      arrayText.push(text);
      continue;
    }
    const trimmed = text.trim();
    if (trimmed === '') continue;
    if (number === 1 && trimmed.startsWith('[')) {
      arrayText = [text];
      continue;
    }
    try {
      yield { line: number, value: JSON.parse(trimmed) };
    } catch {
      yield { line: number, error: 'not valid JSON' };
    }
  }
  if (arrayText) {
    let values: unknown;
    try {
      values = JSON.parse(arrayText.join('\n'));
    } catch {
      yield { line: 1, error: 'the file starts like a JSON array but is not valid JSON' };
      return;
    }
    if (!Array.isArray(values)) return;
    for (const [index, value] of values.entries()) yield { line: index + 1, value };
  }
}

const statsSpec = defineCommand({
  command: 'stylus catalog stats',
  summary: 'Count the adapters in the catalog by base model family, source and category.',
  flags: { json: { type: 'boolean', help: 'print one JSON object: total, by_base, by_source, by_category' } },
  examples: ['stylus catalog stats --json'],
});

async function catalogStats(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(statsSpec, args);
  const services = await cliServices(io);
  try {
    const { total, by_base, by_source, by_category } = await services.store.stats();
    const flags = await flagStats(services.store);
    if (values.json) {
      writeLine(io.stdout, JSON.stringify({ total, by_base, by_source, by_category, flagged: flags }));
      return 0;
    }
    writeLine(io.stdout, `Adapters: ${total}`);
    const show = (title: string, counts: Record<string, number>) =>
      writeLine(
        io.stdout,
        `${title}: ${
          Object.entries(counts)
            .map(([key, n]) => `${key} ${n}`)
            .join(', ') || '-'
        }`,
      );
    show('By base', by_base);
    show('By source', by_source);
    show('By category', by_category);
    show(
      `NSFW-flagged (kept out of channels that are not age-restricted): ${flags.nsfw}; by reason`,
      flags.nsfw_by_reason,
    );
    writeLine(io.stdout, `Real-person likeness (kept out unless a server allows it): ${flags.real_person}`);
    return 0;
  } finally {
    await services.close();
  }
}
