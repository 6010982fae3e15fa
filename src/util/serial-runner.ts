/**
 * Runs CPU-heavy tasks one at a time, each starting in its own macrotask. The embedded stores answer synchronously,
 * so a composition never yields to the event loop on its own; twenty of them resumed in one poll phase would block
 * it for half a second, and with it every pending Discord acknowledgement. Between two tasks the loop serves I/O.
 */
export class SerialRunner {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(() => new Promise<void>((resolve) => setImmediate(resolve))).then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
