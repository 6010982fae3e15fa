import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMPOSITIONS_PER_GUILD } from '../src/discord/composition-scheduler.js';
import type { RecordedRequest } from './support/fake-discord.js';
import { BotHarness } from './support/fake-discord-harness.js';
import { recordFault } from './support/fault-record.js';
import { OpenAiStub } from './support/openai-stub.js';

type Json = Record<string, unknown>;
const MEMBERS = 6;

/**
 * A slow or rate-limited LLM composer must not make members wait on each other: six /imagine at once against an
 * OpenAI-compatible endpoint that hangs, or that answers 429 with Retry-After 20. Everyone gets a composition from the
 * offline composer, and the composition says why. A reply that is not JSON is tried once more, then the same.
 */
describe('one slow LLM, six members at once', { timeout: 90_000 }, () => {
  let h: BotHarness;
  let llm: OpenAiStub;
  beforeEach(async () => {
    llm = await OpenAiStub.start();
    h = await BotHarness.start({
      env: { OPENAI_BASE_URL: llm.url, STYLUS_COMPOSER_MODEL: 'stub-composer', OPENAI_TIMEOUT_MS: '1000' },
    });
  });
  afterEach(async () => {
    await h.close();
    await llm.close();
  });

  /** Sends the six /imagine; resolves with each member's edited reply (the composition) as it arrives. */
  function imagineAll(): { prompts: string[]; replies: Promise<RecordedRequest>[] } {
    const prompts = Array.from({ length: MEMBERS }, (_, index) => `a red fox in samurai armor, take ${index + 1}`);
    const replies = prompts.map((prompt, index) => {
      const interaction = h.fake.slashCommand({
        member: h.fake.member({ username: `member-${index}` }),
        name: 'imagine',
        options: [{ type: 3, name: 'prompt', value: prompt }],
      });
      return h.fake.waitForRequest(
        (request) => request.method === 'PATCH' && request.path.includes(interaction.token),
        `the composition of member ${index}`,
        30_000,
      );
    });
    return { prompts, replies };
  }

  const footer = (reply: RecordedRequest) =>
    String((((reply.body.embeds as Json[])[0]?.footer ?? {}) as Json).text ?? '');
  const promptsSeen = (prompts: string[]) =>
    prompts.filter((prompt) => llm.chatRequests().some((request) => JSON.stringify(request.body).includes(prompt)));

  /** The summary figures: members whose composition says why the composer was offline, LLM calls beyond `perMember`. */
  function figures(replies: RecordedRequest[], reason: string, perMember: number) {
    const answered = replies.filter((reply) => footer(reply).includes(`composer offline (${reason}`)).length;
    return {
      load: `${MEMBERS} /imagine at once`,
      faultsSurvived: llm.chatRequests().length,
      membersAnswered: answered,
      members: MEMBERS,
      jobsLost: MEMBERS - replies.length,
      duplicated: Math.max(0, llm.chatRequests().length - perMember * MEMBERS),
    };
  }

  it('a hung endpoint: compositions run side by side, each falls back at its deadline', async (context) => {
    llm.onChat(() => ({ hang: true }));
    const { prompts, replies } = imagineAll();
    await Promise.race(replies);
    // When the first member is answered, the LLM already holds the others' requests: nobody queued behind anyone.
    expect(promptsSeen(prompts)).toHaveLength(Math.min(MEMBERS, COMPOSITIONS_PER_GUILD));
    const answered = await Promise.all(replies);
    for (const reply of answered) expect(footer(reply)).toContain('composer offline (the LLM did not answer in time)');
    recordFault(context, { name: 'LLM hangs', ...figures(answered, 'the LLM did not answer in time', 1) });
  });

  it('429 with Retry-After 20: no member waits the 20 s, each is told the LLM is rate-limited', async (context) => {
    llm.onChat(() => ({ status: 429, error: 'Rate limit reached', headers: { 'retry-after': '20' } }));
    const { prompts, replies } = imagineAll();
    const answered = await Promise.all(replies);
    for (const reply of answered) expect(footer(reply)).toContain('composer offline (the LLM is rate-limited)');
    // One request per member: a rate limit is not waited out while a member waits.
    expect(llm.chatRequests()).toHaveLength(MEMBERS);
    expect(promptsSeen(prompts)).toHaveLength(MEMBERS);
    recordFault(context, { name: 'LLM 429', ...figures(answered, 'the LLM is rate-limited', 1) });
  });

  it('garbage replies: each member gets the offline composition after one retry, saying why', async (context) => {
    llm.onChat(() => ({ content: 'Sure! Here are some great adapters for your prompt: {tasks: [oops' }));
    const { prompts, replies } = imagineAll();
    const answered = await Promise.all(replies);
    for (const reply of answered) expect(footer(reply)).toContain('composer offline (the reply was not JSON');
    // One retry per member, never more.
    expect(llm.chatRequests()).toHaveLength(2 * MEMBERS);
    expect(promptsSeen(prompts)).toHaveLength(MEMBERS);
    recordFault(context, { name: 'LLM garbage', ...figures(answered, 'the reply was not JSON', 2) });
  });
});
