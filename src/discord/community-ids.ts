import { UserFacingError } from '../errors.js';

/**
 * Stateless ids of the community components: `cmty:top:<ownerId>:<scope>:<category>:<page>` pages a top list
 * (only the member who asked may page it), `cmty:vote:<up|down>:<adapterId>` votes from /adapters info (anyone may
 * press it: the vote is the presser's own). The adapter id comes last because it may itself contain ':'.
 */
export const COMMUNITY_PREFIX = 'cmty';
const MAX_CUSTOM_ID = 100;
const MAX_PAGE = 999;
const SNOWFLAKE = /^\d{5,25}$/;
const CATEGORY = /^[a-z-]{1,20}$/;

export type TopScope = 'server' | 'global';

export type CommunityComponentId =
  | { kind: 'top'; ownerId: string; scope: TopScope; category: string | undefined; page: number }
  | { kind: 'vote'; value: 'up' | 'down'; adapterId: string };

export function isCommunityCustomId(raw: string): boolean {
  return raw.startsWith(`${COMMUNITY_PREFIX}:`);
}

/** The encoded id, or undefined when it would exceed Discord's 100 characters (a very long adapter id). */
export function encodeCommunityId(id: CommunityComponentId): string | undefined {
  const encoded =
    id.kind === 'top'
      ? [
          COMMUNITY_PREFIX,
          'top',
          id.ownerId,
          id.scope === 'server' ? 's' : 'g',
          id.category ?? '-',
          String(id.page),
        ].join(':')
      : [COMMUNITY_PREFIX, 'vote', id.value, id.adapterId].join(':');
  return encoded.length <= MAX_CUSTOM_ID ? encoded : undefined;
}

export function decodeCommunityId(raw: string): CommunityComponentId {
  const invalid = () =>
    new UserFacingError('That control is not valid (it may be from an old version of the bot).', 'bad_custom_id');
  if (raw.length > MAX_CUSTOM_ID || !isCommunityCustomId(raw)) throw invalid();
  const parts = raw.split(':');
  if (parts[1] === 'top') {
    const [, , ownerId = '', scope, category = '', pageText = ''] = parts;
    if (parts.length !== 6 || !SNOWFLAKE.test(ownerId) || (scope !== 's' && scope !== 'g')) throw invalid();
    if (category !== '-' && !CATEGORY.test(category)) throw invalid();
    if (!/^\d{1,3}$/.test(pageText) || Number(pageText) > MAX_PAGE) throw invalid();
    return {
      kind: 'top',
      ownerId,
      scope: scope === 's' ? 'server' : 'global',
      category: category === '-' ? undefined : category,
      page: Number(pageText),
    };
  }
  if (parts[1] === 'vote') {
    const value = parts[2];
    const adapterId = parts.slice(3).join(':');
    if ((value !== 'up' && value !== 'down') || adapterId === '') throw invalid();
    return { kind: 'vote', value, adapterId };
  }
  throw invalid();
}
