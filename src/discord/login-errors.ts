import { networkErrorCode, UserFacingError } from '../errors.js';

/** discord.js's error code and the HTTP status, when the error has them. */
function facts(error: unknown): { code?: string; status?: number } {
  const record = (error ?? {}) as { code?: unknown; status?: unknown };
  return {
    ...(typeof record.code === 'string' ? { code: record.code } : {}),
    ...(typeof record.status === 'number' ? { status: record.status } : {}),
  };
}

/**
 * What a failed login or command registration means for the admin, as one sentence naming the setting; undefined
 * when it is not one of the expected failures (the caller reports it as unexpected).
 */
export function explainDiscordFailure(error: unknown, apiUrl: string): UserFacingError | undefined {
  const { code, status } = facts(error);
  if (code === 'TokenInvalid' || status === 401) {
    return new UserFacingError(
      'Discord refused DISCORD_TOKEN (401 Unauthorized): copy the token again from the Developer Portal ' +
        '(your application > Bot > Reset Token) into .env, then start again.',
      'config',
      { cause: error },
    );
  }
  if (code === 'DisallowedIntents') {
    return new UserFacingError(
      'Discord refused the gateway intents: this bot needs no privileged intent, so check that DISCORD_TOKEN is the token of this application.',
      'config',
      { cause: error },
    );
  }
  const network = networkErrorCode(error);
  if (network) {
    return new UserFacingError(
      `Discord did not answer at ${apiUrl} (${network}): check the network, or DISCORD_API_URL if you set it.`,
      'unreachable',
      { cause: error },
    );
  }
  return undefined;
}
