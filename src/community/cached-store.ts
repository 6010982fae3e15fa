import { type CommunityStore, GLOBAL_SCOPE, type ReactionInput, type Tally, type VoteInput } from './types.js';

/** How long tallies and hidden lists are reused when nothing in this process changed them. */
export const COMMUNITY_CACHE_MS = 10_000;

/**
 * Every /imagine reads a server's tallies, the global tallies and the hidden list: thousands of rows once a
 * community has rated many adapters. This keeps them for a few seconds and forgets a scope the moment this process
 * writes to it, so a member's own vote or a moderator's hide takes effect at once. (One bot process serves a token;
 * a write by another process is seen within COMMUNITY_CACHE_MS.)
 */
export class CachedCommunityStore implements CommunityStore {
  private readonly talliesByScope = new Map<string, { at: number; value: Promise<Map<string, Tally>> }>();
  private readonly hiddenByGuild = new Map<string, { at: number; value: Promise<Set<string>> }>();

  constructor(
    private readonly inner: CommunityStore,
    private readonly ttlMs = COMMUNITY_CACHE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  get kind() {
    return this.inner.kind;
  }

  async vote(input: VoteInput) {
    try {
      return await this.inner.vote(input);
    } finally {
      this.forgetTallies(input.guildId);
    }
  }

  memberVote(guildId: string, memberId: string, adapterId: string) {
    return this.inner.memberVote(guildId, memberId, adapterId);
  }

  async addReaction(input: ReactionInput & { adapterIds: readonly string[] }) {
    try {
      return await this.inner.addReaction(input);
    } finally {
      this.forgetTallies(input.guildId);
    }
  }

  async removeReaction(input: ReactionInput) {
    try {
      return await this.inner.removeReaction(input);
    } finally {
      this.forgetTallies(input.guildId);
    }
  }

  tallies(scope: string): Promise<Map<string, Tally>> {
    return this.cached(
      this.talliesByScope,
      scope,
      () => this.inner.tallies(scope),
      (value) => new Map(value),
    );
  }

  async hide(guildId: string, adapterId: string, byMemberId: string) {
    try {
      return await this.inner.hide(guildId, adapterId, byMemberId);
    } finally {
      this.hiddenByGuild.delete(guildId);
    }
  }

  async unhide(guildId: string, adapterId: string) {
    try {
      return await this.inner.unhide(guildId, adapterId);
    } finally {
      this.hiddenByGuild.delete(guildId);
    }
  }

  hidden(guildId: string): Promise<Set<string>> {
    return this.cached(
      this.hiddenByGuild,
      guildId,
      () => this.inner.hidden(guildId),
      (value) => new Set(value),
    );
  }

  takeVoteSlot(guildId: string, memberId: string, perMinute: number, now?: number) {
    return this.inner.takeVoteSlot(guildId, memberId, perMinute, now);
  }

  close() {
    return this.inner.close();
  }

  private forgetTallies(guildId: string): void {
    this.talliesByScope.delete(guildId);
    this.talliesByScope.delete(GLOBAL_SCOPE);
  }

  /** Callers share one read in flight; a failed read is not kept. Callers get copies, so none can edit the cache. */
  private async cached<T>(
    cache: Map<string, { at: number; value: Promise<T> }>,
    key: string,
    load: () => Promise<T>,
    copy: (value: T) => T,
  ): Promise<T> {
    let entry = cache.get(key);
    if (!entry || this.now() - entry.at > this.ttlMs) {
      entry = { at: this.now(), value: load() };
      cache.set(key, entry);
      entry.value.catch(() => {
        if (cache.get(key) === entry) cache.delete(key);
      });
    }
    return copy(await entry.value);
  }
}
