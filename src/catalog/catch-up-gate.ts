/**
 * Lets a serving bot's replies go first. While a reply is being worked out (a hold is taken), the store's background
 * catch-up of other processes' catalog changes waits, for at most `maxDeferralMs` in a row, and resumes as soon as the
 * last hold is released. Only new vectors can wait this way: a query itself applies every change to a record before it
 * answers (see SqliteAdapterStore.catchUp).
 */
export class CatchUpGate {
  /** Called when the last hold is released while the catch-up was waiting. */
  onReopen: (() => void) | undefined;
  private holds = 0;
  private waitingSince: number | undefined;

  constructor(public maxDeferralMs: number) {}

  /** Holds the catch-up back until the returned release is called (once; later calls do nothing). */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      if (this.holds === 0 && this.waitingSince !== undefined) {
        this.waitingSince = undefined;
        this.onReopen?.();
      }
    };
  }

  /** Whether the catch-up may run now. Its wait is counted from the first time this said no. */
  mayRun(): boolean {
    if (this.holds === 0) return true;
    this.waitingSince ??= performance.now();
    return performance.now() - this.waitingSince >= this.maxDeferralMs;
  }

  /** Nothing is left to apply: the next wait is counted afresh. */
  caughtUp(): void {
    this.waitingSince = undefined;
  }
}
