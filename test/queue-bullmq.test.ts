import { randomUUID } from 'node:crypto';
import { BullmqRenderQueue } from '../src/render/bullmq-queue.js';
import type { QueueLimits } from '../src/render/queue.js';
import { deleteKeys, REDIS_URL, renderQueueContract } from './contract/render-queue.contract.js';

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
