import { getPriority, setPriority } from 'node:os';
import type { Logger } from 'pino';

/**
 * Batch commands (ingest, embed, refine, catalog migrate) usually run on the machine whose bot serves members, and
 * on two cores they took the core a reply was waiting for. Such a command lowers its own CPU priority (a nice value,
 * as `nice -n 10 stylus embed` would): it still gets every idle cycle, and it only waits while the bot works.
 * Lowering one's own priority needs no privilege; where the system refuses anyway, the command runs as it is.
 */
export function yieldCpuToServing(nice: number, log: Logger): void {
  if (nice <= 0) return;
  try {
    if (getPriority() < nice) setPriority(nice);
  } catch (error) {
    log.debug({ err: error, nice }, 'could not lower the CPU priority of this batch command; it runs as it is');
  }
}
