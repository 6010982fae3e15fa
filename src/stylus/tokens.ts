import { countTokens as countO200k } from 'gpt-tokenizer';

/**
 * Token counts with OpenAI's o200k_base encoding (gpt-4o, gpt-4.1, gpt-5, o-series): the size of what the
 * composer sends. Special-token text in a prompt ("<|endoftext|>") is counted as plain text, never rejected.
 */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** Chat framing per message (role and separators), as OpenAI's token-counting guide describes it. */
const TOKENS_PER_MESSAGE = 4;
const TOKENS_PER_REPLY_PRIMER = 3;

export function countTokens(text: string): number {
  return countO200k(text, PLAIN_TEXT);
}

/** Tokens of a chat request: every message's text plus framing, plus the response schema the model also reads. */
export function countChatTokens(
  messages: readonly { role: string; content: string }[],
  responseSchema?: unknown,
): number {
  let total = TOKENS_PER_REPLY_PRIMER;
  for (const message of messages)
    total += TOKENS_PER_MESSAGE + countTokens(message.role) + countTokens(message.content);
  if (responseSchema !== undefined) total += countTokens(JSON.stringify(responseSchema));
  return total;
}
