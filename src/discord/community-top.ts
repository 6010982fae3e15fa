import { ActionRowBuilder, ButtonBuilder, EmbedBuilder } from '@discordjs/builders';
import {
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  ButtonStyle,
} from 'discord.js';
import type { Adapter } from '../catalog/adapter.js';
import { communityRanking, type RankedAdapter } from '../community/prior.js';
import { encodeCommunityId, type TopScope } from './community-ids.js';
import { votesText } from './community-vote.js';
import type { BotContext } from './context.js';
import { LIMITS } from './limits.js';
import { codeSpan, inert, truncate } from './text.js';

export const TOP_PAGE_SIZE = 10;

export interface TopRequest {
  ownerId: string;
  guildId: string | null;
  scope: TopScope;
  category: string | undefined;
  page: number;
  allowNsfw: boolean;
}

export interface TopView {
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIComponentInMessageActionRow>[];
}

/**
 * The rows a top list may show in this channel: ranked adapters that still exist, fit the channel (NSFW,
 * real-person likeness), the category, and are not hidden in this server, whatever the scope.
 */
async function visibleRanking(
  context: BotContext,
  request: TopRequest,
): Promise<{ entry: RankedAdapter; adapter: Adapter }[]> {
  const { community, services } = context;
  const scope =
    request.scope === 'server' && request.guildId
      ? ({ kind: 'server', guildId: request.guildId } as const)
      : ({ kind: 'global' } as const);
  const [ranked, hidden] = await Promise.all([
    communityRanking(community, scope),
    request.guildId ? community.hidden(request.guildId) : Promise.resolve(new Set<string>()),
  ]);
  const shown = ranked.filter((entry) => !hidden.has(entry.adapterId));
  const adapters = new Map((await services.store.getMany(shown.map((entry) => entry.adapterId))).map((a) => [a.id, a]));
  return shown
    .map((entry) => ({ entry, adapter: adapters.get(entry.adapterId) }))
    .filter(
      (row): row is { entry: RankedAdapter; adapter: Adapter } =>
        row.adapter !== undefined &&
        (request.allowNsfw || !row.adapter.nsfw) &&
        !row.adapter.realPerson &&
        (request.category === undefined || row.adapter.category === request.category),
    );
}

/** One page of the community ranking, with Previous/Next buttons; undefined when nothing is ranked yet. */
export async function topView(context: BotContext, request: TopRequest): Promise<TopView | undefined> {
  const rows = await visibleRanking(context, request);
  if (rows.length === 0) return undefined;
  const pages = Math.ceil(rows.length / TOP_PAGE_SIZE);
  const page = Math.min(Math.max(0, request.page), pages - 1);
  const where = request.scope === 'server' ? 'this server' : 'all servers';
  const embed = new EmbedBuilder()
    .setTitle(`Top adapters in ${where}${request.category ? `: ${request.category}` : ''}`)
    .setFooter({
      text: `page ${page + 1} of ${pages} · score = share of positive ratings, pulled toward 0.5 when there are few`,
    });
  rows.slice(page * TOP_PAGE_SIZE, (page + 1) * TOP_PAGE_SIZE).forEach(({ entry, adapter }, index) => {
    embed.addFields({
      name: truncate(`${page * TOP_PAGE_SIZE + index + 1}. ${inert(adapter.name, 200)}`, LIMITS.fieldName),
      value: truncate(
        `score ${entry.score.toFixed(2)} · ${votesText(entry.tally)} · ${adapter.category}\n${codeSpan(adapter.id, 100)}`,
        LIMITS.fieldValue,
      ),
    });
  });
  const pageButton = (label: string, target: number, disabled: boolean) =>
    new ButtonBuilder()
      .setCustomId(
        encodeCommunityId({
          kind: 'top',
          ownerId: request.ownerId,
          scope: request.scope,
          category: request.category,
          page: target,
        }) ?? '',
      )
      .setLabel(label)
      .setStyle(ButtonStyle.Secondary)
      .setDisabled(disabled);
  const components: TopView['components'] =
    pages > 1
      ? [
          new ActionRowBuilder<ButtonBuilder>()
            .addComponents(
              pageButton('Previous', Math.max(0, page - 1), page === 0),
              pageButton('Next', Math.min(pages - 1, page + 1), page >= pages - 1),
            )
            .toJSON(),
        ]
      : [];
  return { embeds: [embed.toJSON()], components };
}
