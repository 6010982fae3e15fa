import { afterEach, describe, expect, it } from 'vitest';
import type { Adapter } from '../src/catalog/adapter.js';
import { pageLinkTarget } from '../src/discord/text.js';
import { makeAdapter } from './support/adapters.js';
import type { RecordedRequest } from './support/fake-discord.js';
import { botFixtureAdapters } from './support/fake-discord-harness.js';
import { OpenAiStub } from './support/openai-stub.js';
import { A1111RenderRig } from './support/render-rig.js';

type Json = Record<string, unknown>;

/**
 * Links and mentions in text the bot did not write (a member's prompt, an LLM's reasons, a hub's names,
 * descriptions, tags, trigger words, licence, page address) must not become clickable or ping-looking in what the
 * bot posts; the only link is the adapter's own page. Checked on the payloads the real discord.js client sends to
 * the loopback Discord: the composition, /adapters search and info, and the render result.
 */
const EVIL = 'https://evil.example';
const HOSTILE_PROMPT = `a red fox in the snow [free nitro](${EVIL}/prompt) see ${EVIL}/bare <@123456789012345678> </help:1> @here`;
const HOSTILE_REASON = `fits, see [docs](${EVIL}/reason) or <${EVIL}/angle> @everyone`;

/** Civitai text as anyone can publish it. */
function hostileAdapter(): Adapter {
  return makeAdapter({
    id: 'civitai:666',
    source: 'civitai',
    name: `Red Fox [free nitro](${EVIL}/name) @everyone`,
    category: 'animal',
    tags: ['fox', `${EVIL}/tag`, '<#123456789012345678>'],
    triggerWords: ['red fox', `[x](${EVIL}/trigger)`],
    description: `Best fox. Visit ${EVIL}/description or [here](${EVIL}/masked) <@&123456789012345678>`,
    originalDescription: `Best fox. Visit ${EVIL}/description`,
    baseModel: `SDXL [b](${EVIL}/base)`,
    license: { name: `[licence](${EVIL}/licence)`, allowCommercialUse: [] },
    pageUrl: `https://civitai.com/models/666) [pwn](${EVIL}/page`,
    fileName: 'red_fox_666.safetensors',
  });
}

/**
 * Every text of a payload Discord renders as markdown: content, and embed titles, descriptions and fields. (Labels
 * of buttons and select options are plain text: Discord never links them.)
 */
function renderedTexts(body: Json): string[] {
  const texts = [String(body.content ?? '')];
  for (const embed of (body.embeds as Json[] | undefined) ?? []) {
    texts.push(String(embed.title ?? ''), String(embed.description ?? ''));
    for (const field of (embed.fields as Json[] | undefined) ?? []) {
      texts.push(String(field.name ?? ''), String(field.value ?? ''));
    }
  }
  return texts;
}

/** Masked links as Discord reads them: `[label](target)` whose `[` is not escaped. */
const MASKED_LINK = /(?<!\\)\[([^\]]*)\]\(([^)\s]*)\)/g;
/** Discord links any scheme://... it finds in text, angle brackets or not. */
const BARE_URL = /[a-z][\w+.-]*:\/\/[^\s<]*/gi;
const MENTION = /<(@[!&]?\d+|#\d+|\/[^>]+:\d+|t:\d+)|@(everyone|here)\b/;

/** Inline code: Discord shows its content as it is, links included, without making them clickable. */
const CODE_SPAN = /(?<!\\)`[^`]*`/g;

/**
 * What in `text` would be clickable or a mention, other than masked links to one of `pages`.
 * Code spans go first, then each allowed masked link whole: its target is the one link it makes.
 */
function strayLinks(text: string, pages: ReadonlySet<string>): string[] {
  const stray: string[] = [];
  const rest = text.replace(CODE_SPAN, ' ').replace(MASKED_LINK, (whole, _label: string, target: string) => {
    if (!pages.has(target)) stray.push(whole);
    return ' ';
  });
  stray.push(...(rest.match(BARE_URL) ?? []));
  const mention = MENTION.exec(rest);
  if (mention) stray.push(mention[0]);
  return stray;
}

function pagesOf(adapters: readonly Adapter[]): Set<string> {
  return new Set(adapters.flatMap((adapter) => pageLinkTarget(adapter.pageUrl) ?? []));
}

/** No stray link or mention in a payload; `requester` is the member the bot itself names in a render result. */
function expectNoStrayLinks(request: RecordedRequest, pages: ReadonlySet<string>, requester?: string): void {
  const body = (request.path.endsWith('/callback') ? request.body.data : request.body) as Json;
  expect(body.allowed_mentions).toEqual({ parse: [] });
  const texts = renderedTexts(body).map((text) => (requester ? text.replaceAll(`<@${requester}>`, '') : text));
  const stray = texts.flatMap((text) => strayLinks(text, pages));
  expect(stray).toEqual([]);
}

describe('links and mentions in untrusted text are inert in everything the bot posts', { timeout: 60_000 }, () => {
  let rig: A1111RenderRig | undefined;
  let llm: OpenAiStub | undefined;
  afterEach(async () => {
    await rig?.close();
    await llm?.close();
    rig = llm = undefined;
  });

  it('the detector used below sees what Discord would link', () => {
    const pages = new Set(['https://civitai.com/models/1']);
    expect(strayLinks(`[a](${EVIL}/x)`, pages)).toEqual([`[a](${EVIL}/x)`]);
    expect(strayLinks(`go ${EVIL}/x now`, pages)).toEqual([`${EVIL}/x`]);
    expect(strayLinks('[Fox](https://civitai.com/models/1)', pages)).toEqual([]);
    expect(strayLinks('hi <@123>', pages)).toEqual(['<@123']);
    expect(strayLinks(`\`${EVIL}/code\``, pages)).toEqual([]);
  });

  it('composition, /adapters search and info, and the render result carry only the adapters’ own pages', async () => {
    llm = await OpenAiStub.start();
    // The composer answers with every candidate for "red fox", each with a reason full of links and mentions.
    llm.onChat((body) => {
      const messages = body.messages as { content: string }[];
      const ids = [...(messages.at(-1)?.content ?? '').matchAll(/^(\d+)\|/gm)].map((match) => Number(match[1]));
      return {
        content: JSON.stringify({
          tasks: [
            { task: 'red fox', adapters: ids.slice(0, 3).map((id) => ({ id, reason: HOSTILE_REASON })) },
            { task: 'snow', adapters: ids.slice(3, 6).map((id) => ({ id, reason: HOSTILE_REASON })) },
          ],
        }),
      };
    });
    const adapters = [hostileAdapter(), ...botFixtureAdapters()];
    rig = await A1111RenderRig.start(adapters, {
      OPENAI_BASE_URL: llm.url,
      OPENAI_API_KEY: 'test-key',
      STYLUS_COMPOSER_MODEL: 'test-composer',
    });
    const pages = pagesOf(adapters);
    const { fake } = rig.harness;
    const member = fake.member({ username: 'painter' });

    const { edit, message } = await rig.imagine(member, HOSTILE_PROMPT);
    const composition = JSON.stringify(edit.body.embeds);
    expect(composition).toContain('fits, see');
    expect(llm.chatRequests().length).toBeGreaterThan(0);
    expectNoStrayLinks(edit, pages);
    // The hostile adapter is shown as a link to its own (encoded) page and nothing else.
    expect(composition).toContain(`(${pageLinkTarget(hostileAdapter().pageUrl)})`);

    const search = fake.slashCommand({
      member,
      name: 'adapters',
      options: [{ type: 1, name: 'search', options: [{ type: 3, name: 'query', value: `red fox ${EVIL}/q` }] }],
    });
    expectNoStrayLinks(
      await fake.waitForRequest((request) => request.path.includes(search.token), 'the search reply'),
      pages,
    );

    const info = fake.slashCommand({
      member,
      name: 'adapters',
      options: [{ type: 1, name: 'info', options: [{ type: 3, name: 'adapter', value: 'civitai:666' }] }],
    });
    const infoReply = await fake.waitForRequest((request) => request.path.includes(info.token), 'the info reply');
    expectNoStrayLinks(infoReply, pages);
    const infoEmbed = ((infoReply.body.data as Json).embeds as Json[])[0];
    expect(infoEmbed?.url).toBe(pageLinkTarget(hostileAdapter().pageUrl));
    expect(String(infoEmbed?.description)).toContain('Best fox');

    const post = await rig.render(member, message);
    expect(String((post.body.embeds as Json[])[0]?.description)).toContain('a red fox in the snow');
    expect(String(post.body.content)).toBe(`Render for <@${member.user.id}>`);
    expectNoStrayLinks(post, pages, member.user.id);
  });
});
