import type { Keyv } from 'keyv';

export type VoteValue = 1 | -1;

export interface Tally {
  up: number;
  down: number;
}

export interface RankedTally extends Tally {
  adapterId: string;
  score: number;
}

type TallyIndex = Record<string, Tally>;

const TALLIES_KEY = 'tallies';
const memberKey = (adapterId: string, memberId: string) => `member:${memberId}:${adapterId}`;

/**
 * Member votes on adapters in Keyv: one vote per member per adapter (a new vote replaces the old one) and a tally
 * index for ranking. Writes are serialised in this process; the community issue extends this with rate limits and
 * member-age rules.
 */
export class VoteStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly keyv: Keyv) {}

  /** Records a member's vote and returns the adapter's new tally and the vote it replaced, if any. */
  async vote(
    adapterId: string,
    memberId: string,
    value: VoteValue,
  ): Promise<{ tally: Tally; previous: VoteValue | undefined }> {
    return this.serialised(async () => {
      const previous = (await this.keyv.get(memberKey(adapterId, memberId))) as VoteValue | undefined;
      const index = ((await this.keyv.get(TALLIES_KEY)) as TallyIndex | undefined) ?? {};
      const tally = { ...(index[adapterId] ?? { up: 0, down: 0 }) };
      if (previous === 1) tally.up -= 1;
      if (previous === -1) tally.down -= 1;
      if (value === 1) tally.up += 1;
      else tally.down += 1;
      index[adapterId] = tally;
      await this.keyv.set(memberKey(adapterId, memberId), value);
      await this.keyv.set(TALLIES_KEY, index);
      return { tally, previous };
    });
  }

  async tally(adapterId: string): Promise<Tally> {
    const index = ((await this.keyv.get(TALLIES_KEY)) as TallyIndex | undefined) ?? {};
    return index[adapterId] ?? { up: 0, down: 0 };
  }

  async memberVote(adapterId: string, memberId: string): Promise<VoteValue | undefined> {
    return (await this.keyv.get(memberKey(adapterId, memberId))) as VoteValue | undefined;
  }

  /** Adapters by net votes (up - down), ties by more votes; adapters with no votes are left out. */
  async top(limit: number, keep: (adapterId: string) => boolean = () => true): Promise<RankedTally[]> {
    const index = ((await this.keyv.get(TALLIES_KEY)) as TallyIndex | undefined) ?? {};
    return Object.entries(index)
      .filter(([adapterId, tally]) => tally.up + tally.down > 0 && keep(adapterId))
      .map(([adapterId, tally]) => ({ adapterId, ...tally, score: tally.up - tally.down }))
      .sort((a, b) => b.score - a.score || b.up + b.down - (a.up + a.down) || a.adapterId.localeCompare(b.adapterId))
      .slice(0, limit);
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
