import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../src/app.js';
import { enqueueRender } from '../src/render/submit.js';
import type { FakeComfyUI } from './support/fake-comfyui.js';
import type { FakeDiscord, RecordedRequest } from './support/fake-discord.js';
import { recordFault } from './support/fault-record.js';
import { startEmbeddedApp } from './support/fault-rig.js';

type Json = Record<string, unknown>;

/**
 * A real, valid PNG that declares 16383×16383 (268 megapixels, sharp's own default ceiling) in about 33 KB: one bit
 * per pixel, all zero, deflated. Decoding it takes hundreds of megabytes; its header says so in 33 bytes.
 */
function pngBomb(side = 16383): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.writeUInt8(1, 8); // bit depth 1
  header.writeUInt8(0, 9); // greyscale
  const rows = Buffer.alloc((1 + Math.ceil(side / 8)) * side); // filter byte 0 + packed bits, every row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const png = (side: number) =>
  sharp({ create: { width: side, height: side, channels: 3, background: '#808080' } })
    .png()
    .toBuffer();

describe('image bomb: a tiny file that declares a huge picture', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stylus-bomb-'));
  const bomb = pngBomb();
  let rig: Awaited<ReturnType<typeof startEmbeddedApp>>;
  let discord: FakeDiscord;
  let comfy: FakeComfyUI;
  let app: RunningApp;
  beforeAll(async () => {
    rig = await startEmbeddedApp(dir);
    ({ discord, comfy, app } = rig);
  });
  afterAll(async () => {
    await rig?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is small on disk but declares 16383×16383', async () => {
    expect(bomb.length).toBeLessThan(64 * 1024);
    const { width, height } = await sharp(bomb).metadata();
    expect([width, height]).toEqual([16383, 16383]);
  });

  async function privateAnswer(interaction: { id: string; token: string }): Promise<string> {
    const answer = await discord.waitForRequest(
      (request: RecordedRequest) =>
        request.method === 'POST' && request.path === `/webhooks/${discord.applicationId}/${interaction.token}`,
      'the private answer',
      30_000,
    );
    expect(Number(answer.body.flags) & 64).toBe(64);
    return String(answer.body.content);
  }

  it.for(['image', 'mask'] as const)(
    '/imagine refuses it as the %s, from its header, with a clear sentence',
    async (as, context) => {
      const member = discord.member({ username: `bomber-${as}` });
      const image = discord.attachment(as === 'image' ? bomb : await png(64), 'image.png', 'image/png');
      const mask = as === 'mask' ? discord.attachment(bomb, 'mask.png', 'image/png') : undefined;
      const options: Json[] = [
        { type: 3, name: 'prompt', value: 'a red fox, watercolor style' },
        { type: 11, name: 'image', value: image.id },
        ...(mask ? [{ type: 11, name: 'mask', value: mask.id }] : []),
      ];
      const interaction = discord.slashCommand({
        member,
        name: 'imagine',
        options,
        attachments: mask ? [image, mask] : [image],
      });
      expect(await privateAnswer(interaction)).toBe(
        `The ${as} is 16383×16383 pixels; the largest accepted is 4096×4096 (16.8 megapixels). Attach a smaller picture.`,
      );
      // No composition was shown: the deferred reply was removed, not edited into an embed.
      expect(discord.requestsFor(interaction).some((request) => request.method === 'PATCH')).toBe(false);
      const refusals = discord
        .requestsFor(interaction)
        .filter((request) => request.method === 'POST' && String(request.body.content).includes('16383×16383')).length;
      recordFault(context, {
        name: `image bomb as the ${as} (/imagine)`,
        load: `1 /imagine with a ${Math.round(bomb.length / 1024)} KB file declaring 16383×16383`,
        faultsSurvived: refusals,
        membersAnswered: Math.min(1, refusals),
        members: 1,
        jobsLost: refusals === 0 ? 1 : 0,
        duplicated: Math.max(0, refusals - 1) + comfy.prompts.size,
      });
    },
  );

  it('the worker refuses it too, when a job carries it (an attachment replaced after /imagine)', async (context) => {
    const queue = app.queue;
    if (!queue) throw new Error('no render queue');
    const initImage = discord.attachment(bomb, 'swapped.png', 'image/png');
    await enqueueRender(
      { config: app.services.config, queue },
      {
        compositionId: 'bomb-composition',
        images: [{ index: 0, seed: 1, positive: 'a red fox', a1111Prompt: 'a red fox', loras: [] }],
        adapters: {},
        base: 'sdxl',
        channelId: discord.channelId,
        requesterId: '333333333333333333',
        initImageUrl: initImage.url,
      },
    );
    const failure = await discord.waitForRequest(
      (request) =>
        request.method === 'POST' &&
        request.path === `/channels/${discord.channelId}/messages` &&
        /failed/.test(String(request.body.content)),
      'the failure message',
      30_000,
    );
    expect(String(failure.body.content)).toContain(
      'The attached image is 16383×16383 pixels; the largest accepted is 4096×4096',
    );
    expect(comfy.prompts.size).toBe(0);
    const told = discord
      .requests()
      .filter(
        (request) =>
          request.method === 'POST' &&
          request.path === `/channels/${discord.channelId}/messages` &&
          String(request.body.content).includes('16383×16383 pixels'),
      );
    recordFault(context, {
      name: 'image bomb in a render job (worker)',
      load: `1 render whose init image is a ${Math.round(bomb.length / 1024)} KB file declaring 16383×16383`,
      faultsSurvived: told.length,
      membersAnswered: Math.min(1, told.length),
      members: 1,
      jobsLost: told.length === 0 ? 1 : 0,
      duplicated: Math.max(0, told.length - 1) + comfy.prompts.size,
    });
  });
});
