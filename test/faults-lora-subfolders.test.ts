import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Adapter } from '../src/catalog/adapter.js';
import { localLoraName } from '../src/catalog/lora-file.js';
import { buildSafetensors } from '../src/catalog/safetensors.js';
import { localRecords } from '../src/catalog/sources/local.js';
import { loadConfig } from '../src/config.js';
import { A1111Backend } from '../src/render/backends/a1111.js';
import { ComfyUiBackend } from '../src/render/backends/comfyui.js';
import type { RenderBackend } from '../src/render/backends/types.js';
import { LoraCache } from '../src/render/lora-cache.js';
import { enqueueRender } from '../src/render/submit.js';
import { assembleImagePrompts } from '../src/stylus/prompt-assembly.js';
import { FakeA1111 } from './support/fake-a1111.js';
import { FakeComfyUI } from './support/fake-comfyui.js';
import { WorkerRig } from './support/worker-rig.js';

/**
 * Fault: a local LoRA folder organised in subfolders, with one file name used in two folders
 * (`style/ink.safetensors`, `other/ink.safetensors`). Each adapter must render with its own file: ComfyUI by its
 * path below the folder, AUTOMATIC1111 by its file stem; where A1111 cannot tell two files apart the member is told
 * so instead of getting the other file's style.
 */

describe('fault: local LoRAs in subfolders, one name in two folders', { timeout: 60_000 }, () => {
  let rig: WorkerRig;
  let loraDir: string;
  let adapters: Map<string, Adapter>;
  let member = 0;

  beforeEach(async () => {
    rig = await WorkerRig.start({ attempts: 1 });
    loraDir = path.join(rig.dir, 'loras');
    for (const folder of ['style', 'other', 'deep/er']) mkdirSync(path.join(loraDir, folder), { recursive: true });
    const write = (relative: string, name: string, value: number) =>
      writeFileSync(
        path.join(loraDir, relative),
        buildSafetensors({ ss_output_name: name }, { 'lora.down.weight': new Float32Array([value]) }),
      );
    write('style/ink.safetensors', 'ink style', 0.1);
    write('other/ink.safetensors', 'ink other', 0.2);
    write('deep/er/snow.safetensors', 'snow', 0.3);
    write('root.safetensors', 'root', 0.4);
    adapters = new Map();
    for await (const record of localRecords(loraDir))
      if (record.adapter) adapters.set(record.adapter.id, record.adapter);
  });

  afterEach(() => rig.close());

  const cacheOf = () => new LoraCache({ dir: loraDir, db: rig.db, maxBytes: 1e9, maxFileBytes: 1e8 });
  const startWorker = (backend: RenderBackend, url: string) => rig.startWorker(backend, url, cacheOf());

  /** Renders one image per adapter id (as the pipeline assembles it) and returns what the channel got. */
  async function render(url: string, ids: string[]): Promise<string> {
    const requesterId = `70000000000000000${++member}`;
    const { discord, queue } = rig;
    const images = assembleImagePrompts({
      prompt: 'a fox in the snow',
      masks: ids.map((adapterId, index) => ({
        index,
        seed: index + 1,
        active: [{ adapterId, taskIndex: 0, weight: 0.8 }],
      })),
      adapters,
      insertTriggers: false,
    });
    const config = loadConfig({ COMFYUI_URL: url, CHECKPOINT_SDXL: 'sd_xl_base_1.0.safetensors' });
    await enqueueRender(
      { config, queue },
      {
        compositionId: `comp-sub-${member}`,
        images,
        adapters,
        base: 'sdxl',
        channelId: discord.channelId,
        guildId: discord.guild.id,
        requesterId,
        width: 64,
        height: 64,
        steps: 2,
      },
    );
    const { images: files, text } = await rig.answerTo(requesterId);
    return `${text} [${files} files]`;
  }

  it('ingests each file under its own id, with its path below the folder', () => {
    expect([...adapters.keys()].sort()).toEqual([
      'local:deep/er/snow',
      'local:other/ink',
      'local:root',
      'local:style/ink',
    ]);
  });

  it('never reaches outside the folder: traversal, absolute paths and hub files in subfolders are refused', async () => {
    const cache = cacheOf();
    const attempt = (fileName: string, source: 'local' | 'civitai') =>
      cache.ensure({ adapterId: 'x', fileName, weight: 1, source }).then(
        () => 'loaded',
        (error: unknown) => (error as { code?: string }).code,
      );
    for (const name of [
      '../stylus.db.safetensors',
      'style/../../x.safetensors',
      '/etc/x.safetensors',
      'a\\b.safetensors',
    ]) {
      expect(await attempt(name, 'local')).toBe('lora_refused');
    }
    expect(await attempt('style/ink.safetensors', 'civitai')).toBe('lora_refused');
    expect(await attempt('style/ink.safetensors', 'local')).toBe('loaded');
    expect(
      localLoraName({
        id: 'local:x',
        source: 'local',
        fileName: 'x.safetensors',
        sourceIds: { path: '../x.safetensors' },
      }),
    ).toBe('x.safetensors');
  });

  it('ComfyUI loads each file by its path below the folder', async () => {
    const comfy = await FakeComfyUI.start({ loraDir });
    try {
      await startWorker(new ComfyUiBackend({ url: comfy.url }), comfy.url);
      const ids = ['local:style/ink', 'local:other/ink', 'local:deep/er/snow', 'local:root'];
      expect(await render(comfy.url, ids)).toMatch(/^Render for <@\d+> \[5 files\]$/);
      const loaded = [...comfy.prompts.values()].map((graph) =>
        Object.values(graph)
          .filter((node) => node.class_type === 'LoraLoader')
          .map((node) => node.inputs.lora_name),
      );
      expect(loaded).toEqual([
        ['style/ink.safetensors'],
        ['other/ink.safetensors'],
        ['deep/er/snow.safetensors'],
        ['root.safetensors'],
      ]);
    } finally {
      await comfy.close();
    }
  });

  it('AUTOMATIC1111 loads a file in a subfolder by its stem, and refuses a stem that names another file', async () => {
    const a1111 = await FakeA1111.start({ loraDir });
    try {
      await startWorker(new A1111Backend({ url: a1111.url }), a1111.url);
      expect(await render(a1111.url, ['local:style/ink', 'local:deep/er/snow'])).toMatch(/\[3 files\]$/);
      const prompts = a1111.requestsTo('POST', '/sdapi/v1/txt2img').map((request) => String(request.body.prompt));
      expect(prompts).toEqual(['a fox in the snow <lora:ink:0.8>', 'a fox in the snow <lora:snow:0.8>']);
      expect(a1111.loaded).toEqual([
        path.join(loraDir, 'style/ink.safetensors'),
        path.join(loraDir, 'deep/er/snow.safetensors'),
      ]);

      // A1111 knows LoRAs by file stem only, and its `ink` is style/ink: other/ink cannot be asked for by name.
      const refused = await render(a1111.url, ['local:other/ink']);
      expect(refused).toMatch(/failed: .*other\/ink\.safetensors.*same name/);
      expect(a1111.requestsTo('POST', '/sdapi/v1/txt2img')).toHaveLength(2);
    } finally {
      await a1111.close();
    }
  });
});
