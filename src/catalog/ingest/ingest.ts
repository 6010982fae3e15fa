import type { Logger } from '../../log.js';
import type { Adapter, BaseFamily } from '../adapter.js';
import { classifyAdapter, type SafetyVerdict } from '../classify/index.js';
import type { SourceRecord } from '../sources/types.js';
import { versionKeyOf } from '../sources/types.js';
import type { AdapterStore } from '../store.js';
import { Blacklist } from './blacklist.js';
import { type ProgressSink, silentProgress } from './progress-display.js';
import { RunReport } from './report.js';
import type { IngestState } from './state.js';

export interface IngestRules {
  /** NSFW adapters are kept out unless the admin opts in; kept ones stay flagged. */
  allowNsfw: boolean;
  /** Real-person likeness adapters likewise. */
  allowRealPerson: boolean;
  blacklist: Blacklist;
  /** Keep only these families (a dump holds every base model; the API is asked for these already). */
  baseFamilies?: readonly BaseFamily[];
}

export const DEFAULT_RULES: IngestRules = { allowNsfw: false, allowRealPerson: false, blacklist: Blacklist.empty() };

export interface IngestOptions {
  store: AdapterStore;
  state: IngestState;
  rules?: IngestRules;
  /** Stop after this many records were accepted (stored or already up to date). */
  limit?: number;
  /** Records written per store transaction. */
  batchSize?: number;
  progress?: ProgressSink;
  /** Total for the progress ETA, when the caller knows it. */
  expectedTotal?: number;
  signal?: AbortSignal;
  log: Logger;
  title?: string;
}

/** Why the rules keep an adapter out (`code: detail`, the code counted in the report), or undefined. */
export function ruleRejection(
  adapter: Adapter,
  rules: IngestRules,
  safety: SafetyVerdict = { nsfw: adapter.nsfw },
): string | undefined {
  if (adapter.nsfw && !rules.allowNsfw) {
    return `filtered-nsfw-${safety.kind ?? 'hub'}: ${adapter.nsfwReason ?? 'NSFW'} (--allow-nsfw keeps it, flagged)`;
  }
  if (adapter.realPerson && !rules.allowRealPerson) {
    return 'filtered-real-person: real person (use --allow-real-person to keep)';
  }
  if (rules.baseFamilies && !rules.baseFamilies.includes(adapter.baseFamily)) {
    return `filtered-base: ${adapter.baseFamily}`;
  }
  return rules.blacklist.reason(adapter);
}

/**
 * Source records -> the catalog. Validated records are upserted in batches, keyed by adapter id; a record whose
 * version the state already holds as done is left alone (so a refined description is not overwritten by the raw
 * one). Bad input is counted with its id and the run goes on; only the store failing stops it.
 */
export async function ingestRecords(records: AsyncIterable<SourceRecord>, options: IngestOptions): Promise<RunReport> {
  const rules = options.rules ?? DEFAULT_RULES;
  const report = new RunReport(options.title ?? 'ingest');
  const progress = options.progress ?? silentProgress;
  const batchSize = options.batchSize ?? 250;
  const seen = new Set<string>();
  let pending: { adapter: Adapter; versionKey: string; isNew: boolean }[] = [];
  let accepted = 0;

  const flush = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    await options.store.upsert(batch.map((entry) => entry.adapter));
    options.state.markDone(
      'ingest',
      batch.map((entry) => ({ id: entry.adapter.id, versionKey: entry.versionKey })),
    );
    for (const entry of batch) report.count(entry.isNew ? 'added' : 'updated');
  };

  progress.start(options.limit ?? options.expectedTotal);
  try {
    for await (const record of records) {
      if (options.signal?.aborted) {
        report.count('interrupted');
        break;
      }
      progress.tick();
      report.count('read');
      for (const warning of record.warnings) report.problem(warning, record.key);
      if (record.error) {
        report.problem(record.error, record.key);
        report.count('failed');
        continue;
      }
      if (!record.adapter) {
        report.problem(record.skipped ?? 'skipped: no record', record.key);
        report.count('skipped');
        continue;
      }
      const { adapter, safety } = classifyAdapter(record.adapter);
      if (safety.kind && rules.allowNsfw) report.problem(`flagged-nsfw-${safety.kind}: ${safety.reason}`, adapter.id);
      if (seen.has(adapter.id)) {
        report.problem('duplicate: the same model appeared again in this run', adapter.id);
        report.count('skipped');
        continue;
      }
      seen.add(adapter.id);
      const rejection = ruleRejection(adapter, rules, safety);
      if (rejection) {
        report.problem(rejection, adapter.id);
        report.count('filtered');
        continue;
      }
      const versionKey = record.versionKey ?? versionKeyOf(adapter);
      const previous = options.state.get('ingest', adapter.id);
      accepted += 1;
      if (previous?.status === 'done' && previous.versionKey === versionKey && (await options.store.get(adapter.id))) {
        report.count('unchanged');
      } else {
        pending.push({ adapter, versionKey, isNew: previous === undefined });
        if (pending.length >= batchSize) await flush();
      }
      if (options.limit !== undefined && accepted >= options.limit) break;
    }
    await flush();
  } finally {
    progress.stop();
  }
  options.log.info({ report: report.toJSON().outcomes }, `${report.title} finished`);
  return report;
}
