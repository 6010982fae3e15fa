import type { AdapterStore } from '../store.js';

/** How many adapters the SFW gate flagged, by kind of reason, and the real-person ones: for `catalog stats`. */
export interface FlagStats {
  nsfw: number;
  nsfw_by_reason: Record<string, number>;
  real_person: number;
}

const PAGE = 2000;

/** The kind of an `nsfwReason` sentence (see safety.ts): which signal flagged the adapter. */
export function reasonKind(reason: string | undefined): string {
  if (!reason) return 'unknown';
  if (/sample images are rated/.test(reason)) return 'sample images rated Mature/X';
  if (/names sexual content/.test(reason)) return 'sexual words in name, tags or triggers';
  if (/description says/.test(reason)) return 'its description says it makes NSFW images';
  if (/refiner/.test(reason)) return 'the refiner';
  return 'marked by the source';
}

/** Pages through the whole catalog once (flags are not indexed by reason); fine for an admin command. */
export async function flagStats(store: AdapterStore): Promise<FlagStats> {
  const stats: FlagStats = { nsfw: 0, nsfw_by_reason: {}, real_person: 0 };
  let after: string | undefined;
  for (;;) {
    const page = await store.list({
      limit: PAGE,
      ...(after ? { after } : {}),
      filter: { allowNsfw: true, allowRealPerson: true },
    });
    for (const adapter of page) {
      if (adapter.realPerson) stats.real_person += 1;
      if (!adapter.nsfw) continue;
      stats.nsfw += 1;
      const kind = reasonKind(adapter.nsfwReason);
      stats.nsfw_by_reason[kind] = (stats.nsfw_by_reason[kind] ?? 0) + 1;
    }
    if (page.length < PAGE) return stats;
    after = page[page.length - 1]?.id;
  }
}
