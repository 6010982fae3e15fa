import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { CommunityStore } from '../community/types.js';
import type { RenderQueue } from '../render/queue.js';
import type { CompositionStore } from '../state/compositions.js';
import type { GuildSettingsStore } from '../state/guild-settings.js';
import type { PipelineServices } from '../stylus/pipeline.js';
import type { AdapterNameCache } from './adapter-name-cache.js';

/** What command and component handlers get: plain services and stores, no globals. */
export interface BotContext {
  services: PipelineServices;
  compositions: CompositionStore;
  /** Votes, reaction feedback, hidden adapters (src/community). */
  community: CommunityStore;
  adapterNames: AdapterNameCache;
  /** Per-server settings set with /settings. */
  settings: GuildSettingsStore;
  /** Present when the bot hands renders to a queue (embedded or BullMQ). */
  renderQueue?: RenderQueue;
}

/** One slash command: its definition (for deploy-commands) and its handlers. */
export interface SlashCommand {
  definition: RESTPostAPIChatInputApplicationCommandsJSONBody;
  execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, context: BotContext): Promise<void>;
}
