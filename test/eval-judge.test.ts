import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Adapter } from '../src/catalog/adapter.js';
import { buildSafetensors } from '../src/catalog/safetensors.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { openServices } from '../src/services.js';
import { makeAdapter } from './support/adapters.js';
import { runCli } from './support/cli.js';
import { FakeComfyUI } from './support/fake-comfyui.js';
import { type ChatReply, OpenAiStub } from './support/openai-stub.js';

type Json = Record<string, unknown>;
type Graph = Record<string, { class_type: string; inputs: Json }>;

const CHECKPOINT = 'sd_xl_base_1.0.safetensors';

function localAdapter(slug: string, fields: Partial<Adapter>): Adapter {
  return makeAdapter({
    id: `local:${slug}`,
    source: 'local',
    baseFamily: 'sdxl',
    fileName: `${slug}.safetensors`,
    ...fields,
  });
}

const ADAPTERS: Adapter[] = [
  localAdapter('red-fox', {
    name: 'Red Fox',
    category: 'animal',
    tags: ['fox', 'animal'],
    triggerWords: ['red fox'],
    description: 'A red fox with detailed fur.',
  }),
  localAdapter('samurai-armor', {
    name: 'Samurai Armor',
    category: 'clothing',
    tags: ['samurai', 'armor'],
    triggerWords: ['samurai armor'],
    description: 'Ornate samurai armor.',
  }),
  localAdapter('watercolor', {
    name: 'Watercolor Wash',
    category: 'style',
    tags: ['watercolor', 'painting'],
    triggerWords: ['watercolor'],
    description: 'Soft watercolor painting style with paper texture.',
  }),
  localAdapter('cyberpunk-city', {
    name: 'Cyberpunk City',
    category: 'background',
    tags: ['cyberpunk', 'city', 'neon'],
    triggerWords: ['cyberpunk city'],
    description: 'Neon cyberpunk city streets at night.',
  }),
];

/** How the scripted VLM answers for a prompt, in terms of which image it prefers. */
type Behaviour = 'prefers-adapters' | 'position-bias' | 'prefers-baseline-looks' | 'unsure-alignment' | 'garbage';

const SCRIPT: [string, Behaviour | 'no-adapter'][] = [
  ['a red fox sitting in a snowy forest', 'prefers-adapters'],
  ['a warrior wearing samurai armor', 'position-bias'],
  ['a watercolor painting of a lighthouse', 'prefers-baseline-looks'],
  ['bond', 'no-adapter'],
  ['a red fox wearing samurai armor', 'garbage'],
  ['cyberpunk city streets at night', 'unsure-alignment'],
];

/** The fake renders images with LoRAs in one flat colour and images without in another: the stub tells them apart. */
const ADAPTER_PIXEL_SEED = 1;
const BASELINE_PIXEL_SEED = 2;
const hasLora = (graph: Graph) => Object.values(graph).some((node) => node.class_type === 'LoraLoader');

async function firstPixelRed(dataUrl: string): Promise<number> {
  const png = Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64');
  const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return data[0] ?? -1;
}

/** A VLM stand-in: reads the prompt and the two images from the request and answers as the prompt's behaviour says. */
async function scriptedVlm(body: Json): Promise<ChatReply> {
  const messages = body.messages as { role: string; content: unknown }[];
  const parts = (messages.find((message) => message.role === 'user')?.content ?? []) as Json[];
  const prompt = String(parts.find((part) => part.type === 'text')?.text ?? '').replace(/^Prompt: /, '');
  const images = parts
    .filter((part) => part.type === 'image_url')
    .map((part) => (part.image_url as Json).url as string);
  const [redA, redB] = await Promise.all(images.map(firstPixelRed));
  const adapterRed = (ADAPTER_PIXEL_SEED * 37) % 256;
  const adaptersAt = redA === adapterRed && redB !== adapterRed ? 'A' : redB === adapterRed ? 'B' : undefined;
  if (!adaptersAt) return { status: 400, error: 'the stub could not find the adapters image' };
  const baselineAt = adaptersAt === 'A' ? 'B' : 'A';
  const behaviour = SCRIPT.find(([text]) => text === prompt)?.[1];
  const reply = (visual: string, alignment: string) => ({
    content: JSON.stringify({ visual_quality: visual, prompt_alignment: alignment }),
  });
  switch (behaviour) {
    case 'prefers-adapters':
      return reply(adaptersAt, adaptersAt);
    case 'position-bias':
      return reply('A', 'A');
    case 'prefers-baseline-looks':
      return reply(baselineAt, adaptersAt);
    case 'unsure-alignment':
      return reply(adaptersAt, adaptersAt === 'B' ? 'tie' : adaptersAt);
    case 'garbage':
      return { content: 'Image A is nicer, I think.' };
    default:
      return { status: 400, error: `unexpected prompt ${prompt}` };
  }
}

describe('stylus eval judge', () => {
  let dir: string;
  let comfy: FakeComfyUI;
  let stub: OpenAiStub;
  let env: Record<string, string>;
  let promptsFile: string;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'stylus-judge-'));
    const loraDir = path.join(dir, 'loras');
    mkdirSync(loraDir);
    for (const adapter of ADAPTERS) {
      writeFileSync(
        path.join(loraDir, adapter.fileName ?? ''),
        buildSafetensors({ ss_output_name: adapter.name }, { 'lora.up.weight': new Float32Array(16).fill(0.25) }),
      );
    }
    comfy = await FakeComfyUI.start({ loraDir });
    comfy.outputSeed = (graph) => (hasLora(graph) ? ADAPTER_PIXEL_SEED : BASELINE_PIXEL_SEED);
    stub = await OpenAiStub.start();
    stub.onChat(scriptedVlm);
    promptsFile = path.join(dir, 'prompts.tsv');
    writeFileSync(promptsFile, ['Prompt\tCategory', ...SCRIPT.map(([prompt]) => `${prompt}\tTest`)].join('\n'));
    env = {
      DATA_DIR: path.join(dir, 'data'),
      STYLUS_SEED_CATALOG: 'false',
      COMFYUI_URL: comfy.url,
      CHECKPOINT_SDXL: CHECKPOINT,
      LORA_DIR: loraDir,
      OPENAI_BASE_URL: stub.url,
      OPENAI_API_KEY: 'test-key',
      STYLUS_JUDGE_MODEL: 'test-vlm',
      RENDER_WIDTH: '64',
      RENDER_HEIGHT: '64',
      RENDER_STEPS: '2',
    };
    const services = await openServices(loadConfig(env), { log: silentLogger, seedCatalog: false });
    await services.store.upsert(ADAPTERS);
    await services.close();
  });

  afterEach(async () => {
    await comfy.close();
    await stub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts a win only when both orders agree, skips prompts without adapters, and writes one line per prompt', async () => {
    const out = path.join(dir, 'judge.jsonl');
    const result = await runCli(
      ['eval', 'judge', '--prompts', promptsFile, '--n', '6', '--seed', '11', '--json', '--out', out],
      env,
    );
    expect(result.stderr).not.toMatch(/unexpected error/);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as Json;
    expect(summary).toMatchObject({
      prompts: 6,
      judged: 4,
      noAdapters: 1,
      failed: 1,
      backend: 'comfyui',
      model: 'test-vlm',
      visualQuality: { win: 2, tie: 1, loss: 1 },
      promptAlignment: { win: 2, tie: 2, loss: 0, winRate: 1 },
    });
    expect((summary.visualQuality as Json).winRate).toBeCloseTo(2 / 3);

    // Each rendered prompt: the adapters' image, then the same prompt without LoRAs, at the same seed and checkpoint.
    const graphs = [...comfy.prompts.values()] as Graph[];
    expect(graphs).toHaveLength(10);
    for (let pair = 0; pair < graphs.length; pair += 2) {
      const [withAdapters, without] = [graphs[pair] as Graph, graphs[pair + 1] as Graph];
      const node = (graph: Graph, type: string) => Object.values(graph).find((n) => n.class_type === type);
      expect(hasLora(withAdapters)).toBe(true);
      expect(hasLora(without)).toBe(false);
      expect(node(withAdapters, 'KSampler')?.inputs.seed).toBe(node(without, 'KSampler')?.inputs.seed);
      expect(node(without, 'CheckpointLoaderSimple')?.inputs.ckpt_name).toBe(CHECKPOINT);
      const loraNames = Object.values(withAdapters)
        .filter((n) => n.class_type === 'LoraLoader')
        .map((n) => n.inputs.lora_name);
      expect(loraNames.every((name) => ADAPTERS.some((adapter) => adapter.fileName === name))).toBe(true);
    }

    // Two questions per judged prompt; the unreadable replies were asked once more, then the prompt failed.
    const chats = stub.chatRequests();
    expect(chats).toHaveLength(4 * 2 + 2);
    for (const chat of chats) {
      expect(chat.body.model).toBe('test-vlm');
      expect((chat.body.response_format as Json).type).toBe('json_schema');
    }

    const lines = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Json);
    expect(lines.map((line) => [line.prompt, line.status])).toEqual([
      [SCRIPT[0]?.[0], 'judged'],
      [SCRIPT[1]?.[0], 'judged'],
      [SCRIPT[2]?.[0], 'judged'],
      ['bond', 'no_adapters'],
      [SCRIPT[4]?.[0], 'failed'],
      [SCRIPT[5]?.[0], 'judged'],
    ]);
    const judged = lines[2] as Json;
    expect(Object.keys(judged).sort()).toEqual(
      ['adapters', 'prompt', 'promptAlignment', 'seed', 'status', 'visualQuality'].sort(),
    );
    expect(judged.seed).toBe(13);
    expect(judged.adapters).toEqual([{ adapterId: 'local:watercolor', weight: expect.any(Number) }]);
    expect(judged.visualQuality).toEqual({ shownFirst: 'B', shownSecond: 'A', outcome: 'loss' });
    expect(judged.promptAlignment).toEqual({ shownFirst: 'A', shownSecond: 'B', outcome: 'win' });
    expect(lines[1]?.visualQuality).toEqual({ shownFirst: 'A', shownSecond: 'A', outcome: 'tie' });
    expect(lines[3]).toEqual({ prompt: 'bond', seed: 14, status: 'no_adapters', adapters: [] });
    expect(Object.keys(lines[4] as Json).sort()).toEqual(['adapters', 'error', 'prompt', 'seed', 'status']);
    expect(lines[4]?.error).toMatch(/not JSON/);
  });

  it('prints win / tie / loss per criterion, judging with the refiner model when no judge model is set', async () => {
    const { STYLUS_JUDGE_MODEL: _unused, ...withoutJudge } = env;
    const result = await runCli(['eval', 'judge', '--prompts', promptsFile, '--n', '1'], {
      ...withoutJudge,
      STYLUS_REFINER_MODEL: 'refiner-vlm',
    });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'judged 1 of 1 prompts (0 picked no adapter, 0 failed); comfyui, sdxl, judge refiner-vlm',
      'visual quality: win 1, tie 0, loss 0; win rate 100.0% of 1 non-tied',
      'prompt alignment: win 1, tie 0, loss 0; win rate 100.0% of 1 non-tied',
      'paper (GPT-4V): Stylus won 60% of non-tied visual-quality comparisons',
      '',
    ]);
    expect(stub.chatRequests().map((chat) => chat.body.model)).toEqual(['refiner-vlm', 'refiner-vlm']);
  });

  it("stops with the backend's own sentence when renders keep failing, keeping the lines written so far", async () => {
    comfy.behaviour = 'oom';
    const out = path.join(dir, 'judge.jsonl');
    const result = await runCli(['eval', 'judge', '--prompts', promptsFile, '--out', out], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/stylus eval: stopped after 3 prompts in a row failed; the last: .*memory/i);
    const lines = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Json);
    expect(lines.map((line) => line.status)).toEqual(['failed', 'failed', 'failed']);
    expect(stub.chatRequests()).toHaveLength(0);
  });

  it('refuses in one line naming what is missing, before rendering anything', async () => {
    const bare = { DATA_DIR: env.DATA_DIR ?? '', STYLUS_SEED_CATALOG: 'false' };
    const nothing = await runCli(['eval', 'judge', '--prompts', promptsFile], bare);
    expect(nothing.code).toBe(1);
    expect(nothing.stdout).toBe('');
    expect(nothing.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(nothing.stderr).toMatch(/COMFYUI_URL or A1111_URL/);
    expect(nothing.stderr).toMatch(/CHECKPOINT_SDXL/);
    expect(nothing.stderr).toMatch(/STYLUS_JUDGE_MODEL/);

    const { STYLUS_JUDGE_MODEL: _unused, ...noVlm } = env;
    const noModel = await runCli(['eval', 'judge', '--prompts', promptsFile, '--base', 'sd1'], noVlm);
    expect(noModel.code).toBe(1);
    expect(noModel.stderr).toMatch(
      /^stylus eval: eval judge needs a checkpoint for sd1 \(set CHECKPOINT_SD1\), a vision/,
    );
    expect(noModel.stderr).not.toMatch(/COMFYUI_URL/);
    expect(comfy.requests).toHaveLength(0);
    expect(stub.chatRequests()).toHaveLength(0);
  });
});
