import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BullmqRenderQueue } from '../src/render/bullmq-queue.js';
import type { QueueLimits } from '../src/render/queue.js';
import { mirrorResults, RenderResults } from '../src/render/results.js';
import { openDatabase } from '../src/storage/sqlite.js';
import {
  deleteKeys,
  REDIS_URL,
  renderJob,
  renderQueueContract,
  waitForState,
} from './contract/render-queue.contract.js';

/** This suite's own key prefix on the shared test Redis (removed after each test). */
const PREFIX = 't-render';

function bullmqHarness() {
  // One queue name per test: tests never see each other's jobs even when run side by side.
  const queueName = `render-${randomUUID().slice(0, 8)}`;
  const open = async (limits: Partial<QueueLimits>) =>
    new BullmqRenderQueue({ redisUrl: REDIS_URL, prefix: PREFIX, queueName, limits });
  return {
    open,
    reopen: open,
    cleanup: () => deleteKeys(`${PREFIX}:${queueName}:*`),
  };
}

renderQueueContract('BullMQ (real Redis)', bullmqHarness);

describe('BullMQ: results of workers on other machines reach the bot', () => {
  it('mirrorResults records, in the bot SQLite file, a render completed by a worker with another file', async () => {
    const queueName = `render-${randomUUID().slice(0, 8)}`;
    const dir = mkdtempSync(path.join(tmpdir(), 'stylus-mirror-'));
    const botDb = openDatabase(path.join(dir, 'bot.db'));
    const botQueue = new BullmqRenderQueue({ redisUrl: REDIS_URL, prefix: PREFIX, queueName });
    const workerQueue = new BullmqRenderQueue({ redisUrl: REDIS_URL, prefix: PREFIX, queueName });
    try {
      const botResults = new RenderResults(botDb);
      const stop = await mirrorResults(botQueue, botResults);
      const job = renderJob({
        images: [
          {
            index: 0,
            seed: 5,
            positive: 'a boat',
            a1111Prompt: 'a boat <lora:ink:0.5>',
            loras: [{ adapterId: 'local:ink', fileName: 'ink.safetensors', weight: 0.5, source: 'local' }],
          },
        ],
      });
      await botQueue.enqueue(job);
      const consumer = await workerQueue.consume(async () => ({ messageId: '424242', seeds: { '0': 6 } }));
      await waitForState(botQueue, job.id, ['completed']);
      const deadline = Date.now() + 5_000;
      while (botResults.forMessage('424242').length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(botResults.forMessage('424242')).toEqual([
        expect.objectContaining({
          jobId: job.id,
          imageIndex: 0,
          seed: 6,
          adapters: [{ adapterId: 'local:ink', weight: 0.5 }],
        }),
      ]);
      await stop();
      await consumer.close();
    } finally {
      await workerQueue.close();
      await botQueue.close();
      botDb.close();
      rmSync(dir, { recursive: true, force: true });
      await deleteKeys(`${PREFIX}:${queueName}:*`);
    }
  });
});
