import type { AdapterStore } from '../catalog/store.js';
import type { Logger } from '../log.js';

interface Entry {
  id: string;
  name: string;
  /** Lower-cased name and id, searched by autocomplete. */
  haystack: string;
  nsfw: boolean;
}

/** Discord shows at most 25 autocomplete choices; name and value are capped at 100 characters. */
export const MAX_CHOICES = 25;
const PAGE = 500;
/** How often the catalog version is compared; autocomplete never waits on it. */
const REFRESH_CHECK_MS = 30_000;

/**
 * Adapter ids and names in memory for autocomplete, which Discord wants answered within 3 s: a lookup is a scan
 * of a few thousand short strings. Loaded at start and reloaded in the background when the catalog changes.
 */
export class AdapterNameCache {
  private entries: Entry[] = [];
  private version: string | undefined;
  private loading: Promise<void> | undefined;
  private lastCheck = 0;

  constructor(
    private readonly store: AdapterStore,
    private readonly log: Logger,
  ) {}

  /** Loads the names; awaited once at start so the first autocomplete already has them. */
  warm(): Promise<void> {
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  async suggest(
    query: string,
    options: { allowNsfw: boolean; exclude?: ReadonlySet<string> },
  ): Promise<{ name: string; value: string }[]> {
    if (this.version === undefined) await this.warm();
    else this.refreshIfStale();
    const needle = query.trim().toLowerCase().slice(0, 100);
    const matches: Entry[] = [];
    const prefixMatches: Entry[] = [];
    for (const entry of this.entries) {
      if (entry.nsfw && !options.allowNsfw) continue;
      if (options.exclude?.has(entry.id)) continue;
      if (needle === '' || entry.haystack.includes(needle)) {
        (entry.haystack.startsWith(needle) ? prefixMatches : matches).push(entry);
      }
      if (prefixMatches.length >= MAX_CHOICES) break;
    }
    return [...prefixMatches, ...matches].slice(0, MAX_CHOICES).map((entry) => ({
      name: entry.name.length > 100 ? `${entry.name.slice(0, 99)}…` : entry.name,
      value: entry.id,
    }));
  }

  private refreshIfStale(): void {
    const now = Date.now();
    if (now - this.lastCheck < REFRESH_CHECK_MS || this.loading) return;
    this.lastCheck = now;
    void this.store
      .version()
      .then((version) => (version !== this.version ? this.warm() : undefined))
      .catch((error: unknown) => this.log.warn({ err: error }, 'adapter name cache refresh failed'));
  }

  private async load(): Promise<void> {
    const version = await this.store.version();
    const entries: Entry[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.store.list({
        limit: PAGE,
        filter: { allowNsfw: true, allowRealPerson: true },
        ...(after ? { after } : {}),
      });
      for (const adapter of page) {
        entries.push({
          id: adapter.id,
          name: adapter.name,
          haystack: `${adapter.name} ${adapter.id}`.toLowerCase(),
          nsfw: adapter.nsfw,
        });
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1]?.id;
      // A page is read and parsed in one synchronous stretch; the whole catalog would hold the event loop for a second
      // at 30K adapters (ten at 300K) each time an ingest changes the catalog: other interactions get a turn between.
      await new Promise((resolve) => setImmediate(resolve));
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    this.entries = entries;
    this.version = version;
    this.lastCheck = Date.now();
    this.log.debug({ adapters: entries.length, version }, 'adapter name cache loaded');
  }
}
