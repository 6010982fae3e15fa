import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { type Adapter, AdapterSchema, describeAdapterError } from '../catalog/adapter.js';
import { flagStats } from '../catalog/classify/flag-stats.js';
import { classifyAdapter } from '../catalog/classify/index.js';
import { UserFacingError } from '../errors.js';
import { cliServices } from './context.js';
import { type CliIo, parseCliArgs, writeLine } from './io.js';

const LOAD_BATCH = 500;

/** `stylus catalog load <file>` | `stylus catalog stats [--json]` */
export async function runCatalog(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'load':
      return loadCatalog(rest, io);
    case 'stats':
      return catalogStats(rest, io);
    case 'migrate':
      return (await import('./catalog-migrate.js')).runCatalogMigrate(rest, io);
    default:
      throw new UserFacingError(
        'Usage: stylus catalog load <file.jsonl> | stylus catalog stats [--json] | stylus catalog migrate --to qdrant',
        'usage',
      );
  }
}

/**
 * Loads adapter records (one JSON object per line, or a JSON array) into the store. A bad line is reported with its
 * number and skipped; the exit code is non-zero when any line was bad, so nothing is loaded silently wrong.
 */
async function loadCatalog(args: string[], io: CliIo): Promise<number> {
  const { positionals } = parseCliArgs(args, {});
  const file = positionals[0];
  if (!file) throw new UserFacingError('Give a catalog file: stylus catalog load adapters.jsonl', 'usage');
  try {
    await access(file);
  } catch {
    throw new UserFacingError(`Cannot read the catalog file "${file}".`, 'missing_file');
  }
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
  return bad > 0 ? 1 : 0;
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

async function catalogStats(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCliArgs(args, { json: { type: 'boolean', default: false } }, false);
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
