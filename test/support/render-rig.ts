import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Adapter } from '../../src/catalog/adapter.js';
import { localLoraName } from '../../src/catalog/lora-file.js';
import { buildSafetensors } from '../../src/catalog/safetensors.js';
import { loadConfig } from '../../src/config.js';
import type { RenderConsumer } from '../../src/render/queue.js';
import { startRenderWorker, workerDepsFromConfig } from '../../src/render/worker.js';
import { FakeA1111 } from './fake-a1111.js';
import type { RecordedRequest } from './fake-discord.js';
import { BotHarness } from './fake-discord-harness.js';
import type { FakeMember, FakeMessage } from './fake-discord-payloads.js';

/**
 * The bot (embedded queue, SQLite) against the fake Discord, a worker rendering on the fake A1111, and the adapters'
 * weights already in the LoRA folder (hash-checked, so nothing is downloaded).
 */
export class A1111RenderRig {
  private constructor(
    readonly harness: BotHarness,
    readonly a1111: FakeA1111,
    readonly adapters: Adapter[],
    private readonly worker: RenderConsumer,
    private readonly loraDir: string,
  ) {}

  static async start(adapters: Adapter[], env: Record<string, string> = {}): Promise<A1111RenderRig> {
    const loraDir = mkdtempSync(path.join(tmpdir(), 'stylus-rig-loras-'));
    const placed = adapters.map((adapter) => {
      const bytes = buildSafetensors({ ss_output_name: adapter.id });
      writeFileSync(path.join(loraDir, localLoraName(adapter)), bytes);
      return { ...adapter, sha256: createHash('sha256').update(bytes).digest('hex') };
    });
    const a1111 = await FakeA1111.start({ loraDir });
    const harness = await BotHarness.start({
      renderQueue: true,
      adapters: placed,
      env: {
        A1111_URL: a1111.url,
        LORA_DIR: loraDir,
        CHECKPOINT_SDXL: 'sd_xl_base_1.0.safetensors',
        RENDER_WIDTH: '64',
        RENDER_HEIGHT: '64',
        RENDER_STEPS: '2',
        ...env,
      },
    });
    if (!harness.queue) throw new Error('the harness has no render queue');
    const worker = await startRenderWorker(
      loadConfig(harness.env),
      workerDepsFromConfig(harness.services, harness.queue),
    );
    return new A1111RenderRig(harness, a1111, placed, worker, loraDir);
  }

  /** /imagine, answered with a composition: its message. */
  async imagine(
    member: FakeMember,
    prompt: string,
    count = 2,
  ): Promise<{ edit: RecordedRequest; message: FakeMessage }> {
    const { fake } = this.harness;
    const command = fake.slashCommand({
      member,
      name: 'imagine',
      options: [
        { type: 3, name: 'prompt', value: prompt },
        { type: 4, name: 'count', value: count },
      ],
    });
    const edit = await fake.waitForRequest(
      (request) => request.method === 'PATCH' && request.path.includes(command.token),
      'the composition reply',
    );
    const message = fake.originalMessage(command);
    if (!message) throw new Error('no composition message');
    return { edit, message };
  }

  /** Render on a composition message: resolves with the channel message that carries the images. */
  async render(member: FakeMember, message: FakeMessage): Promise<RecordedRequest> {
    const { fake } = this.harness;
    const renderId = JSON.stringify(message.components ?? []).match(/sty:render:[\w-]+/)?.[0];
    if (!renderId) throw new Error('no Render button');
    fake.button({ member, message, customId: renderId });
    return fake.waitForRequest(
      (request) => request.method === 'POST' && request.path.endsWith('/messages') && request.files.length > 0,
      'the images in the channel',
      30_000,
    );
  }

  async close(): Promise<void> {
    await this.worker.close(true);
    await this.harness.close();
    await this.a1111.close();
    rmSync(this.loraDir, { recursive: true, force: true });
  }
}
