import type { Logger } from '../../log.js';
import type { BaseFamily } from '../adapter.js';
import { parseCivitaiModel, readCivitaiDump } from './civitai-item.js';
import { HttpClient, HttpError, type RetryPolicy, type Sleep } from './http.js';
import { ListingGuard } from './pagination.js';
import { problemCode, type SourceRecord, versionKeyOf } from './types.js';

/** Civitai's `baseModels` values for each family (the strings its API filters on). */
export const CIVITAI_BASE_MODELS: Record<BaseFamily, string[]> = {
  sd1: ['SD 1.4', 'SD 1.5'],
  sd2: ['SD 2.0', 'SD 2.0 768', 'SD 2.1', 'SD 2.1 768'],
  sdxl: ['SDXL 1.0', 'SDXL 0.9', 'SDXL Turbo', 'SDXL Lightning'],
  pony: ['Pony'],
  illustrious: ['Illustrious', 'NoobAI'],
  flux1: ['Flux.1 D', 'Flux.1 S'],
  sd3: ['SD 3', 'SD 3.5', 'SD 3.5 Large', 'SD 3.5 Medium'],
  other: ['Other'],
};

/** The API's page size cap. */
const MAX_PAGE_SIZE = 100;

export interface CivitaiClientOptions {
  /** CIVITAI_API_URL, e.g. https://civitai.com. */
  apiUrl: string;
  token?: string;
  retry?: Partial<RetryPolicy>;
  sleep?: Sleep;
  log?: Logger;
  requestsPerMinute?: number;
  /** Deadlines per request: to start answering, and for the whole answer (defaults 10 s and 60 s). */
  answerTimeoutMs?: number;
  timeoutMs?: number;
}

export interface CivitaiListOptions {
  baseFamilies?: readonly BaseFamily[];
  /** Stop after this many models. */
  limit?: number;
  pageSize?: number;
  /** Ask the API for NSFW models too (they are still flagged, and filtered at ingestion unless allowed). */
  includeNsfw?: boolean;
  /** Pages read at most. */
  maxPages?: number;
  signal?: AbortSignal;
}

/**
 * Civitai's public REST API: LoRAs by download count, paged by cursor (`metadata.nextCursor`): page numbers are
 * refused past the first thousand items.
 */
export class CivitaiClient {
  private readonly http: HttpClient;

  constructor(private readonly options: CivitaiClientOptions) {
    this.http = new HttpClient({
      hub: { name: 'Civitai', setting: 'CIVITAI_API_URL', url: options.apiUrl, tokenSetting: 'CIVITAI_TOKEN' },
      token: options.token,
      retry: options.retry,
      sleep: options.sleep,
      log: options.log,
      requestsPerMinute: options.requestsPerMinute,
      answerTimeoutMs: options.answerTimeoutMs,
      timeoutMs: options.timeoutMs,
    });
  }

  firstPageUrl(list: CivitaiListOptions): string {
    const url = new URL('/api/v1/models', this.options.apiUrl);
    url.searchParams.set('types', 'LORA');
    url.searchParams.set('sort', 'Most Downloaded');
    const pageSize = Math.min(list.pageSize ?? MAX_PAGE_SIZE, list.limit ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
    url.searchParams.set('limit', String(Math.max(1, pageSize)));
    for (const family of list.baseFamilies ?? []) {
      for (const baseModel of CIVITAI_BASE_MODELS[family]) url.searchParams.append('baseModels', baseModel);
    }
    if (!list.includeNsfw) url.searchParams.set('nsfw', 'false');
    return url.toString();
  }

  /**
   * Raw API items, page after page, until the cursor runs out, `limit` items were read, or the listing guard ends
   * it (a cursor seen before, the page limit, pages of nothing new).
   */
  async *items(list: CivitaiListOptions = {}): AsyncGenerator<unknown> {
    const guard = new ListingGuard({ hub: 'Civitai', maxPages: list.maxPages, log: this.options.log });
    const seenIds = new Set<unknown>();
    let url = this.firstPageUrl(list);
    let count = 0;
    for (let cursor = 'first page'; guard.admit(cursor); ) {
      const page = await this.http.getJson(url, list.signal);
      const items = isObject(page) && Array.isArray(page.items) ? page.items : undefined;
      if (!items) throw new HttpError(200, url, `Civitai answered ${url} without an "items" list.`);
      let fresh = 0;
      for (const item of items) {
        const id = isObject(item) ? item.id : undefined;
        // A model met on an earlier page is not read twice (a hub going round in circles sends it again).
        if (id !== undefined && seenIds.has(id)) continue;
        if (id !== undefined) seenIds.add(id);
        fresh += 1;
        yield item;
        count += 1;
        if (list.limit !== undefined && count >= list.limit) return;
      }
      const metadata = isObject(page) && isObject(page.metadata) ? page.metadata : {};
      const next = metadata.nextCursor;
      if ((typeof next !== 'string' && typeof next !== 'number') || items.length === 0) return;
      if (!guard.progressed(fresh)) return;
      cursor = String(next);
      const nextUrl = new URL(this.firstPageUrl(list));
      nextUrl.searchParams.set('cursor', cursor);
      url = nextUrl.toString();
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** API or dump items -> source records, in the order read. */
export async function* civitaiRecords(items: AsyncIterable<unknown>): AsyncGenerator<SourceRecord> {
  let index = 0;
  for await (const item of items) {
    index += 1;
    yield civitaiRecord(item, `item ${index}`);
  }
}

/** Models that are not for us (no safetensors file, not a LoRA): counted as skipped, not as bad input. */
const EXPECTED_SKIPS = new Set(['no-safetensors', 'not-an-adapter']);

export function civitaiRecord(item: unknown, location: string): SourceRecord {
  const result = parseCivitaiModel(item);
  const modelId = isObject(item) && (typeof item.id === 'number' || typeof item.id === 'string') ? item.id : undefined;
  const key = result.adapter?.id ?? (modelId !== undefined ? `civitai:${modelId}` : location);
  const expected = result.skipped !== undefined && EXPECTED_SKIPS.has(problemCode(result.skipped));
  return {
    key,
    adapter: result.adapter,
    skipped: expected ? result.skipped : undefined,
    error: expected ? undefined : result.skipped,
    warnings: result.warnings,
    versionKey: result.adapter ? versionKeyOf(result.adapter) : undefined,
  };
}

/** An offline dump (JSONL file or folder of item files) -> source records; unreadable entries become errors. */
export async function* civitaiDumpRecords(dumpPath: string): AsyncGenerator<SourceRecord> {
  for await (const entry of readCivitaiDump(dumpPath)) {
    const location = entry.line !== undefined ? `${entry.file}:${entry.line}` : entry.file;
    if ('error' in entry) yield { key: location, error: entry.error, warnings: [] };
    else yield civitaiRecord(entry.item, location);
  }
}
