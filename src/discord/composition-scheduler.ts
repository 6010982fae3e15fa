/** Compositions of one guild that may wait on the LLM at once; more wait for a slot (within their deadline). */
export const COMPOSITIONS_PER_GUILD = 4;
/** The longest a member waits for a composition: then the offline composer answers. Far inside Discord's 15 minutes. */
export const MAX_COMPOSE_DEADLINE_MS = 30_000;

/**
 * Runs compositions side by side, so one slow LLM call never delays another member: each gets an AbortSignal that
 * fires at its deadline (the LLM call is dropped and the offline composer answers), and a guild holds at most
 * `perGuild` slots, so one busy server cannot take every LLM request.
 */
export class CompositionScheduler {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(
    private readonly deadlineMs: number,
    private readonly perGuild = COMPOSITIONS_PER_GUILD,
  ) {}

  async run<T>(guildId: string, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const signal = AbortSignal.timeout(this.deadlineMs);
    // A member whose deadline passes while waiting for a slot still runs, with the signal already aborted: offline.
    const slot = await this.acquire(guildId, signal);
    try {
      return await task(signal);
    } finally {
      if (slot) this.release(guildId);
    }
  }

  private async acquire(guildId: string, signal: AbortSignal): Promise<boolean> {
    if ((this.running.get(guildId) ?? 0) < this.perGuild) {
      this.running.set(guildId, (this.running.get(guildId) ?? 0) + 1);
      return true;
    }
    return new Promise<boolean>((resolve) => {
      const queue = this.waiting.get(guildId) ?? [];
      const onTurn = () => {
        signal.removeEventListener('abort', onTimeout);
        resolve(true);
      };
      const onTimeout = () => {
        const index = queue.indexOf(onTurn);
        if (index >= 0) queue.splice(index, 1);
        resolve(false);
      };
      queue.push(onTurn);
      this.waiting.set(guildId, queue);
      signal.addEventListener('abort', onTimeout, { once: true });
    });
  }

  /** Hands the slot to the next waiting composition of the guild, or frees it. */
  private release(guildId: string): void {
    const next = this.waiting.get(guildId)?.shift();
    if (next) {
      next();
      return;
    }
    const count = (this.running.get(guildId) ?? 1) - 1;
    if (count > 0) this.running.set(guildId, count);
    else this.running.delete(guildId);
    if (this.waiting.get(guildId)?.length === 0) this.waiting.delete(guildId);
  }
}
