import { BASE_FAMILIES, BASE_FAMILY_LABELS, type BaseFamily, compatibleFamilies } from '../catalog/adapter.js';
import type { AdapterFilter, AdapterStore } from '../catalog/store.js';
import { UserFacingError } from '../errors.js';

/** How a caller's users choose a base: `base:sd1` in Discord (the default), `--base sd1` on the command line. */
export type SuggestBase = (family: BaseFamily) => string;

const discordSuggestion: SuggestBase = (family) => `base:${family}`;

function noAdaptersMessage(
  base: BaseFamily,
  alternative: { family: BaseFamily; count: number } | undefined,
  suggest: SuggestBase,
): string {
  const label = base === 'other' ? '"other"' : BASE_FAMILY_LABELS[base];
  if (!alternative) {
    return `No ${label} adapters in the catalog, and none for any other base: adapters are added with stylus ingest (see the README).`;
  }
  const count = alternative.count.toLocaleString('en-US');
  const altLabel =
    alternative.family === 'other' ? 'adapters of base "other"' : `${BASE_FAMILY_LABELS[alternative.family]} adapters`;
  return `No ${label} adapters in the catalog; ${count} ${altLabel} are: try ${suggest(alternative.family)}.`;
}

/** The chosen base has no adapter a composition may use, and here is the base that has the most. */
export class NoAdaptersForBase extends UserFacingError {
  constructor(
    readonly base: BaseFamily,
    readonly alternative: { family: BaseFamily; count: number } | undefined,
    suggest: SuggestBase = discordSuggestion,
  ) {
    super(noAdaptersMessage(base, alternative, suggest), 'no_adapters_for_base');
    this.name = 'NoAdaptersForBase';
  }

  /** The same finding, worded for another way of choosing a base. */
  withSuggestion(suggest: SuggestBase): NoAdaptersForBase {
    return new NoAdaptersForBase(this.base, this.alternative, suggest);
  }
}

/** A real family beats "other" whatever the counts; then the larger count wins. */
function rank(entry: { family: BaseFamily; count: number }): number {
  return (entry.family === 'other' ? 0 : Number.MAX_SAFE_INTEGER / 2) + entry.count;
}

/** Counts per store, keyed by catalog version and filter: a new version drops the old counts. */
const counts = new WeakMap<object, { version: string; byKey: Map<string, number> }>();

async function cachedCount(store: AdapterStore, version: string, filter: AdapterFilter): Promise<number> {
  let entry = counts.get(store);
  if (!entry || entry.version !== version) {
    entry = { version, byKey: new Map() };
    counts.set(store, entry);
  }
  const key = JSON.stringify([filter.baseFamilies, filter.allowNsfw ?? false, filter.allowRealPerson ?? false]);
  let count = entry.byKey.get(key);
  if (count === undefined) {
    count = await store.count(filter);
    entry.byKey.set(key, count);
  }
  return count;
}

/**
 * Fails fast, before retrieval, when no adapter of the chosen base passes the filter: the retriever would otherwise
 * read the whole text index looking for one (its slowest path) only to answer "nothing". Names the base that has
 * the most adapters instead, preferring a real family over "other".
 */
export async function requireAdaptersForBase(
  store: AdapterStore,
  version: string,
  base: BaseFamily,
  filter: Pick<AdapterFilter, 'allowNsfw' | 'allowRealPerson'>,
): Promise<void> {
  const visibility = { allowNsfw: filter.allowNsfw ?? false, allowRealPerson: filter.allowRealPerson ?? false };
  const wanted = compatibleFamilies(base);
  if ((await cachedCount(store, version, { ...visibility, baseFamilies: wanted })) > 0) return;
  let best: { family: BaseFamily; count: number } | undefined;
  for (const family of BASE_FAMILIES) {
    if (wanted.includes(family)) continue;
    const count = await cachedCount(store, version, { ...visibility, baseFamilies: [family] });
    if (count === 0) continue;
    const candidate = { family, count };
    if (!best || rank(candidate) > rank(best)) best = candidate;
  }
  throw new NoAdaptersForBase(base, best);
}
