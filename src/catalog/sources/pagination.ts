import type { Logger } from '../../log.js';

/** Pages read per listing at most: 1,000 pages of 100 is more LoRAs than any hub has for one base model. */
export const DEFAULT_MAX_PAGES = 1000;
/** Pages in a row that bring nothing new: the hub is going round in circles. */
const MAX_PAGES_WITHOUT_NEWS = 3;

/**
 * Keeps a paginated listing finite whatever the hub answers: a next-page link or cursor seen before, a page limit,
 * and a run of pages without a single new entry each end the listing with a warning (what was read is kept).
 * A Hugging Face listing whose next link pointed to itself sent 64,210 requests in 45 s before this.
 */
export class ListingGuard {
  private readonly visited = new Set<string>();
  private pagesWithoutNews = 0;

  constructor(private readonly listing: { hub: string; maxPages?: number; log?: Logger }) {}

  /** Whether to read the page named `key` (its URL or cursor); false, with a warning, when it must not be read. */
  admit(key: string): boolean {
    const maxPages = this.listing.maxPages ?? DEFAULT_MAX_PAGES;
    if (this.visited.has(key)) return this.stop({ page: key }, 'the hub sent a next page it had already sent');
    if (this.visited.size >= maxPages) return this.stop({ maxPages }, 'the listing reached its page limit');
    this.visited.add(key);
    return true;
  }

  /** After a page: whether the listing may go on, given how many entries the page brought that were not seen. */
  progressed(newEntries: number): boolean {
    this.pagesWithoutNews = newEntries > 0 ? 0 : this.pagesWithoutNews + 1;
    if (this.pagesWithoutNews < MAX_PAGES_WITHOUT_NEWS) return true;
    return this.stop({ pages: this.pagesWithoutNews }, 'the hub sent pages without any new entry');
  }

  get pagesRead(): number {
    return this.visited.size;
  }

  private stop(context: Record<string, unknown>, why: string): false {
    this.listing.log?.warn(
      { hub: this.listing.hub, pagesRead: this.visited.size, ...context },
      `${why}: listing ended`,
    );
    return false;
  }
}
