import { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import {
  type CommunityStore,
  EMPTY_TALLY,
  GLOBAL_SCOPE,
  type ReactionInput,
  type Tally,
  type VoteInput,
  type VoteValue,
} from './types.js';

const MINUTE_MS = 60_000;
/** Separates the parts of a hash field; adapter ids may contain ':', '/' and '|', never a control character. */
const SEP = '\x1f';

/** Tally hash fields, as the Lua scripts write them: `<adapterId>\x1f<code>`. */
const TALLY_CODES: Record<keyof Tally, string> = {
  votesUp: 'vu',
  votesDown: 'vd',
  reactionsUp: 'ru',
  reactionsDown: 'rd',
  stars: 'rs',
};
const FIELD_BY_CODE = new Map(Object.entries(TALLY_CODES).map(([field, code]) => [code, field as keyof Tally]));

/** Shared Lua: move a tally field in both scopes, and a member's effective reaction rating (see effectiveRating). */
const LUA_HELPERS = `
local SEP = '\\31'
local function bump(guildKey, globalKey, adapterId, code, delta)
  local field = adapterId .. SEP .. code
  for _, key in ipairs({guildKey, globalKey}) do
    local value = redis.call('HINCRBY', key, field, delta)
    if value <= 0 then redis.call('HDEL', key, field) end
  end
end
local function effective(up, down, star)
  if star > 0 then return 'rs' end
  if up > down then return 'ru' end
  if down > up then return 'rd' end
  return nil
end
`;

/** KEYS: votes, guild tallies, global tallies. ARGV: member+adapter field, adapter id, new value (1, -1, 0 = none). */
const VOTE_SCRIPT = `${LUA_HELPERS}
local previous = redis.call('HGET', KEYS[1], ARGV[1])
local value = ARGV[3]
if (previous or '0') ~= value then
  if previous then bump(KEYS[2], KEYS[3], ARGV[2], previous == '1' and 'vu' or 'vd', -1) end
  if value == '0' then
    redis.call('HDEL', KEYS[1], ARGV[1])
  else
    redis.call('HSET', KEYS[1], ARGV[1], value)
    bump(KEYS[2], KEYS[3], ARGV[2], value == '1' and 'vu' or 'vd', 1)
  end
end
local counts = {}
for i, code in ipairs({'vu', 'vd', 'ru', 'rd', 'rs'}) do
  counts[i] = tonumber(redis.call('HGET', KEYS[2], ARGV[2] .. SEP .. code) or '0')
end
return {previous or '0', counts[1], counts[2], counts[3], counts[4], counts[5]}
`;

/**
 * KEYS: reaction records, member counts, guild tallies, global tallies.
 * ARGV: record field, member id, rating code (up, down, star), delta (1 add, -1 remove), adapter ids as JSON (add).
 * Returns 1 when something changed.
 */
const REACTION_SCRIPT = `${LUA_HELPERS}
local delta = tonumber(ARGV[4])
local ids
if delta > 0 then
  if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[5]) == 0 then return 0 end
  ids = cjson.decode(ARGV[5])
else
  local stored = redis.call('HGET', KEYS[1], ARGV[1])
  if not stored then return 0 end
  redis.call('HDEL', KEYS[1], ARGV[1])
  ids = cjson.decode(stored)
end
for _, adapterId in ipairs(ids) do
  local base = ARGV[2] .. SEP .. adapterId .. SEP
  local up = tonumber(redis.call('HGET', KEYS[2], base .. 'up') or '0')
  local down = tonumber(redis.call('HGET', KEYS[2], base .. 'down') or '0')
  local star = tonumber(redis.call('HGET', KEYS[2], base .. 'star') or '0')
  local before = effective(up, down, star)
  if ARGV[3] == 'up' then up = math.max(0, up + delta)
  elseif ARGV[3] == 'down' then down = math.max(0, down + delta)
  else star = math.max(0, star + delta) end
  for name, count in pairs({up = up, down = down, star = star}) do
    if count > 0 then redis.call('HSET', KEYS[2], base .. name, count) else redis.call('HDEL', KEYS[2], base .. name) end
  end
  local after = effective(up, down, star)
  if before ~= after then
    if before then bump(KEYS[3], KEYS[4], adapterId, before, -1) end
    if after then bump(KEYS[3], KEYS[4], adapterId, after, 1) end
  end
end
return 1
`;

/** KEYS: the member's rate key. ARGV: window length in ms. Returns attempts in the window, this one included. */
const RATE_SCRIPT = `
local attempts = redis.call('INCR', KEYS[1])
if attempts == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return attempts
`;

/**
 * The community store in Redis, for replicas that share state. Every change is one Lua script, which Redis runs
 * atomically: the member record and both tallies move together, so concurrent clicks from any number of bot
 * processes cannot lose an update (Keyv's get-then-set could). Keys live under `<REDIS_PREFIX>:community:`.
 */
export class RedisCommunityStore implements CommunityStore {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(options: { url: string; prefix: string; log?: Logger }) {
    this.redis = new Redis(options.url, { maxRetriesPerRequest: 2 });
    // Without a listener ioredis prints connection errors itself; a failed command still rejects to its caller.
    this.redis.on('error', (error: unknown) =>
      options.log?.warn({ err: error }, 'community store: Redis connection error'),
    );
    this.prefix = `${options.prefix}:community`;
  }

  async vote(input: VoteInput): Promise<{ previous: VoteValue | undefined; tally: Tally }> {
    const { guildId, memberId, adapterId, value } = input;
    const reply = (await this.redis.eval(
      VOTE_SCRIPT,
      3,
      this.key('votes', guildId),
      this.key('tally', guildId),
      this.key('tally', GLOBAL_SCOPE),
      `${memberId}${SEP}${adapterId}`,
      adapterId,
      String(value ?? 0),
    )) as [string, number, number, number, number, number];
    const [previous, votesUp, votesDown, reactionsUp, reactionsDown, stars] = reply;
    return {
      previous: previous === '1' ? 1 : previous === '-1' ? -1 : undefined,
      tally: { votesUp, votesDown, reactionsUp, reactionsDown, stars },
    };
  }

  async memberVote(guildId: string, memberId: string, adapterId: string): Promise<VoteValue | undefined> {
    const value = await this.redis.hget(this.key('votes', guildId), `${memberId}${SEP}${adapterId}`);
    return value === '1' ? 1 : value === '-1' ? -1 : undefined;
  }

  async addReaction(input: ReactionInput & { adapterIds: readonly string[] }): Promise<boolean> {
    return this.reaction(input, 1, JSON.stringify([...new Set(input.adapterIds)]));
  }

  async removeReaction(input: ReactionInput): Promise<boolean> {
    return this.reaction(input, -1, '[]');
  }

  async tallies(scope: string): Promise<Map<string, Tally>> {
    const fields = await this.redis.hgetall(this.key('tally', scope));
    const result = new Map<string, Tally>();
    for (const [field, raw] of Object.entries(fields)) {
      const cut = field.lastIndexOf(SEP);
      const name = FIELD_BY_CODE.get(field.slice(cut + 1));
      const count = Number(raw);
      if (cut <= 0 || !name || !(count > 0)) continue;
      const adapterId = field.slice(0, cut);
      const tally = result.get(adapterId) ?? { ...EMPTY_TALLY };
      tally[name] = count;
      result.set(adapterId, tally);
    }
    return result;
  }

  async hide(guildId: string, adapterId: string, byMemberId: string): Promise<boolean> {
    const added = await this.redis.hsetnx(
      this.key('hidden', guildId),
      adapterId,
      JSON.stringify({ by: byMemberId, at: Date.now() }),
    );
    return added === 1;
  }

  async unhide(guildId: string, adapterId: string): Promise<boolean> {
    return (await this.redis.hdel(this.key('hidden', guildId), adapterId)) > 0;
  }

  async hidden(guildId: string): Promise<Set<string>> {
    return new Set(await this.redis.hkeys(this.key('hidden', guildId)));
  }

  async takeVoteSlot(guildId: string, memberId: string, perMinute: number, now = Date.now()): Promise<boolean> {
    const window = Math.floor(now / MINUTE_MS);
    const attempts = (await this.redis.eval(
      RATE_SCRIPT,
      1,
      this.key('rate', `${guildId}:${memberId}:${window}`),
      String(2 * MINUTE_MS),
    )) as number;
    return attempts <= perMinute;
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async reaction(input: ReactionInput, delta: 1 | -1, adapterIdsJson: string): Promise<boolean> {
    const { guildId, messageId, memberId, rating } = input;
    const changed = (await this.redis.eval(
      REACTION_SCRIPT,
      4,
      this.key('reactions', guildId),
      this.key('reaction-counts', guildId),
      this.key('tally', guildId),
      this.key('tally', GLOBAL_SCOPE),
      `${messageId}${SEP}${memberId}${SEP}${rating}`,
      memberId,
      rating,
      String(delta),
      adapterIdsJson,
    )) as number;
    return changed === 1;
  }

  private key(kind: string, scope: string): string {
    return `${this.prefix}:${kind}:${scope}`;
  }
}
