import type { Writable } from 'node:stream';
import cliProgress from 'cli-progress';
import type { Logger } from '../../log.js';

/** Where a long run reports how far it got. */
export interface ProgressSink {
  /** `total` when known (a line count, a --limit), for the ETA. */
  start(total?: number): void;
  /** One more record handled. */
  tick(): void;
  stop(): void;
}

export const silentProgress: ProgressSink = { start() {}, tick() {}, stop() {} };

/**
 * A bar with rate and ETA on a terminal; plain log lines elsewhere (a bar's carriage returns make a mess of
 * `docker logs` and CI output).
 */
export function progressDisplay(options: {
  label: string;
  stream: Writable & { isTTY?: boolean };
  log: Logger;
  /** Log-line cadence off a terminal. */
  everyRecords?: number;
  everyMs?: number;
}): ProgressSink {
  if (options.stream.isTTY) return terminalBar(options.label, options.stream);
  return logLines(options.label, options.log, options.everyRecords ?? 500, options.everyMs ?? 10_000);
}

function terminalBar(label: string, stream: Writable): ProgressSink {
  let bar: cliProgress.SingleBar | undefined;
  let count = 0;
  let startedAt = 0;
  let total = 0;
  return {
    start(known) {
      startedAt = Date.now();
      total = known ?? 0;
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: `${label} {bar} {value}/{total} | {rate}/s | ETA {eta_formatted}`,
          etaBuffer: 200,
          hideCursor: true,
          noTTYOutput: false,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total || 1, 0, { rate: '0' });
    },
    tick() {
      count += 1;
      const rate = count / Math.max((Date.now() - startedAt) / 1000, 0.001);
      // Unknown totals grow with the count, so the bar still shows the rate.
      if (count > total) bar?.setTotal(count);
      bar?.update(count, { rate: rate.toFixed(rate < 10 ? 1 : 0) });
    },
    stop() {
      bar?.stop();
    },
  };
}

function logLines(label: string, log: Logger, everyRecords: number, everyMs: number): ProgressSink {
  let count = 0;
  let total: number | undefined;
  let startedAt = 0;
  let lastAt = 0;
  const report = (done: boolean) => {
    const seconds = Math.max((Date.now() - startedAt) / 1000, 0.001);
    const rate = count / seconds;
    const etaSeconds = total && rate > 0 ? Math.max(0, (total - count) / rate) : undefined;
    log.info(
      {
        stage: label,
        records: count,
        total,
        ratePerSecond: Number(rate.toFixed(1)),
        etaSeconds: etaSeconds && Math.round(etaSeconds),
      },
      done ? `${label} finished` : `${label} progress`,
    );
  };
  return {
    start(known) {
      total = known;
      startedAt = Date.now();
      lastAt = startedAt;
    },
    tick() {
      count += 1;
      const now = Date.now();
      if (count % everyRecords === 0 || now - lastAt >= everyMs) {
        lastAt = now;
        report(false);
      }
    },
    stop() {
      report(true);
    },
  };
}
