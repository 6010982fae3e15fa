import type { Logger } from '../../log.js';
import type { Adapter } from '../adapter.js';
import type { AdapterStore } from '../store.js';
import { type ProgressSink, silentProgress } from './progress-display.js';
import { RunReport } from './report.js';
import type { IngestState } from './state.js';

/** Refines one adapter; throws with a `code` ('request-failed', 'invalid-reply') when it cannot. */
export type RefineOne = (adapter: Adapter) => Promise<Adapter>;

export interface RefineCatalogOptions {
  store: AdapterStore;
  state: IngestState;
  refine: RefineOne;
  /** Adapters refined at once (VLM calls in flight). */
  concurrency?: number;
  limit?: number;
  signal?: AbortSignal;
  progress?: ProgressSink;
  log: Logger;
}

const PAGE = 200;

/** Every stored adapter not yet refined, page by page in id order. */
async function* unrefined(store: AdapterStore): AsyncGenerator<Adapter> {
  let after: string | undefined;
  for (;;) {
    const page = await store.list({ after, limit: PAGE, filter: { allowNsfw: true, allowRealPerson: true } });
    for (const adapter of page) if (!adapter.refined) yield adapter;
    if (page.length < PAGE) return;
    after = page[page.length - 1]?.id;
  }
}

/**
 * Runs the refiner over the catalog. Resumable by construction: a refined record carries `refined: true` and is
 * not picked again; a failure leaves the original description in place, is recorded in the progress table with
 * why, and is retried by the next run.
 */
export async function refineCatalog(options: RefineCatalogOptions): Promise<RunReport> {
  const report = new RunReport('refine');
  const progress = options.progress ?? silentProgress;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const source = unrefined(options.store);
  let taken = 0;
  const next = async (): Promise<Adapter | undefined> => {
    if (options.signal?.aborted) return undefined;
    if (options.limit !== undefined && taken >= options.limit) return undefined;
    const result = await source.next();
    if (result.done) return undefined;
    taken += 1;
    return result.value;
  };
  // One shared iterator: each worker takes the next record when it is free.
  let pulling = Promise.resolve<Adapter | undefined>(undefined);
  const take = () => {
    pulling = pulling.then(next, next);
    return pulling;
  };

  const worker = async () => {
    for (let adapter = await take(); adapter; adapter = await take()) {
      try {
        const refined = await options.refine(adapter);
        await options.store.upsert([refined]);
        options.state.markDone('refine', [{ id: adapter.id, versionKey: '' }]);
        report.count('refined');
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        const kind = typeof code === 'string' ? code : 'refine-failed';
        const detail = error instanceof Error ? error.message : String(error);
        options.state.markFailed('refine', adapter.id, '', detail);
        report.problem(`${kind}: ${detail}`, adapter.id);
        report.count('failed');
        options.log.warn({ adapterId: adapter.id, error: detail }, 'refine failed; original description kept');
      }
      progress.tick();
    }
  };

  progress.start(options.limit);
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    progress.stop();
    await source.return(undefined);
  }
  if (options.signal?.aborted) report.count('interrupted');
  return report;
}
