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
 * A stored record as the catalog's rules read it today, when they read it otherwise than when it was stored (an
 * unchanged item ingested before a rule changed): the category the rules give now, unless the refiner chose one, and
 * every flag they give now. A flag is never cleared here: the gate only adds flags. Undefined when nothing changed.
 */
function withTodaysRules(stored: Adapter, fresh: Adapter): Adapter | undefined {
  const category = stored.refined ? stored.category : fresh.category;
  const nsfw = stored.nsfw || fresh.nsfw;
  const realPerson = stored.realPerson || fresh.realPerson;
  if (category === stored.category && nsfw === stored.nsfw && realPerson === stored.realPerson) return undefined;
  const nsfwReason = stored.nsfw ? stored.nsfwReason : fresh.nsfwReason;
  return { ...stored, category, nsfw, realPerson, ...(nsfwReason ? { nsfwReason } : {}) };
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
  /** Records to write; a versionKey of undefined marks a filtered record whose stored copy only gains a flag. */
  let pending: { adapter: Adapter; versionKey?: string; outcome?: 'added' | 'updated' | 'reclassified' }[] = [];
  let accepted = 0;

  const flush = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    await options.store.upsert(batch.map((entry) => entry.adapter));
    options.state.markDone(
      'ingest',
      batch.flatMap(({ adapter, versionKey }) => (versionKey === undefined ? [] : [{ id: adapter.id, versionKey }])),
    );
    for (const entry of batch) if (entry.outcome) report.count(entry.outcome);
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
      const versionKey = record.versionKey ?? versionKeyOf(adapter);
      const previous = options.state.get('ingest', adapter.id);
      const rejection = ruleRejection(adapter, rules, safety);
      if (rejection) {
        report.problem(rejection, adapter.id);
        report.count('filtered');
        // Kept out now, but stored by an earlier run under older rules: it keeps the flag that keeps it out of a
        // channel that is not age-restricted.
        const stored = previous ? await options.store.get(adapter.id) : undefined;
        const flagged = stored && withTodaysRules(stored, adapter);
        if (flagged) pending.push({ adapter: flagged });
        continue;
      }
      accepted += 1;
      const stored =
        previous?.status === 'done' && previous.versionKey === versionKey
          ? await options.store.get(adapter.id)
          : undefined;
      const reread = stored && withTodaysRules(stored, adapter);
      if (stored && !reread) report.count('unchanged');
      else if (reread) pending.push({ adapter: reread, versionKey, outcome: 'reclassified' });
      else pending.push({ adapter, versionKey, outcome: previous === undefined ? 'added' : 'updated' });
      if (pending.length >= batchSize) await flush();
      if (options.limit !== undefined && accepted >= options.limit) break;
    }
    await flush();
  } finally {
    progress.stop();
  }
  options.log.info({ report: report.toJSON().outcomes }, `${report.title} finished`);
  return report;
}
