import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { errorMessage } from '../errors.js';
import type { RenderBackend } from './backends/types.js';

/**
 * What a `stylus worker` process is doing, in a small file under DATA_DIR: its healthcheck (`stylus worker
 * --health`, the compose healthcheck) reads it and says why a worker takes no jobs.
 */
export interface WorkerStatus {
  state: 'waiting' | 'ready';
  /** One sentence: what it waits for and what to do, or what it serves. */
  reason: string;
  pid: number;
  updatedAt: string;
}

export function workerStatusFile(dataDir: string): string {
  return path.join(dataDir, 'worker-status.json');
}

export function writeWorkerStatus(dataDir: string, state: WorkerStatus['state'], reason: string): void {
  const file = workerStatusFile(dataDir);
  const status: WorkerStatus = { state, reason, pid: process.pid, updatedAt: new Date().toISOString() };
  // Written beside and renamed over: a healthcheck never reads half a file.
  writeFileSync(`${file}.tmp`, `${JSON.stringify(status)}\n`);
  renameSync(`${file}.tmp`, file);
}

export function readWorkerStatus(dataDir: string): WorkerStatus | undefined {
  try {
    return JSON.parse(readFileSync(workerStatusFile(dataDir), 'utf8')) as WorkerStatus;
  } catch {
    return undefined;
  }
}

/** The backend and the setting that names it, as an admin reads them: `ComfyUI at http://comfyui:8188 (COMFYUI_URL)`. */
export function describeBackend(config: Config, backend: RenderBackend): string {
  return backend.name === 'comfyui'
    ? `ComfyUI at ${config.COMFYUI_URL} (COMFYUI_URL)`
    : `AUTOMATIC1111 at ${config.A1111_URL} (A1111_URL)`;
}

export const NO_BACKEND_REASON =
  'no render backend is configured: set COMFYUI_URL or A1111_URL (in .env), then restart the worker';

/**
 * Asks the backend for its checkpoints until it answers: a ComfyUI that starts after the worker (the compose
 * profile, a reboot) is waited for, with one line when the wait starts, instead of the worker exiting and restarting
 * in a loop. Returns false when `signal` stopped the wait.
 */
export async function waitForBackend(
  backend: RenderBackend,
  options: {
    signal: AbortSignal;
    onWaiting: (reason: string) => void;
    firstDelayMs?: number;
    maxDelayMs?: number;
  },
): Promise<boolean> {
  let delay = options.firstDelayMs ?? 1_000;
  let lastReason: string | undefined;
  while (!options.signal.aborted) {
    try {
      await backend.listCheckpoints(AbortSignal.any([options.signal, AbortSignal.timeout(15_000)]));
      return true;
    } catch (error) {
      if (options.signal.aborted) return false;
      const reason = errorMessage(error);
      if (reason !== lastReason) options.onWaiting(reason);
      lastReason = reason;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      options.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
    delay = Math.min(delay * 2, options.maxDelayMs ?? 15_000);
  }
  return false;
}
