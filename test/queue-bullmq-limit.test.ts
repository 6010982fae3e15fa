import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { BullmqRenderQueue } from '../src/render/bullmq-queue.js';
import type { RenderError } from '../src/render/errors.js';
import { deleteKeys, REDIS_URL, renderJob } from './contract/render-queue.contract.js';

/** This suite's own key prefix on the shared test Redis (removed after each test). */
const PREFIX = 't-review-render';

describe('BullMQ: the per-member limit under concurrent submissions', () => {
  const queues: BullmqRenderQueue[] = [];
  let queueName = '';
  afterEach(async () => {
    for (const queue of queues.splice(0)) await queue.close();
    await deleteKeys(`${PREFIX}:${queueName}:*`);
  });

  it('holds when one member submits several renders at once from two bot processes', async () => {
    queueName = `render-${randomUUID().slice(0, 8)}`;
    const open = () => {
      const queue = new BullmqRenderQueue({
        redisUrl: REDIS_URL,
        prefix: PREFIX,
        queueName,
        limits: { maxQueuedPerUser: 2 },
      });
      queues.push(queue);
      return queue;
    };
    const [first, second] = [open(), open()];
    const jobs = Array.from({ length: 8 }, () => renderJob({ requesterId: 'member-1' }));
    const outcomes = await Promise.allSettled(jobs.map((job, index) => (index % 2 ? second : first).enqueue(job)));
    const accepted = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect((outcome.reason as RenderError).code).toBe('queue_limit');
    }
    // One at a time per member: the first two in are queued, every other one is refused.
    expect(accepted).toBe(2);
    // The member's count still sees every accepted job, so later submissions are refused too.
    expect(await first.activeCountFor('member-1')).toBe(accepted);
    const later = await first.enqueue(renderJob({ requesterId: 'member-1' })).catch((error: unknown) => error);
    expect((later as RenderError).code).toBe('queue_limit');
  });
});
