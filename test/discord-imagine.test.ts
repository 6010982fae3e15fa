import { afterEach, describe, expect, it } from 'vitest';
import { compositionImages } from '../src/discord/composition-images.js';
import { messageLimitViolations, modalLimitViolations } from '../src/discord/limits.js';
import { type ComfyGraph, danglingLinks } from '../src/render/comfyui-graph.js';
import type { FakeDiscord, RecordedRequest } from './support/fake-discord.js';
import { BotHarness, botFixtureAdapters } from './support/fake-discord-harness.js';
import type { FakeMember, FakeMessage } from './support/fake-discord-payloads.js';
import { MODERATOR_PERMISSIONS } from './support/fake-discord-payloads.js';
import { OpenAiStub } from './support/openai-stub.js';

type Json = Record<string, unknown>;

const isCallback = (interaction: { id: string }) => (request: RecordedRequest) =>
  request.method === 'POST' && request.path.startsWith(`/interactions/${interaction.id}/`);

async function callback(fake: FakeDiscord, interaction: { id: string }): Promise<RecordedRequest> {
  return fake.waitForRequest(isCallback(interaction), `the callback of ${interaction.id}`);
}

/** Runs /imagine and waits for the deferred reply to be edited into the composition. */
async function imagine(h: BotHarness, member: FakeMember, prompt: string) {
  const interaction = h.fake.slashCommand({
    member,
    name: 'imagine',
    options: [{ type: 3, name: 'prompt', value: prompt }],
  });
  const edit = await h.fake.waitForRequest(
    (request) => request.method === 'PATCH' && request.path.includes(interaction.token),
    'the edited reply',
  );
  const message = h.fake.originalMessage(interaction);
  if (!message) throw new Error('no original message');
  return { interaction, edit, message };
}

function embedOf(message: FakeMessage): Json {
  return (message.embeds[0] ?? {}) as Json;
}

function customIds(message: FakeMessage): string[] {
  return (message.components as Json[]).flatMap((row) =>
    ((row.components ?? []) as Json[]).map((component) => String(component.custom_id)),
  );
}

function selectOf(message: FakeMessage, row: number): Json {
  const components = ((message.components[row] as Json | undefined)?.components ?? []) as Json[];
  const select = components[0];
  if (select?.type !== 3) throw new Error(`row ${row} has no select`);
  return select;
}

function compositionIdOf(message: FakeMessage): string {
  const id = customIds(message).find((customId) => customId.startsWith('sty:render:'));
  if (!id) throw new Error('no render button');
  return id.split(':')[2] ?? '';
}

const PROMPT = 'a red fox in samurai armor, watercolor style, cyberpunk city at night';

describe.each([
  ['SQLite state', false],
  ['Redis state', true],
])('/imagine with the real discord.js Client (%s)', (_name, redis) => {
  let h: BotHarness;
  afterEach(async () => {
    await h?.close();
  });

  it('swaps through the select after a bot restart: the embed updates and the stored composition changes', async () => {
    h = await BotHarness.start({ redis });
    const owner = h.fake.member({ username: 'owner' });
    const { message } = await imagine(h, owner, `${PROMPT} ${redis ? 'redis' : 'sqlite'}`);
    const compositionId = compositionIdOf(message);
    const before = await h.bot.context.compositions.get(compositionId);
    expect(before?.messageId).toBe(message.id);

    await h.restart();

    const select = selectOf(message, 0);
    const options = select.options as Json[];
    const current = options.filter((option) => option.default === true).map((option) => String(option.value));
    const alternative = options.find((option) => option.default !== true && option.value !== 'none');
    expect(alternative).toBeDefined();
    const click = h.fake.select({
      member: owner,
      message,
      customId: String(select.custom_id),
      values: [String(alternative?.value)],
    });
    const answer = await callback(h.fake, click);
    expect(answer.body.type).toBe(7); // UPDATE_MESSAGE: the embed changes in place
    expect(messageLimitViolations(answer.body.data as Json)).toEqual([]);
    const fieldValue = String((embedOf(h.message(message.id)).fields as Json[])[0]?.value);
    expect(fieldValue).toContain(String(alternative?.label));

    const after = await h.bot.context.compositions.get(compositionId);
    expect(after?.tasks[0]?.adapters.map((adapter) => adapter.adapterId)).toEqual([String(alternative?.value)]);
    expect(after?.tasks[0]?.adapters.map((adapter) => adapter.adapterId)).not.toEqual(current);
    expect(after?.revision).toBeGreaterThan(before?.revision ?? 0);
  });
});

describe('/imagine', () => {
  let h: BotHarness | undefined;
  let stub: OpenAiStub | undefined;
  afterEach(async () => {
    await h?.close();
    await stub?.close();
    h = undefined;
    stub = undefined;
  });

  it('defers before retrieval starts, then shows one field per task with adapter, weight and reason', async () => {
    stub = await OpenAiStub.start();
    const harness = await BotHarness.start({
      env: { OPENAI_BASE_URL: stub.url, OPENAI_API_KEY: 'test-key', STYLUS_EMBEDDING_MODEL: 'test-embedding' },
    });
    h = harness;
    // Retrieval embeds the prompt first: record, at that moment, what the fake Discord had already received.
    const embedText = stub.embedText;
    const seenAtRetrieval: string[][] = [];
    stub.embedText = (text, dims) => {
      seenAtRetrieval.push(harness.fake.requests().map((request) => `${request.method} ${request.path}`));
      return embedText(text, dims);
    };
    const owner = harness.fake.member({ username: 'owner' });
    const { interaction, edit, message } = await imagine(harness, owner, PROMPT);

    const requests = harness.fake.requestsFor(interaction);
    expect(
      requests.map((request) => `${request.method} ${request.rawPath.replace(interaction.token, 'TOKEN')}`),
    ).toEqual([
      `POST /interactions/${interaction.id}/TOKEN/callback`,
      `PATCH /webhooks/${harness.fake.applicationId}/TOKEN/messages/%40original`,
    ]);
    expect(requests[0]?.body.type).toBe(5); // DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
    expect(requests.every((request) => request.authorization === undefined)).toBe(true);
    expect(seenAtRetrieval.length).toBeGreaterThan(0);
    expect(seenAtRetrieval[0]).toContain(`POST /interactions/${interaction.id}/${interaction.token}/callback`);

    expect(edit.body.allowed_mentions).toEqual({ parse: [] });
    expect(messageLimitViolations(edit.body)).toEqual([]);
    const record = await harness.bot.context.compositions.get(compositionIdOf(message));
    expect(record).toBeDefined();
    const fields = embedOf(message).fields as Json[];
    expect(fields).toHaveLength(record?.tasks.length ?? -1);
    const adapters = new Map((await harness.services.store.list({ limit: 100 })).map((a) => [a.id, a]));
    record?.tasks.forEach((task, index) => {
      const value = String(fields[index]?.value);
      expect(String(fields[index]?.name)).toContain(task.task.slice(0, 10));
      for (const assigned of task.adapters) {
        const adapter = adapters.get(assigned.adapterId);
        expect(value).toContain(`[${adapter?.name}](${adapter?.pageUrl})`);
        expect(value).toContain(`weight ${adapter?.recommendedWeight.toFixed(2)}`);
        expect(value).toContain(assigned.reason.slice(0, 20));
      }
    });
    expect(record?.tasks.some((task) => task.adapters.length > 0)).toBe(true);
    expect(String((embedOf(message).footer as Json).text)).toContain(`seed ${record?.seed}`);
    // A select per task (at most 4), then the button row.
    const rows = message.components as Json[];
    expect(rows).toHaveLength(Math.min(4, record?.tasks.length ?? 0) + 1);
    expect(customIds(message).every((customId) => customId.length <= 100)).toBe(true);
  });

  it('lets a moderator act, refuses another member ephemerally and changes nothing', async () => {
    h = await BotHarness.start();
    const owner = h.fake.member({ username: 'owner' });
    const { message } = await imagine(h, owner, `${PROMPT} moderation`);
    const compositionId = compositionIdOf(message);
    const before = await h.bot.context.compositions.get(compositionId);

    const stranger = h.fake.member({ username: 'stranger' });
    const strangerClick = h.fake.button({ member: stranger, message, customId: `sty:reroll:${compositionId}` });
    const refused = await callback(h.fake, strangerClick);
    expect(refused.body.type).toBe(4);
    expect((refused.body.data as Json).flags).toBe(64);
    expect(String((refused.body.data as Json).content)).toMatch(/not yours/);
    expect(await h.bot.context.compositions.get(compositionId)).toEqual(before);

    const moderator = h.fake.member({ username: 'mod', permissions: MODERATOR_PERMISSIONS });
    const modClick = h.fake.button({ member: moderator, message, customId: `sty:reroll:${compositionId}` });
    expect((await callback(h.fake, modClick)).body.type).toBe(7);
    const after = await h.bot.context.compositions.get(compositionId);
    expect(after?.revision).toBe((before?.revision ?? 0) + 1);
  });

  it('exports A1111 prompts and a ComfyUI workflow with LoraLoaders chained between checkpoint and encoders', async () => {
    h = await BotHarness.start();
    const owner = h.fake.member({ username: 'owner' });
    const { message } = await imagine(h, owner, `${PROMPT} export`);
    const compositionId = compositionIdOf(message);
    const record = await h.bot.context.compositions.get(compositionId);
    const chosen = new Set(record?.tasks.flatMap((task) => task.adapters.map((adapter) => adapter.adapterId)));

    const click = h.fake.button({ member: owner, message, customId: `sty:export:${compositionId}` });
    const answer = await callback(h.fake, click);
    const data = answer.body.data as Json;
    expect(answer.body.type).toBe(4);
    expect(data.flags).toBe(64);
    expect(String(data.content)).toMatch(/<lora:[\w.-]+:\d/);
    expect(data.allowed_mentions).toEqual({ parse: [] });
    const file = answer.files.find((upload) => upload.filename.endsWith('-comfyui.json'));
    expect(file).toBeDefined();
    const graph = JSON.parse(file?.data.toString('utf8') ?? '{}') as ComfyGraph;

    // Every link names an existing node (checked here independently of the builder's own helper too).
    for (const node of Object.values(graph)) {
      for (const value of Object.values(node.inputs)) {
        if (Array.isArray(value)) expect(graph[value[0]], `link to ${value[0]}`).toBeDefined();
      }
    }
    expect(danglingLinks(graph)).toEqual([]);
    // Walk from the positive encoder's clip back to the checkpoint: only LoraLoaders on the way.
    const nodeOf = (id: string) => graph[id] ?? { class_type: 'missing', inputs: {} };
    const encoders = Object.values(graph).filter((node) => node.class_type === 'CLIPTextEncode');
    expect(encoders).toHaveLength(2);
    const chain: string[] = [];
    let link = encoders[0]?.inputs.clip as [string, number];
    while (nodeOf(link[0]).class_type === 'LoraLoader') {
      chain.push(String(nodeOf(link[0]).inputs.lora_name));
      link = nodeOf(link[0]).inputs.clip as [string, number];
    }
    expect(nodeOf(link[0]).class_type).toBe('CheckpointLoaderSimple');
    if (!record) throw new Error('composition not stored');
    const image1 = compositionImages(
      record,
      new Map((await h.services.store.list({ limit: 100 })).map((a) => [a.id, a])),
      h.services.config,
    )[0];
    expect(chain.reverse()).toEqual(image1?.loras.map((lora) => lora.fileName));
    expect(image1?.loras.every((lora) => chosen.has(lora.adapterId))).toBe(true);
    const sampler = Object.values(graph).find((node) => node.class_type === 'KSampler');
    const lastLora = encoders[0]?.inputs.clip as [string, number];
    expect(sampler?.inputs.model).toEqual([lastLora[0], 0]);
  });

  it('Render without a render backend says so and offers Export', async () => {
    h = await BotHarness.start();
    const owner = h.fake.member({ username: 'owner' });
    const { message } = await imagine(h, owner, `${PROMPT} render`);
    const compositionId = compositionIdOf(message);
    const click = h.fake.button({ member: owner, message, customId: `sty:render:${compositionId}` });
    const answer = await callback(h.fake, click);
    const data = answer.body.data as Json;
    expect(data.flags).toBe(64);
    expect(String(data.content)).toMatch(/No render backend is configured/);
    expect(JSON.stringify(data.components)).toContain(`sty:export:${compositionId}`);
    expect((await h.bot.context.compositions.get(compositionId))?.status).toBe('shown');
  });

  it('edits weights through the modal; the embed and the stored weights change', async () => {
    h = await BotHarness.start();
    const owner = h.fake.member({ username: 'owner' });
    const { message } = await imagine(h, owner, `${PROMPT} weights`);
    const compositionId = compositionIdOf(message);
    const open = h.fake.button({ member: owner, message, customId: `sty:weights:${compositionId}` });
    const modalAnswer = await callback(h.fake, open);
    expect(modalAnswer.body.type).toBe(9); // MODAL
    const modal = modalAnswer.body.data as Json;
    expect(modalLimitViolations(modal)).toEqual([]);
    const inputs = (modal.components as Json[]).map((row) => ((row.components as Json[])[0] ?? {}) as Json);
    const fields = Object.fromEntries(
      inputs.map((input, index) => [String(input.custom_id), index === 0 ? '1.5' : '0.6']),
    );
    const submit = h.fake.modalSubmit({ member: owner, message, customId: String(modal.custom_id), fields });
    const saved = await callback(h.fake, submit);
    expect(saved.body.type).toBe(7);
    const record = await h.bot.context.compositions.get(compositionId);
    const weights = Object.values(record?.weights ?? {});
    expect(weights).toContain(1.5);
    expect(JSON.stringify(embedOf(h.message(message.id)).fields)).toContain('weight 1.50');
  });

  it('prefills catalog weights that fit the inputs, and keeps the fields a member left unchanged', async () => {
    // Catalog weights range from -5 to 5 with any precision; the modal takes 0 to 2 in at most 8 characters.
    const unusual = [1 / 3, -1, 3];
    h = await BotHarness.start({
      adapters: botFixtureAdapters().map((adapter, index) => ({
        ...adapter,
        recommendedWeight: unusual[index % unusual.length] ?? 1,
      })),
    });
    const owner = h.fake.member({ username: 'owner' });
    const { message } = await imagine(h, owner, `${PROMPT} unusual weights`);
    const compositionId = compositionIdOf(message);
    const open = h.fake.button({ member: owner, message, customId: `sty:weights:${compositionId}` });
    const modal = (await callback(h.fake, open)).body.data as Json;
    const inputs = (modal.components as Json[]).map((row) => ((row.components as Json[])[0] ?? {}) as Json);
    expect(inputs.length).toBeGreaterThan(1);
    for (const input of inputs) expect(String(input.value).length).toBeLessThanOrEqual(Number(input.max_length));
    const prefilled = inputs.map((input) => String(input.value));
    expect(prefilled.some((value) => Number(value) < 0 || Number(value) > 2)).toBe(true);

    // Only the first weight is edited; the others are submitted as the modal showed them.
    const fields = Object.fromEntries(
      inputs.map((input, index) => [String(input.custom_id), index === 0 ? '1.25' : String(input.value)]),
    );
    const submit = h.fake.modalSubmit({ member: owner, message, customId: String(modal.custom_id), fields });
    const saved = await callback(h.fake, submit);
    expect(saved.body.type).toBe(7);
    const record = await h.bot.context.compositions.get(compositionId);
    expect(Object.values(record?.weights ?? {})).toEqual([1.25]);
  });

  it('a swap or new masks after Render make the composition renderable again', async () => {
    const harness = await BotHarness.start({
      renderQueue: true,
      env: { COMFYUI_URL: 'http://127.0.0.1:9', CHECKPOINT_SDXL: 'sd_xl_base_1.0.safetensors' },
    });
    h = harness;
    const owner = harness.fake.member({ username: 'owner' });
    const { message } = await imagine(harness, owner, `${PROMPT} render twice`);
    const compositionId = compositionIdOf(message);
    const renderButton = () =>
      (harness.message(message.id).components as Json[])
        .flatMap((row) => row.components as Json[])
        .find((component) => component.custom_id === `sty:render:${compositionId}`);
    const render = async () => {
      const click = harness.fake.button({ member: owner, message, customId: `sty:render:${compositionId}` });
      expect((await callback(harness.fake, click)).body.type).toBe(7);
      const followUp = await harness.fake.waitForRequest(
        (request) =>
          request.method === 'POST' && request.path.startsWith('/webhooks/') && request.path.includes(click.token),
        'the queued answer',
      );
      expect(String(followUp.body.content)).toMatch(/^Render queued/);
      expect(renderButton()?.disabled).toBe(true);
      expect((await harness.bot.context.compositions.get(compositionId))?.status).toBe('queued');
    };

    await render();
    const reroll = harness.fake.button({ member: owner, message, customId: `sty:reroll:${compositionId}` });
    expect((await callback(harness.fake, reroll)).body.type).toBe(7);
    expect(renderButton()?.disabled).not.toBe(true);
    expect((await harness.bot.context.compositions.get(compositionId))?.status).toBe('shown');

    // New masks are a new job, not a duplicate of the first.
    await render();
    const select = selectOf(harness.message(message.id), 0);
    const other = (select.options as Json[]).find((option) => option.default !== true);
    const swap = harness.fake.select({
      member: owner,
      message,
      customId: String(select.custom_id),
      values: [String(other?.value)],
    });
    expect((await callback(harness.fake, swap)).body.type).toBe(7);
    expect(renderButton()?.disabled).not.toBe(true);
    await render();
  });
});
