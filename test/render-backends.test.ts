import { createServer } from 'node:net';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { A1111Backend } from '../src/render/backends/a1111.js';
import { ComfyUiBackend } from '../src/render/backends/comfyui.js';
import type { BackendImageRequest } from '../src/render/backends/types.js';
import { checkpointAvailable } from '../src/render/backends/types.js';
import { RenderError } from '../src/render/errors.js';
import { FakeA1111 } from './support/fake-a1111.js';
import { FakeComfyUI, makePng } from './support/fake-comfyui.js';

function request(overrides: Partial<BackendImageRequest> = {}): BackendImageRequest {
  return {
    tag: 'job1-0',
    checkpoint: 'sd_xl_base_1.0.safetensors',
    positive: 'a red fox in the snow',
    a1111Prompt: 'a red fox in the snow <lora:hf--ink:0.53> <lora:hf--snow:0.4>',
    negative: 'blurry',
    loras: [
      { fileName: 'hf--ink.safetensors', weight: 0.53 },
      { fileName: 'hf--snow.safetensors', weight: 0.4 },
    ],
    seed: 1234,
    steps: 6,
    cfg: 6,
    sampler: 'euler',
    scheduler: 'normal',
    width: 64,
    height: 48,
    denoise: 1,
    ...overrides,
  };
}

async function errorOf(promise: Promise<unknown>): Promise<RenderError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RenderError);
  return error as RenderError;
}

/** A port nothing listens on: "backend down". */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 1;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

const signal = () => new AbortController().signal;

describe('ComfyUI backend against the loopback ComfyUI', () => {
  let comfy: FakeComfyUI;
  let backend: ComfyUiBackend;

  beforeEach(async () => {
    comfy = await FakeComfyUI.start();
    comfy.loras = ['hf--ink.safetensors', 'hf--snow.safetensors'];
    backend = new ComfyUiBackend({ url: comfy.url });
  });
  afterEach(async () => comfy.close());

  it('opens the socket before POST /prompt, chains LoraLoader nodes with the weights, follows progress, returns the PNG', async () => {
    const progress: number[] = [];
    const image = await backend.renderImage(request(), { signal: signal(), onProgress: (p) => progress.push(p) });
    const meta = await sharp(image.png).metadata();
    expect(meta.format).toBe('png');
    expect([meta.width, meta.height]).toEqual([64, 48]);

    const post = comfy.requestsTo('POST', '/prompt')[0];
    const connection = comfy.connections[0];
    expect(post && connection && connection.seq < post.seq).toBe(true);
    expect((post?.body as { client_id?: string } | undefined)?.client_id).toBe(connection?.clientId);

    const graph = [...comfy.prompts.values()][0] ?? {};
    const loaders = Object.values(graph).filter((node) => node.class_type === 'LoraLoader');
    expect(
      loaders.map((node) => [node.inputs.lora_name, node.inputs.strength_model, node.inputs.strength_clip]),
    ).toEqual([
      ['hf--ink.safetensors', 0.53, 0.53],
      ['hf--snow.safetensors', 0.4, 0.4],
    ]);
    const sampler = Object.values(graph).find((node) => node.class_type === 'KSampler');
    expect(sampler?.inputs.seed).toBe(1234);
    expect(progress.at(-1)).toBe(1);
    expect(progress.length).toBeGreaterThanOrEqual(6);
    expect(comfy.requestsTo('GET', '/history/').length).toBe(1);
    expect(comfy.requestsTo('GET', '/view').length).toBe(1);
  });

  it('uploads the init image and mask for inpainting and wires LoadImage / LoadImageMask into the graph', async () => {
    const init = await makePng(32, 32, 7);
    const mask = await makePng(32, 32, 0);
    await backend.renderImage(request({ initImage: init, mask, denoise: 0.6 }), { signal: signal() });
    expect(comfy.requestsTo('POST', '/upload/image')).toHaveLength(2);
    expect(comfy.uploaded('job1-0-init.png')?.equals(init)).toBe(true);
    const graph = [...comfy.prompts.values()][0] ?? {};
    const classes = Object.values(graph).map((node) => node.class_type);
    expect(classes).toEqual(expect.arrayContaining(['LoadImage', 'VAEEncode', 'LoadImageMask', 'SetLatentNoiseMask']));
    expect(Object.values(graph).find((node) => node.class_type === 'KSampler')?.inputs.denoise).toBe(0.6);
  });

  it('lists checkpoints and LoRAs from /object_info and names the LoRA files it cannot see', async () => {
    expect(checkpointAvailable(await backend.listCheckpoints(), 'sd_xl_base_1.0.safetensors')).toBe(true);
    await backend.ensureLoras(['hf--ink.safetensors']);
    const error = await errorOf(backend.ensureLoras(['hf--ink.safetensors', 'missing-one.safetensors']));
    expect(error.code).toBe('lora_missing');
    expect(error.userMessage).toContain('missing-one.safetensors');
  });

  it('turns node_errors into a clear refusal that is not retried', async () => {
    const error = await errorOf(backend.renderImage(request({ checkpoint: 'nope.safetensors' }), { signal: signal() }));
    expect(error.code).toBe('backend_rejected');
    expect(error.retriable).toBe(false);
    expect(error.userMessage).toMatch(/CheckpointLoaderSimple 1: Value not in list/);
  });

  it('reports an out-of-memory execution_error as such', async () => {
    comfy.behaviour = 'oom';
    const error = await errorOf(backend.renderImage(request(), { signal: signal() }));
    expect(error.code).toBe('out_of_memory');
    expect(error.userMessage).toMatch(/ran out of memory/);
  });

  it('fails clearly when the server returns no image', async () => {
    comfy.behaviour = 'no_images';
    expect((await errorOf(backend.renderImage(request(), { signal: signal() }))).code).toBe('no_images');
  });

  it('interrupts the prompt on the server when the render is cancelled', async () => {
    comfy.behaviour = 'hang';
    const controller = new AbortController();
    const rendering = backend.renderImage(request(), {
      signal: controller.signal,
      onProgress: () => controller.abort(new Error('owner cancelled')),
    });
    await expect(rendering).rejects.toThrow('owner cancelled');
    // The interrupt follows the queue deletion: wait for it rather than for a fixed time (slow machines).
    for (let waited = 0; comfy.requestsTo('POST', '/interrupt').length === 0 && waited < 5_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(comfy.requestsTo('POST', '/interrupt')).toHaveLength(1);
  });

  it('treats a malformed WebSocket frame mid-render as a lost connection, not a crash', async () => {
    comfy.behaviour = 'hang';
    const error = await errorOf(
      backend.renderImage(request(), { signal: signal(), onProgress: () => comfy.sendMalformedFrames() }),
    );
    expect(error.code).toBe('backend_unreachable');
    expect(error.retriable).toBe(true);
  });

  it('says the backend is unreachable when nothing answers', async () => {
    const down = new ComfyUiBackend({ url: await deadUrl() });
    const error = await errorOf(down.renderImage(request(), { signal: signal() }));
    expect(error.code).toBe('backend_unreachable');
    expect(error.retriable).toBe(true);
    expect((await errorOf(down.listCheckpoints())).code).toBe('backend_unreachable');
  });
});

describe('AUTOMATIC1111 backend against the loopback A1111', () => {
  let a1111: FakeA1111;
  let backend: A1111Backend;

  beforeEach(async () => {
    a1111 = await FakeA1111.start();
    backend = new A1111Backend({ url: a1111.url, progressPollMs: 5 });
  });
  afterEach(async () => a1111.close());

  it('refreshes LoRAs before confirming names it did not know, and names those that never appear', async () => {
    a1111.loras = ['hf--ink'];
    // Known only after a refresh: A1111 reads its Lora folder once, then on POST refresh-loras.
    await backend.ensureLoras(['hf--ink.safetensors']);
    expect(a1111.requestsTo('POST', '/sdapi/v1/refresh-loras')).toHaveLength(1);
    const error = await errorOf(backend.ensureLoras(['hf--ink.safetensors', 'hf--ghost.safetensors']));
    expect(error.code).toBe('lora_missing');
    expect(error.userMessage).toContain('hf--ghost');
    expect(a1111.requestsTo('POST', '/sdapi/v1/refresh-loras')).toHaveLength(2);
  });

  it('sends <lora:> tags, the seed and the checkpoint to txt2img and parses the info string', async () => {
    a1111.loras = ['hf--ink', 'hf--snow'];
    a1111.stepDelayMs = 10;
    // Without this, A1111 (like the fake) would skip the tags silently: its LoRA list is older than the files.
    await backend.ensureLoras(['hf--ink.safetensors', 'hf--snow.safetensors']);
    const progress: number[] = [];
    const image = await backend.renderImage(request(), { signal: signal(), onProgress: (p) => progress.push(p) });
    expect((await sharp(image.png).metadata()).format).toBe('png');
    expect(image.seed).toBe(1234);
    const body = a1111.requestsTo('POST', '/sdapi/v1/txt2img')[0]?.body ?? {};
    expect(body.prompt).toContain('<lora:hf--ink:0.53>');
    expect(body).toMatchObject({
      seed: 1234,
      sampler_name: 'Euler',
      override_settings: { sd_model_checkpoint: 'sd_xl_base_1.0.safetensors' },
    });
    expect(a1111.skippedLoras).toEqual([]);
    expect(progress.length).toBeGreaterThan(0);
  });

  it('reports no progress for an image after it has been returned (a late progress answer is dropped)', async () => {
    a1111.stepDelayMs = 10;
    a1111.progressDelayMs = 150;
    let returned = false;
    const late: number[] = [];
    await backend.renderImage(request({ loras: [], a1111Prompt: 'a red fox' }), {
      signal: signal(),
      onProgress: (fraction) => {
        if (returned) late.push(fraction);
      },
    });
    returned = true;
    // Let every progress request sent during the render come back.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(a1111.requestsTo('GET', '/sdapi/v1/progress').length).toBeGreaterThan(0);
    expect(late).toEqual([]);
  });

  it('uses img2img with init_images, mask and denoising_strength', async () => {
    await backend.renderImage(
      request({ initImage: await makePng(40, 40, 3), mask: await makePng(40, 40, 0), denoise: 0.5 }),
      { signal: signal() },
    );
    const body = a1111.requestsTo('POST', '/sdapi/v1/img2img')[0]?.body ?? {};
    expect(Array.isArray(body.init_images)).toBe(true);
    expect(typeof body.mask).toBe('string');
    expect(body.denoising_strength).toBe(0.5);
  });

  it('maps A1111 errors: out of memory, no images, down', async () => {
    a1111.behaviour = 'oom';
    expect((await errorOf(backend.renderImage(request(), { signal: signal() }))).code).toBe('out_of_memory');
    a1111.behaviour = 'no_images';
    expect((await errorOf(backend.renderImage(request(), { signal: signal() }))).code).toBe('no_images');
    const down = new A1111Backend({ url: await deadUrl() });
    expect((await errorOf(down.renderImage(request(), { signal: signal() }))).code).toBe('backend_unreachable');
  });

  it('lists checkpoints by title, model name and file name', async () => {
    const names = await backend.listCheckpoints();
    expect(checkpointAvailable(names, 'sd_xl_base_1.0.safetensors')).toBe(true);
    expect(checkpointAvailable(names, 'sd_xl_base_1.0')).toBe(true);
    expect(checkpointAvailable(names, 'flux1-dev.safetensors')).toBe(false);
  });
});
