import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedRenderQueue } from '../src/render/embedded-queue.js';
import { openDatabase, type SqliteDatabase } from '../src/storage/sqlite.js';
import { renderJob, renderQueueContract, waitForState } from './contract/render-queue.contract.js';

function sqliteHarness() {
  const dir = mkdtempSync(path.join(tmpdir(), 'stylus-queue-'));
  const file = path.join(dir, 'stylus.db');
  const dbs: SqliteDatabase[] = [];
  const open = async (limits: object) => {
    const db = openDatabase(file);
    dbs.push(db);
    return new EmbeddedRenderQueue(db, limits);
  };
  return {
    open,
    reopen: open,
    async cleanup() {
      for (const db of dbs) if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

renderQueueContract('embedded (SQLite)', sqliteHarness);

describe('embedded queue restarts', () => {
  it('queues again a job that was running when the process died, and renders it', async () => {
    const harness = sqliteHarness();
    try {
      const before = await harness.open({ backoffMs: 10, leaseMs: 300 });
      const job = renderJob();
      await before.enqueue(job);
      let release = () => {};
      let started = () => {};
      const running = new Promise<void>((resolve) => {
        started = resolve;
      });
      const dying = await before.consume(
        async () =>
          new Promise<void>((done) => {
            release = done;
            started();
          }),
      );
      await running;
      expect((await before.status(job.id))?.state).toBe('active');
      // The process dies here: its lease is no longer renewed, nothing marks the job finished. A new process opens
      // the same file and takes the job up once the lease has run out.
      await dying.abandon();
      const after = await harness.reopen({ backoffMs: 10, leaseMs: 300 });
      const seen: number[] = [];
      const consumer = await after.consume(async (_job, context) => void seen.push(context.attempt));
      await waitForState(after, job.id, ['completed']);
      expect(seen).toEqual([2]);
      await consumer.close();
      release();
      expect((await after.status(job.id))?.state).toBe('completed');
    } finally {
      await harness.cleanup();
    }
  });
});
