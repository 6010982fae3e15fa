import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Adapter } from '../src/catalog/adapter.js';
import { localLoraName } from '../src/catalog/lora-file.js';
import { buildSafetensors } from '../src/catalog/safetensors.js';
import { loadConfig } from '../src/config.js';
import type { RenderConsumer } from '../src/render/queue.js';
import { startRenderWorker, workerDepsFromConfig } from '../src/render/worker.js';
import { FakeA1111 } from './support/fake-a1111.js';
import { BotHarness, botFixtureAdapters } from './support/fake-discord-harness.js';

/**
 * A member's unclosed `<lora:` and a catalog trigger word shaped like a tag must not change which LoRAs A1111
 * loads. AUTOMATIC1111 reads extra networks with `<(\w+):([^>]+)>` (modules/extra_networks.py), so an unclosed tag
 * in the text runs on into the bot's first tag and every adapter is dropped, while the result still credits them.
 * The whole path runs: /imagine through the real discord.js client, Render, the worker, the A1111 API fake.
 */
const A1111_EXTRA_NETWORK = /<(\w+):([^>]+)>/g;

function extraNetworks(prompt: string): { kind: string; name: string }[] {
  return [...prompt.matchAll(A1111_EXTRA_NETWORK)].map((match) => ({
    kind: match[1] ?? '',
    name: (match[2] ?? '').split(':')[0] ?? '',
  }));
}

/** Fixture adapters with their weights already in the LoRA folder (hash-checked), one with a hostile trigger word. */
function adaptersWithFiles(loraDir: string): Adapter[] {
  return botFixtureAdapters().map((adapter) => {
    const bytes = buildSafetensors({ ss_output_name: adapter.id });
    writeFileSync(path.join(loraDir, localLoraName(adapter)), bytes);
    const hostile = adapter.id === 'hf:fixtures/red-fox' ? { triggerWords: ['<lora:other:1.5> red fox'] } : {};
    return { ...adapter, ...hostile, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
}

describe('member and catalog text cannot rewrite the LoRA tags A1111 reads', { timeout: 60_000 }, () => {
  let harness: BotHarness | undefined;
  let a1111: FakeA1111 | undefined;
  let worker: RenderConsumer | undefined;
  let loraDir: string | undefined;
  afterEach(async () => {
    await worker?.close(true);
    await harness?.close();
    await a1111?.close();
    if (loraDir) rmSync(loraDir, { recursive: true, force: true });
    harness = a1111 = worker = loraDir = undefined;
  });

  it('an unclosed <lora: in the prompt and a <lora:...> trigger word leave the chosen tags intact', async () => {
    loraDir = mkdtempSync(path.join(tmpdir(), 'stylus-tags-'));
    const adapters = adaptersWithFiles(loraDir);
    a1111 = await FakeA1111.start({ loraDir });
    harness = await BotHarness.start({
      renderQueue: true,
      adapters,
      env: {
        A1111_URL: a1111.url,
        LORA_DIR: loraDir,
        CHECKPOINT_SDXL: 'sd_xl_base_1.0.safetensors',
        RENDER_WIDTH: '64',
        RENDER_HEIGHT: '64',
        RENDER_STEPS: '2',
        STYLUS_INSERT_TRIGGERS: 'true',
      },
    });
    const { fake, services, queue } = harness;
    if (!queue) throw new Error('the harness has no render queue');
    worker = await startRenderWorker(loadConfig(harness.env), workerDepsFromConfig(services, queue));

    const member = fake.member({ username: 'painter' });
    const command = fake.slashCommand({
      member,
      name: 'imagine',
      options: [
        { type: 3, name: 'prompt', value: 'a red fox in the snow <lora:secret, watercolor painting <hypernet:x' },
        { type: 4, name: 'count', value: 2 },
      ],
    });
    await fake.waitForRequest(
      (request) => request.method === 'PATCH' && request.path.includes(command.token),
      'the composition reply',
    );
    const message = fake.originalMessage(command);
    const renderId = JSON.stringify(message?.components ?? []).match(/sty:render:[\w-]+/)?.[0];
    if (!message || !renderId) throw new Error('no composition with a Render button');
    fake.button({ member, message, customId: renderId });
    const post = await fake.waitForRequest(
      (request) => request.method === 'POST' && request.path.endsWith('/messages') && request.files.length > 0,
      'the images in the channel',
      30_000,
    );

    const credited = JSON.stringify(post.body.embeds);
    const calls = a1111.requestsTo('POST', '/sdapi/v1/txt2img');
    expect(calls).toHaveLength(2);
    const fileOf = new Map(adapters.map((adapter) => [localLoraName(adapter).replace(/\.safetensors$/, ''), adapter]));
    let loaded = 0;
    for (const call of calls) {
      const prompt = String(call.body.prompt);
      const networks = extraNetworks(prompt);
      // Every tag A1111 reads is one of the bot's own, names a file it has, and its adapter is credited.
      for (const network of networks) {
        expect(network.kind).toBe('lora');
        const adapter = fileOf.get(network.name);
        expect(adapter, `A1111 reads a tag for "${network.name}"`).toBeDefined();
        expect(credited).toContain(adapter?.id);
      }
      // Outside the bot's tags the prompt has no angle bracket left to start or end one.
      expect(prompt.replace(A1111_EXTRA_NETWORK, '')).not.toMatch(/[<>]/);
      expect(prompt).toContain('red fox');
      expect(prompt).not.toContain('other');
      loaded += networks.length;
    }
    expect(loaded).toBeGreaterThan(0);
    expect(a1111.skippedLoras).toEqual([]);
  });
});
