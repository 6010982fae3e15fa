import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { ComfyUiBackend } from '../src/render/backends/comfyui.js';
import { BullmqRenderQueue } from '../src/render/bullmq-queue.js';
import { DiscordDelivery } from '../src/render/delivery.js';
import { EmbeddedRenderQueue } from '../src/render/embedded-queue.js';
import type { RenderConsumer, RenderQueue } from '../src/render/queue.js';
import { RenderResults } from '../src/render/results.js';
import { enqueueRender } from '../src/render/submit.js';
import { startRenderWorker } from '../src/render/worker.js';
import { openDatabase, type SqliteDatabase } from '../src/storage/sqlite.js';
import { deleteKeys, REDIS_URL } from './contract/render-queue.contract.js';
import { FakeComfyUI } from './support/fake-comfyui.js';
import { FakeDiscord, type RecordedRequest } from './support/fake-discord.js';
import { recordFault } from './support/fault-record.js';
import { until } from './support/worker-rig.js';

/**
 * Fault: Discord rate-limits the worker (HTTP 429 with retry_after, per route or global) on status edits and on
 * uploads. The GPU must not wait for Discord: every member's images are rendered while nothing can be posted or
 * edited, then each member gets exactly one result post and a final status once Discord lets requests through.
 */

const MEMBERS = 5;

const queueKinds: { kind: string; open: (db: SqliteDatabase, prefix: string) => RenderQueue }[] = [
  { kind: 'embedded', open: (db) => new EmbeddedRenderQueue(db, { backoffMs: 50, maxQueuedPerUser: 3 }) },
  {
    kind: 'bullmq',
    open: (_db, prefix) => new BullmqRenderQueue({ redisUrl: REDIS_URL, prefix, limits: { backoffMs: 50 } }),
  },
];

describe.each(queueKinds)(
  'fault: Discord 429 on status edits and uploads ($kind queue)',
  { timeout: 60_000 },
  ({ kind, open }) => {
    let dir: string;
    let db: SqliteDatabase;
    let comfy: FakeComfyUI;
    let discord: FakeDiscord;
    let queue: RenderQueue;
    let consumer: RenderConsumer | undefined;
    const prefix = `t-faults-429-${randomUUID().slice(0, 8)}`;

    beforeEach(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'stylus-429-'));
      db = openDatabase(path.join(dir, 'stylus.db'));
      comfy = await FakeComfyUI.start();
      discord = await FakeDiscord.start();
      queue = open(db, prefix);
      const config = loadConfig({
        DATA_DIR: dir,
        COMFYUI_URL: comfy.url,
        CHECKPOINT_SDXL: 'sd_xl_base_1.0.safetensors',
        DISCORD_TOKEN: discord.token,
        DISCORD_API_URL: discord.apiUrl,
      });
      consumer = await startRenderWorker(config, {
        queue,
        backend: new ComfyUiBackend({ url: comfy.url }),
        delivery: new DiscordDelivery({ token: discord.token, apiUrl: discord.apiUrl }),
        results: new RenderResults(db),
        log: silentLogger,
        statusIntervalMs: 200,
      });
    });

    afterEach(async () => {
      await consumer?.close(true);
      await queue.close();
      await comfy.close();
      await discord.close();
      db.close();
      await deleteKeys(`${prefix}:*`);
      rmSync(dir, { recursive: true, force: true });
    });

    /** Each member's render, with the status message the bot posted for it. */
    async function submitAll(): Promise<{ jobId: string; requesterId: string; statusId: string }[]> {
      const config = loadConfig({ COMFYUI_URL: comfy.url, CHECKPOINT_SDXL: 'sd_xl_base_1.0.safetensors' });
      const jobs = [];
      for (let member = 0; member < MEMBERS; member++) {
        const requesterId = `90000000000000000${member}`;
        const status = discord.seedMessage('Queued…');
        const { jobId } = await enqueueRender(
          { config, queue },
          {
            compositionId: `comp-429-${member}`,
            images: [
              { index: 0, seed: 10 + member, positive: `a lighthouse, take ${member}`, a1111Prompt: '', loras: [] },
            ],
            adapters: {},
            base: 'sdxl',
            channelId: discord.channelId,
            guildId: discord.guild.id,
            requesterId,
            statusMessageId: status.id,
            width: 64,
            height: 64,
            steps: 3,
          },
        );
        jobs.push({ jobId, requesterId, statusId: status.id });
      }
      return jobs;
    }

    const isEdit = (request: RecordedRequest) =>
      request.method === 'PATCH' && request.path.startsWith(`/channels/${discord.channelId}/messages/`);
    const isUpload = (request: RecordedRequest) =>
      request.method === 'POST' &&
      request.path === `/channels/${discord.channelId}/messages` &&
      request.files.length > 0;
    const delivered = () => discord.requests().filter((request) => isUpload(request) && request.status === 200);

    async function expectEveryMemberAnsweredOnce(jobs: { jobId: string; requesterId: string; statusId: string }[]) {
      for (const { jobId } of jobs)
        await until(`job ${jobId} to complete`, async () => (await queue.status(jobId))?.state === 'completed');
      const posts = [...discord.messages.values()].filter((message) => message.attachments.length > 0);
      expect(posts.map((post) => post.content).sort()).toEqual(
        jobs.map((job) => `Render for <@${job.requesterId}>`).sort(),
      );
      expect(comfy.prompts.size).toBe(MEMBERS);
    }

    /** The figures for the summary, from the queue, the fake Discord's messages and its 429 answers. */
    async function faultFigures(jobs: { jobId: string; requesterId: string }[]) {
      const posts = [...discord.messages.values()].filter((message) => message.attachments.length > 0);
      let answered = 0;
      let lost = 0;
      for (const { jobId, requesterId } of jobs) {
        const told = posts.some((post) => post.content.includes(`<@${requesterId}>`));
        if (told) answered++;
        if (!told || (await queue.status(jobId))?.state !== 'completed') lost++;
      }
      return {
        load: `${jobs.length} renders on the ${kind} queue`,
        faultsSurvived: discord.requests().filter((request) => request.status === 429).length,
        membersAnswered: answered,
        members: jobs.length,
        jobsLost: lost,
        duplicated: posts.length - answered + comfy.prompts.size - jobs.length,
      };
    }

    it('renders every member while uploads and edits are rate-limited, then delivers each once', async (context) => {
      const stopEdits = discord.rateLimit({ match: isEdit, retryAfter: 1, bucket: 'channel-messages' });
      const stopUploads = discord.rateLimit({ match: isUpload, retryAfter: 1, bucket: 'channel-messages' });
      const jobs = await submitAll();

      // The GPU keeps working while Discord says "wait": every image is rendered before anything could be posted.
      await until('every member to be rendered', () => comfy.prompts.size === MEMBERS);
      expect(delivered()).toHaveLength(0);
      expect(discord.requests().filter((request) => isEdit(request) && request.status === 200)).toHaveLength(0);

      stopUploads();
      await expectEveryMemberAnsweredOnce(jobs);
      stopEdits();
      for (const { statusId } of jobs) {
        await until(
          `status ${statusId} to say the render is done`,
          () => discord.messages.get(statusId)?.content === 'Rendered: the images are posted below.',
        );
      }
      recordFault(context, { name: `Discord 429 on edits and uploads (${kind})`, ...(await faultFigures(jobs)) });
    });

    it('a global rate limit on status edits does not hold renders or uploads', async (context) => {
      const stopEdits = discord.rateLimit({ match: isEdit, retryAfter: 1, global: true });
      const jobs = await submitAll();
      await expectEveryMemberAnsweredOnce(jobs);
      expect(discord.requests().filter((request) => isEdit(request) && request.status === 200)).toHaveLength(0);
      stopEdits();
      for (const { statusId } of jobs) {
        await until(
          `status ${statusId} to say the render is done`,
          () => discord.messages.get(statusId)?.content === 'Rendered: the images are posted below.',
        );
      }
      recordFault(context, { name: `Discord global 429 on edits (${kind})`, ...(await faultFigures(jobs)) });
    });
  },
);
