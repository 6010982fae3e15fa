import { randomBytes } from 'node:crypto';
import type { Keyv } from 'keyv';
import { z } from 'zod';
import { BASE_FAMILIES } from '../catalog/adapter.js';
import type { Logger } from '../log.js';
import { KeyedLock } from '../util/keyed-lock.js';

/** How long a composition's controls keep working after its last change. */
export const COMPOSITION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export const MIN_WEIGHT = 0;
export const MAX_WEIGHT = 2;

const TaskSchema = z.object({
  task: z.string(),
  adapters: z.array(z.object({ adapterId: z.string(), reason: z.string() })).max(3),
});

export const CompositionStatusSchema = z.enum(['shown', 'queued', 'cancelled']);
export type CompositionStatus = z.infer<typeof CompositionStatusSchema>;

/** One /imagine as stored: everything a click needs, so controls work after a restart or on another replica. */
export const CompositionRecordSchema = z.object({
  id: z.string().regex(/^[\w-]{8,32}$/),
  /** Bumped on every change; a modal opened on an older revision is refused instead of overwriting. */
  revision: z.number().int().nonnegative(),
  ownerId: z.string(),
  guildId: z.string().optional(),
  channelId: z.string(),
  messageId: z.string().optional(),
  prompt: z.string(),
  base: z.enum(BASE_FAMILIES),
  images: z.number().int().min(1).max(16),
  seed: z.number().int().nonnegative(),
  auto: z.boolean().default(false),
  /**
   * Composed where NSFW adapters are allowed (an age-restricted channel the server lets them into): its renders get
   * no SFW negative prompt. A record from before this field is treated as SFW, the safe side.
   */
  ageRestricted: z.boolean().default(false),
  /** Most adapters on one image, as the server's settings said when it was composed (STYLUS_MAX_ADAPTERS when absent). */
  maxAdapters: z.number().int().min(1).max(12).optional(),
  initImageUrl: z.string().url().optional(),
  maskUrl: z.string().url().optional(),
  /** The current choice per task (a swap replaces a task's adapters). */
  tasks: z.array(TaskSchema),
  /** Per task: the other candidates a member may swap in, best first. */
  alternatives: z.array(z.array(z.string())),
  /** A member's weights by adapter id, replacing the recommended weight. */
  weights: z.record(z.string(), z.number().min(MIN_WEIGHT).max(MAX_WEIGHT)).default({}),
  /** Community scores (0..1) of the shown adapters that had ratings when the composition was made. */
  communityScores: z.record(z.string(), z.number().min(0).max(1)).default({}),
  composer: z.enum(['llm', 'offline']),
  /** Why the offline composer answered although an LLM is configured (a deadline, a rate limit...). */
  fallbackReason: z.string().max(200).optional(),
  composeMs: z.number().nonnegative(),
  status: CompositionStatusSchema,
  jobId: z.string().optional(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type CompositionRecord = z.infer<typeof CompositionRecordSchema>;
export type NewComposition = Omit<CompositionRecord, 'id' | 'revision' | 'createdAt' | 'updatedAt'>;

export function newCompositionId(): string {
  return randomBytes(9).toString('base64url');
}

/**
 * Composition records in Keyv. Writes to one record are serialised within the process, and every change bumps
 * the revision; a record that fails validation reads as missing (and is logged), never as a half-valid object.
 */
export class CompositionStore {
  private readonly lock = new KeyedLock();

  constructor(
    private readonly keyv: Keyv,
    private readonly log: Logger,
  ) {}

  async create(input: NewComposition): Promise<CompositionRecord> {
    const now = Date.now();
    const record = CompositionRecordSchema.parse({
      ...input,
      id: newCompositionId(),
      revision: 0,
      createdAt: now,
      updatedAt: now,
    });
    await this.keyv.set(record.id, record, COMPOSITION_TTL_MS);
    return record;
  }

  async get(id: string): Promise<CompositionRecord | undefined> {
    const raw: unknown = await this.keyv.get(id);
    if (raw === undefined) return undefined;
    const parsed = CompositionRecordSchema.safeParse(raw);
    if (!parsed.success) {
      this.log.error({ compositionId: id, issues: parsed.error.issues.slice(0, 3) }, 'stored composition is invalid');
      return undefined;
    }
    return parsed.data;
  }

  /**
   * Applies a change to the stored record. `change` gets a copy and returns the new record (or throws to change
   * nothing); the result is validated before it is written, so a bad change cannot corrupt the record.
   */
  async update(
    id: string,
    change: (record: CompositionRecord) => CompositionRecord | Promise<CompositionRecord>,
  ): Promise<CompositionRecord | undefined> {
    return this.lock.run(id, async () => {
      const current = await this.get(id);
      if (!current) return undefined;
      const changed = await change(structuredClone(current));
      const next = CompositionRecordSchema.parse({
        ...changed,
        id: current.id,
        revision: current.revision + 1,
        createdAt: current.createdAt,
        updatedAt: Date.now(),
      });
      await this.keyv.set(id, next, COMPOSITION_TTL_MS);
      return next;
    });
  }
}
