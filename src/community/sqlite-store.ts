import { writeWhenFree } from '../storage/busy.js';
import type { SqliteDatabase } from '../storage/sqlite.js';
import {
  type CommunityStore,
  EMPTY_TALLY,
  effectiveRating,
  GLOBAL_SCOPE,
  type ReactionInput,
  type ReactionRating,
  type Tally,
  tallyField,
  type VoteInput,
  type VoteValue,
} from './types.js';

const MINUTE_MS = 60_000;

const COLUMNS: Record<keyof Tally, string> = {
  votesUp: 'votes_up',
  votesDown: 'votes_down',
  reactionsUp: 'reactions_up',
  reactionsDown: 'reactions_down',
  stars: 'stars',
};

interface TallyRow {
  adapter_id: string;
  votes_up: number;
  votes_down: number;
  reactions_up: number;
  reactions_down: number;
  stars: number;
}

interface CountRow {
  up: number;
  down: number;
  star: number;
}

/**
 * The community store in the embedded SQLite file. Each change is one IMMEDIATE transaction that updates the
 * member record and the tallies together: better-sqlite3 runs it synchronously, so calls in this process never
 * interleave, and IMMEDIATE takes the write lock up front, so another process (the CLI, a second bot) waits on the
 * busy timeout instead of both reading the same tally.
 */
export class SqliteCommunityStore implements CommunityStore {
  readonly kind = 'sqlite' as const;

  constructor(private readonly db: SqliteDatabase) {
    db.exec(`CREATE TABLE IF NOT EXISTS community_votes (
      guild_id TEXT NOT NULL,
      member_id TEXT NOT NULL,
      adapter_id TEXT NOT NULL,
      value INTEGER NOT NULL CHECK (value IN (1, -1)),
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (guild_id, member_id, adapter_id)
    );
    CREATE TABLE IF NOT EXISTS community_reactions (
      guild_id TEXT NOT NULL,
      message_id TEXT NOT NULL,
      member_id TEXT NOT NULL,
      rating TEXT NOT NULL,
      adapter_ids TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (guild_id, message_id, member_id, rating)
    );
    CREATE TABLE IF NOT EXISTS community_reaction_counts (
      guild_id TEXT NOT NULL,
      member_id TEXT NOT NULL,
      adapter_id TEXT NOT NULL,
      up INTEGER NOT NULL DEFAULT 0,
      down INTEGER NOT NULL DEFAULT 0,
      star INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (guild_id, member_id, adapter_id)
    );
    CREATE TABLE IF NOT EXISTS community_tallies (
      scope TEXT NOT NULL,
      adapter_id TEXT NOT NULL,
      votes_up INTEGER NOT NULL DEFAULT 0,
      votes_down INTEGER NOT NULL DEFAULT 0,
      reactions_up INTEGER NOT NULL DEFAULT 0,
      reactions_down INTEGER NOT NULL DEFAULT 0,
      stars INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (scope, adapter_id)
    );
    CREATE TABLE IF NOT EXISTS community_hidden (
      guild_id TEXT NOT NULL,
      adapter_id TEXT NOT NULL,
      hidden_by TEXT NOT NULL,
      hidden_at INTEGER NOT NULL,
      PRIMARY KEY (guild_id, adapter_id)
    );
    CREATE TABLE IF NOT EXISTS community_vote_rate (
      guild_id TEXT NOT NULL,
      member_id TEXT NOT NULL,
      window_start INTEGER NOT NULL,
      attempts INTEGER NOT NULL,
      PRIMARY KEY (guild_id, member_id)
    );`);
  }

  async vote(input: VoteInput): Promise<{ previous: VoteValue | undefined; tally: Tally }> {
    const { guildId, memberId, adapterId, value } = input;
    return writeWhenFree(() =>
      this.db
        .transaction(() => {
          const row = this.db
            .prepare('SELECT value FROM community_votes WHERE guild_id = ? AND member_id = ? AND adapter_id = ?')
            .get(guildId, memberId, adapterId) as { value: VoteValue } | undefined;
          const previous = row?.value;
          if (previous !== (value ?? undefined)) {
            if (previous !== undefined) this.bump(guildId, adapterId, previous === 1 ? 'votesUp' : 'votesDown', -1);
            if (value === null) {
              this.db
                .prepare('DELETE FROM community_votes WHERE guild_id = ? AND member_id = ? AND adapter_id = ?')
                .run(guildId, memberId, adapterId);
            } else {
              this.db
                .prepare(
                  `INSERT INTO community_votes (guild_id, member_id, adapter_id, value, updated_at) VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
                )
                .run(guildId, memberId, adapterId, value, Date.now());
              this.bump(guildId, adapterId, value === 1 ? 'votesUp' : 'votesDown', 1);
            }
          }
          return { previous, tally: this.tallyOf(guildId, adapterId) };
        })
        .immediate(),
    );
  }

  async memberVote(guildId: string, memberId: string, adapterId: string): Promise<VoteValue | undefined> {
    const row = this.db
      .prepare('SELECT value FROM community_votes WHERE guild_id = ? AND member_id = ? AND adapter_id = ?')
      .get(guildId, memberId, adapterId) as { value: VoteValue } | undefined;
    return row?.value;
  }

  async addReaction(input: ReactionInput & { adapterIds: readonly string[] }): Promise<boolean> {
    const { guildId, messageId, memberId, rating } = input;
    const adapterIds = [...new Set(input.adapterIds)];
    return writeWhenFree(() =>
      this.db
        .transaction(() => {
          const inserted = this.db
            .prepare(
              `INSERT INTO community_reactions (guild_id, message_id, member_id, rating, adapter_ids, created_at)
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
            )
            .run(guildId, messageId, memberId, rating, JSON.stringify(adapterIds), Date.now());
          if (inserted.changes === 0) return false;
          for (const adapterId of adapterIds) this.moveReactionCount(guildId, memberId, adapterId, rating, 1);
          return true;
        })
        .immediate(),
    );
  }

  async removeReaction(input: ReactionInput): Promise<boolean> {
    const { guildId, messageId, memberId, rating } = input;
    return writeWhenFree(() =>
      this.db
        .transaction(() => {
          const row = this.db
            .prepare(
              `DELETE FROM community_reactions WHERE guild_id = ? AND message_id = ? AND member_id = ? AND rating = ?
             RETURNING adapter_ids`,
            )
            .get(guildId, messageId, memberId, rating) as { adapter_ids: string } | undefined;
          if (!row) return false;
          for (const adapterId of JSON.parse(row.adapter_ids) as string[]) {
            this.moveReactionCount(guildId, memberId, adapterId, rating, -1);
          }
          return true;
        })
        .immediate(),
    );
  }

  async tallies(scope: string): Promise<Map<string, Tally>> {
    const rows = this.db.prepare('SELECT * FROM community_tallies WHERE scope = ?').all(scope) as TallyRow[];
    const result = new Map<string, Tally>();
    for (const row of rows) {
      const tally = toTally(row);
      if (Object.values(tally).some((count) => count > 0)) result.set(row.adapter_id, tally);
    }
    return result;
  }

  async hide(guildId: string, adapterId: string, byMemberId: string): Promise<boolean> {
    return writeWhenFree(
      () =>
        this.db
          .prepare(
            `INSERT INTO community_hidden (guild_id, adapter_id, hidden_by, hidden_at) VALUES (?, ?, ?, ?)
           ON CONFLICT DO NOTHING`,
          )
          .run(guildId, adapterId, byMemberId, Date.now()).changes > 0,
    );
  }

  async unhide(guildId: string, adapterId: string): Promise<boolean> {
    return writeWhenFree(
      () =>
        this.db.prepare('DELETE FROM community_hidden WHERE guild_id = ? AND adapter_id = ?').run(guildId, adapterId)
          .changes > 0,
    );
  }

  async hidden(guildId: string): Promise<Set<string>> {
    const rows = this.db.prepare('SELECT adapter_id FROM community_hidden WHERE guild_id = ?').all(guildId) as {
      adapter_id: string;
    }[];
    return new Set(rows.map((row) => row.adapter_id));
  }

  async takeVoteSlot(guildId: string, memberId: string, perMinute: number, now = Date.now()): Promise<boolean> {
    const windowStart = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    const row = await writeWhenFree(
      () =>
        this.db
          .prepare(
            `INSERT INTO community_vote_rate (guild_id, member_id, window_start, attempts) VALUES (?, ?, ?, 1)
         ON CONFLICT DO UPDATE SET
           attempts = CASE WHEN window_start = excluded.window_start THEN attempts + 1 ELSE 1 END,
           window_start = excluded.window_start
         RETURNING attempts`,
          )
          .get(guildId, memberId, windowStart) as { attempts: number },
    );
    return row.attempts <= perMinute;
  }

  async close(): Promise<void> {
    // The database belongs to the services; closing it is their job.
  }

  /** Applies one member's reaction change to an adapter and moves the tallies by the change of its rating. */
  private moveReactionCount(
    guildId: string,
    memberId: string,
    adapterId: string,
    rating: ReactionRating,
    delta: 1 | -1,
  ): void {
    const select = this.db.prepare(
      'SELECT up, down, star FROM community_reaction_counts WHERE guild_id = ? AND member_id = ? AND adapter_id = ?',
    );
    const before = (select.get(guildId, memberId, adapterId) as CountRow | undefined) ?? { up: 0, down: 0, star: 0 };
    const column = rating === 'star' ? 'star' : rating;
    const after: CountRow = { ...before, [column]: Math.max(0, before[column] + delta) };
    if (after.up === 0 && after.down === 0 && after.star === 0) {
      this.db
        .prepare('DELETE FROM community_reaction_counts WHERE guild_id = ? AND member_id = ? AND adapter_id = ?')
        .run(guildId, memberId, adapterId);
    } else {
      this.db
        .prepare(
          `INSERT INTO community_reaction_counts (guild_id, member_id, adapter_id, up, down, star) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT DO UPDATE SET up = excluded.up, down = excluded.down, star = excluded.star`,
        )
        .run(guildId, memberId, adapterId, after.up, after.down, after.star);
    }
    const was = effectiveRating(before);
    const now = effectiveRating(after);
    if (was === now) return;
    if (was) this.bump(guildId, adapterId, tallyField(was), -1);
    if (now) this.bump(guildId, adapterId, tallyField(now), 1);
  }

  /** Moves one tally count in the server's scope and in the global one. */
  private bump(guildId: string, adapterId: string, field: keyof Tally, delta: 1 | -1): void {
    const column = COLUMNS[field];
    const statement = this.db.prepare(
      `INSERT INTO community_tallies (scope, adapter_id, ${column}) VALUES (?, ?, MAX(0, ?))
       ON CONFLICT DO UPDATE SET ${column} = MAX(0, ${column} + ?)`,
    );
    statement.run(guildId, adapterId, delta, delta);
    statement.run(GLOBAL_SCOPE, adapterId, delta, delta);
  }

  private tallyOf(scope: string, adapterId: string): Tally {
    const row = this.db
      .prepare('SELECT * FROM community_tallies WHERE scope = ? AND adapter_id = ?')
      .get(scope, adapterId) as TallyRow | undefined;
    return row ? toTally(row) : { ...EMPTY_TALLY };
  }
}

function toTally(row: TallyRow): Tally {
  return {
    votesUp: row.votes_up,
    votesDown: row.votes_down,
    reactionsUp: row.reactions_up,
    reactionsDown: row.reactions_down,
    stars: row.stars,
  };
}
