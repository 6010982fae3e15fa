import type { Logger } from '../log.js';
import { parseAdapter } from './adapter.js';
import type { QdrantConnection } from './qdrant-connection.js';
import { PAYLOAD } from './qdrant-filter.js';
import { type PointWrite, SPARSE_VECTOR, textPayload, type WriteLimits, writePoints } from './qdrant-points.js';
import { adapterTermHits, adapterText } from './qdrant-sparse.js';

/**
 * BM25 saturates a term's hits against the document's length relative to the corpus average, so the document-side
 * weights stored in Qdrant depend on that average. The collection's metadata records the average the weights use
 * (TEXT_AVERAGE_KEY); each point records it too (`text_weights`). When writes move the real average more than
 * DRIFT_TOLERANCE, the target changes and every point whose stamp differs is re-weighted in place: points never
 * leave the text index, and an interrupted rebuild is finished by the next process that opens the collection.
 */
export const TEXT_AVERAGE_KEY = 'text_average_length';
/** Bumped when the document-side formula changes: every point is then re-weighted once. */
const TEXT_LAYOUT = 'fts5-bm25-v1';
/**
 * How far the real average may drift from the target before points are re-weighted. Measured on the Civitai dump
 * (retrieval-dev.jsonl against the SQLite store): 30% off costs 0.015 R@10; 5% keeps R@10 within 0.001 and 98.9% of
 * the top 10s, 1% 100% of them. While a job writes, points are re-weighted past 25% only: a refine that doubles the
 * descriptions re-weights the catalog three times, not fourteen. A process that wrote settles to 1% when it is done
 * (QdrantAdapterStore.settle, called by close()).
 */
export const WRITE_TOLERANCE = 0.25;
export const SETTLED_TOLERANCE = 0.01;
/** Distinct document lengths a facet may return: far above any real catalog's spread. */
const LENGTH_FACET_LIMIT = 100_000;
/** Records read to estimate the average of a collection that has none recorded. */
const ESTIMATE_SAMPLE = 1_000;
/** Passes over stale points before giving up for now (another writer may keep changing the target). */
const MAX_REBUILD_ROUNDS = 3;

export function weightsStamp(averageLength: number): string {
  return `${TEXT_LAYOUT}:${averageLength}`;
}

/** Averages are stored rounded, so every process derives the same stamp. */
export function roundedAverage(average: number): number {
  return average > 0 ? Number(average.toFixed(2)) : 1;
}

export class TextWeights {
  private maintenance: Promise<number> = Promise.resolve(0);

  constructor(
    private readonly connection: QdrantConnection,
    private readonly limits: WriteLimits,
    private readonly log: Logger,
  ) {}

  /** The corpus average the stored weights use, or undefined before the first write. */
  async target(): Promise<number | undefined> {
    const average = (await this.connection.info()).config.metadata?.[TEXT_AVERAGE_KEY];
    return typeof average === 'number' && average > 0 ? average : undefined;
  }

  async setTarget(average: number): Promise<void> {
    await this.connection.call('record the corpus average of the text index', (client, collection) =>
      client.updateCollection(collection, { metadata: { [TEXT_AVERAGE_KEY]: average } }),
    );
  }

  /** The real average document length, summed by Qdrant over the points' `text_length`. */
  async measuredAverage(): Promise<number | undefined> {
    const { hits } = await this.connection.call('measure the text index', (client, collection) =>
      client.facet(collection, { key: PAYLOAD.textLength, limit: LENGTH_FACET_LIMIT, exact: true }),
    );
    let documents = 0;
    let terms = 0;
    for (const hit of hits) {
      if (typeof hit.value !== 'number') continue;
      documents += hit.count;
      terms += hit.value * hit.count;
    }
    if (hits.length >= LENGTH_FACET_LIMIT) this.log.warn({ hits: hits.length }, 'text length facet truncated');
    return documents > 0 ? terms / documents : undefined;
  }

  async staleCount(average: number): Promise<number> {
    const { count } = await this.connection.call('count points awaiting BM25 weights', (client, collection) =>
      client.count(collection, { filter: staleFilter(average), exact: true }),
    );
    return count;
  }

  /**
   * At start-up: finishes re-weighting points an earlier process left stale (interrupted, or written by an older
   * version), then checks the average. A collection from before the average was recorded gets one estimated from a
   * sample of its records first. Returns how many points were rewritten.
   */
  async resume(): Promise<number> {
    if ((await this.target()) === undefined) {
      const sample = await this.connection.call('read records to estimate the corpus average', (client, collection) =>
        client.scroll(collection, { limit: ESTIMATE_SAMPLE, with_payload: [PAYLOAD.record], with_vector: false }),
      );
      const lengths = sample.points.flatMap((point) => {
        const adapter = parseRecord(point.payload?.[PAYLOAD.record]);
        return adapter ? [adapterTermHits(adapter).length] : [];
      });
      if (lengths.length === 0) return 0;
      await this.setTarget(roundedAverage(lengths.reduce((sum, length) => sum + length, 0) / lengths.length));
    }
    return (await this.rebuildStale()) + (await this.maintain(WRITE_TOLERANCE));
  }

  /**
   * After writes: when the real average moved more than `tolerance` from the target, the target follows and the
   * points are re-weighted. Returns how many points were rewritten.
   */
  maintain(tolerance: number): Promise<number> {
    // One at a time in a process: writers running side by side (refine's workers) must not each re-weight the
    // catalog for the same drift. The second finds the target already moved.
    const run = this.maintenance.then(() => this.maintainNow(tolerance));
    this.maintenance = run.catch(() => 0);
    return run;
  }

  private async maintainNow(tolerance: number): Promise<number> {
    const measured = await this.measuredAverage();
    if (measured === undefined) return 0;
    const target = await this.target();
    if (target !== undefined && Math.abs(measured / target - 1) <= tolerance) return 0;
    const next = roundedAverage(measured);
    this.log.info({ collection: this.connection.collection, from: target, to: next }, 'BM25 corpus average moved');
    await this.setTarget(next);
    return this.rebuildStale();
  }

  /**
   * Re-weights every point whose weights were computed for another average or layout (or never), page by page in
   * point-id order. The target is read again for each page, so two processes converge on the latest one.
   */
  async rebuildStale(): Promise<number> {
    let rewritten = 0;
    for (let round = 0; round < MAX_REBUILD_ROUNDS; round++) {
      const start = await this.target();
      if (start === undefined || (await this.staleCount(start)) === 0) return rewritten;
      this.log.warn({ collection: this.connection.collection, average: start }, 'rebuilding BM25 weights');
      let average = start;
      for await (const page of this.connection.scroll(
        { filter: staleFilter(start), limit: this.limits.maxItems, with_payload: [PAYLOAD.record], with_vector: false },
        'read records to rebuild BM25 weights',
      )) {
        average = (await this.target()) ?? average;
        const stamp = weightsStamp(average);
        const writes = page.flatMap((point): PointWrite[] => {
          const parsed = parseRecord(point.payload?.[PAYLOAD.record]);
          if (!parsed) {
            // Stamped anyway, so it is not read again by every start-up; an upsert of the adapter repairs it.
            this.log.warn({ pointId: point.id }, 'point without a valid record: BM25 weights not rebuilt');
            return [{ id: String(point.id), exists: true, payload: { [PAYLOAD.textWeights]: stamp }, vectors: {} }];
          }
          const text = adapterText(parsed, average);
          const payload = textPayload(parsed, text, stamp);
          return [{ id: String(point.id), exists: true, payload, vectors: { [SPARSE_VECTOR]: text.sparse } }];
        });
        await writePoints(this.connection, writes, this.limits, 'store rebuilt BM25 weights');
        rewritten += writes.length;
      }
    }
    return rewritten;
  }
}

function staleFilter(average: number) {
  return { must_not: [{ key: PAYLOAD.textWeights, match: { value: weightsStamp(average) } }] };
}

function parseRecord(record: unknown) {
  try {
    return parseAdapter(record);
  } catch {
    return undefined;
  }
}
