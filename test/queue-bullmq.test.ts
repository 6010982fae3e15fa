import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { BullmqRenderQueue } from '../src/render/bullmq-queue.js';
import type { QueueLimits } from '../src/render/queue.js';
import { renderQueueContract } from './contract/render-queue.contract.js';

export const REDIS_URL = 'redis://127.0.0.1:6379';
/** This suite's own key prefix on the shared test Redis (removed after each test). */
export const PREFIX = 't-render';

export async function deleteKeys(pattern: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

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
