import type { SqliteDatabase } from '../storage/sqlite.js';
import type { RenderJob } from './job.js';
import type { RenderQueue } from './queue.js';

export interface RecordedImage {
  jobId: string;
  messageId: string;
  channelId: string;
  guildId?: string;
  compositionId: string;
  requesterId: string;
  imageIndex: number;
  seed: number;
  adapters: { adapterId: string; weight: number }[];
  createdAt: number;
}

interface ResultRow {
  job_id: string;
  message_id: string;
  channel_id: string;
  guild_id: string | null;
  composition_id: string;
  requester_id: string;
  image_index: number;
  seed: number;
  adapters: string;
  created_at: number;
}

/**
 * What was posted where: job, message, and per image its seed and adapters with weights. Reactions on a result
 * message are tied to adapters through this table; the worker also reads it so a job is never posted twice.
 */
export class RenderResults {
  constructor(private readonly db: SqliteDatabase) {
    db.exec(`CREATE TABLE IF NOT EXISTS render_results (
      job_id TEXT NOT NULL,
      image_index INTEGER NOT NULL,
      message_id TEXT NOT NULL,
      channel_id TEXT NOT NULL,
      guild_id TEXT,
      composition_id TEXT NOT NULL,
      requester_id TEXT NOT NULL,
      seed INTEGER NOT NULL,
      adapters TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (job_id, image_index)
    );
    CREATE INDEX IF NOT EXISTS render_results_message ON render_results (message_id);`);
  }

  record(job: RenderJob, messageId: string, seeds: ReadonlyMap<number, number> = new Map()): void {
    const insert = this.db.prepare(
      `INSERT OR REPLACE INTO render_results (job_id, image_index, message_id, channel_id, guild_id, composition_id,
         requester_id, seed, adapters, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const now = Date.now();
    this.db
      .transaction(() => {
        for (const image of job.images) {
          const adapters = image.loras.map((lora) => ({ adapterId: lora.adapterId, weight: lora.weight }));
          insert.run(
            job.id,
            image.index,
            messageId,
            job.channelId,
            job.guildId ?? null,
            job.compositionId,
            job.requesterId,
            seeds.get(image.index) ?? image.seed,
            JSON.stringify(adapters),
            now,
          );
        }
      })
      .immediate();
  }

  /** The images of a result message, by index: what a reaction on that message is about. */
  forMessage(messageId: string): RecordedImage[] {
    return (
      this.db
        .prepare('SELECT * FROM render_results WHERE message_id = ? ORDER BY image_index')
        .all(messageId) as ResultRow[]
    ).map(toRecorded);
  }

  forJob(jobId: string): RecordedImage[] {
    return (
      this.db.prepare('SELECT * FROM render_results WHERE job_id = ? ORDER BY image_index').all(jobId) as ResultRow[]
    ).map(toRecorded);
  }

  /** The message a job was already posted in, if it was. */
  deliveredMessageId(jobId: string): string | undefined {
    const row = this.db.prepare('SELECT message_id FROM render_results WHERE job_id = ? LIMIT 1').get(jobId) as
      | { message_id: string }
      | undefined;
    return row?.message_id;
  }
}

function toRecorded(row: ResultRow): RecordedImage {
  return {
    jobId: row.job_id,
    messageId: row.message_id,
    channelId: row.channel_id,
    ...(row.guild_id ? { guildId: row.guild_id } : {}),
    compositionId: row.composition_id,
    requesterId: row.requester_id,
    imageIndex: row.image_index,
    seed: row.seed,
    adapters: JSON.parse(row.adapters) as RecordedImage['adapters'],
    createdAt: row.created_at,
  };
}

/**
 * Records, in this process's store, every render that completes on any worker: in scale-out mode workers run on
 * other machines with their own SQLite files, and the bot needs the results to tie reactions to adapters.
 * Returns the function that stops listening.
 */
export async function mirrorResults(queue: RenderQueue, results: RenderResults): Promise<() => Promise<void>> {
  return queue.onCompleted((job, outcome) => {
    const seeds = new Map(Object.entries(outcome.seeds).map(([index, seed]) => [Number(index), seed]));
    results.record(job, outcome.messageId, seeds);
  });
}
