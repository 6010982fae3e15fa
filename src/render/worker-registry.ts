import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';

/**
 * Which render workers are alive and which LoRA files each one already has on disk, kept in Redis next to the queue.
 * A worker's heartbeat key expires on its own when the worker dies, so a killed worker stops attracting jobs without
 * anyone having to notice; its entry in the set of known workers stays until its personal queue has been emptied.
 *
 * Keys (under the queue's own namespace `<prefix>:<queue>:x`): `workers` (set of ids), `files:<id>` (set of file
 * names), `alive:<id>` (heartbeat, with a TTL).
 */
export interface WorkerRegistryOptions {
  /** How long a worker counts as alive after its last heartbeat. */
  heartbeatTtlMs?: number;
}

export interface WorkerChoice {
  workerId: string;
  /** How many of the job's files it holds. */
  held: number;
}

export const DEFAULT_HEARTBEAT_TTL_MS = 30_000;

/** A worker id that is unique across machines and usable in a BullMQ queue name (no `:`). */
export function newWorkerId(): string {
  const host = hostname()
    .replace(/[^\w.-]/g, '_')
    .slice(0, 40);
  return `${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

export class WorkerRegistry {
  readonly heartbeatTtlMs: number;

  constructor(
    private readonly redis: Redis,
    /** `<prefix>:<queue>:x` */
    private readonly namespace: string,
    options: WorkerRegistryOptions = {},
  ) {
    this.heartbeatTtlMs = options.heartbeatTtlMs ?? DEFAULT_HEARTBEAT_TTL_MS;
  }

  /** Announces a worker (alive now) with the LoRA files it holds. */
  async register(workerId: string, files: readonly string[]): Promise<void> {
    await this.redis
      .multi()
      .sadd(this.key('workers'), workerId)
      .set(this.key('alive', workerId), String(Date.now()), 'PX', this.heartbeatTtlMs)
      .exec();
    await this.advertise(workerId, files);
  }

  /** Replaces the list of files a worker holds (after a download, an eviction, or a periodic look at its folder). */
  async advertise(workerId: string, files: readonly string[]): Promise<void> {
    const filesKey = this.key('files', workerId);
    const transaction = this.redis.multi().del(filesKey);
    if (files.length > 0) transaction.sadd(filesKey, ...files);
    await transaction.exec();
  }

  async heartbeat(workerId: string): Promise<void> {
    await this.redis.set(this.key('alive', workerId), String(Date.now()), 'PX', this.heartbeatTtlMs);
  }

  /** A clean stop: the worker stops attracting jobs at once. */
  async unregister(workerId: string): Promise<void> {
    await this.redis.del(this.key('alive', workerId), this.key('files', workerId));
  }

  /** Forgets a worker for good (its personal queue is empty and it is not alive). */
  async forget(workerId: string): Promise<void> {
    await this.redis
      .multi()
      .srem(this.key('workers'), workerId)
      .del(this.key('alive', workerId), this.key('files', workerId))
      .exec();
  }

  /** Every worker that may still have jobs on its personal queue, alive or not. */
  async knownWorkers(): Promise<string[]> {
    return (await this.redis.smembers(this.key('workers'))).sort();
  }

  async isAlive(workerId: string): Promise<boolean> {
    return (await this.redis.exists(this.key('alive', workerId))) === 1;
  }

  async filesOf(workerId: string): Promise<string[]> {
    return (await this.redis.smembers(this.key('files', workerId))).sort();
  }

  /**
   * The live worker holding the most of `files` (at least one), ties broken by the shortest backlog (then by id, so
   * the choice is stable); undefined when no live worker holds any of them.
   */
  async pickWorker(
    files: readonly string[],
    backlogOf: (workerId: string) => Promise<number>,
  ): Promise<WorkerChoice | undefined> {
    const wanted = [...new Set(files)];
    if (wanted.length === 0) return undefined;
    const candidates: { workerId: string; held: number; backlog: number }[] = [];
    for (const workerId of await this.knownWorkers()) {
      if (!(await this.isAlive(workerId))) continue;
      const present = await this.redis.smismember(this.key('files', workerId), ...wanted);
      const held = present.reduce((sum, flag) => sum + flag, 0);
      if (held === 0) continue;
      candidates.push({ workerId, held, backlog: await backlogOf(workerId) });
    }
    candidates.sort((a, b) => b.held - a.held || a.backlog - b.backlog || a.workerId.localeCompare(b.workerId));
    const best = candidates[0];
    return best ? { workerId: best.workerId, held: best.held } : undefined;
  }

  private key(kind: 'workers' | 'alive' | 'files', workerId?: string): string {
    return workerId === undefined ? `${this.namespace}:${kind}` : `${this.namespace}:${kind}:${workerId}`;
  }
}
