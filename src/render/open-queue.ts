import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { SqliteDatabase } from '../storage/sqlite.js';
import { BullmqRenderQueue } from './bullmq-queue.js';
import { EmbeddedRenderQueue } from './embedded-queue.js';
import type { QueueLimits, RenderQueue } from './queue.js';

export function queueLimitsFromConfig(config: Config): Partial<QueueLimits> {
  return {
    maxQueuedPerUser: config.RENDER_MAX_QUEUED_PER_USER,
    guildConcurrency: config.RENDER_GUILD_CONCURRENCY,
  };
}

/** BullMQ when REDIS_URL is set (workers in their own processes), else the embedded queue in the SQLite file. */
export function openRenderQueue(config: Config, db: SqliteDatabase, log: Logger): RenderQueue {
  const limits = queueLimitsFromConfig(config);
  if (config.REDIS_URL) {
    return new BullmqRenderQueue({ redisUrl: config.REDIS_URL, prefix: config.REDIS_PREFIX, limits, log });
  }
  return new EmbeddedRenderQueue(db, limits, log);
}
