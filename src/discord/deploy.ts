import { REST, type RESTPutAPIApplicationCommandsResult, Routes } from 'discord.js';
import type { SlashCommand } from './context.js';

export interface DeployTarget {
  token: string;
  apiUrl: string;
  /** A development guild: commands appear there at once. Without it they are registered globally. */
  guildId?: string;
}

/** Registers the slash commands (bulk overwrite): the one place commands are registered, never at bot start. */
export async function deployCommands(
  commands: readonly SlashCommand[],
  target: DeployTarget,
): Promise<{ scope: 'guild' | 'global'; names: string[] }> {
  const rest = new REST({ api: target.apiUrl }).setToken(target.token);
  const application = (await rest.get(Routes.currentApplication())) as { id: string };
  const body = commands.map((command) => command.definition);
  const route = target.guildId
    ? Routes.applicationGuildCommands(application.id, target.guildId)
    : Routes.applicationCommands(application.id);
  const result = (await rest.put(route, { body })) as RESTPutAPIApplicationCommandsResult;
  return { scope: target.guildId ? 'guild' : 'global', names: result.map((command) => command.name) };
}
