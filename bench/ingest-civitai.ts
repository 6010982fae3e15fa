/**
 * Ingests a Civitai dump (a JSONL file of raw API items: the README's was 5,054) into the embedded store in a
 * temporary DATA_DIR, without refine or embed, and prints the rate. Target: 5,000 items in under 60 s.
 *
 *   node --import tsx bench/ingest-civitai.ts <path-to-jsonl>
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ingestRecords } from '../src/catalog/ingest/ingest.js';
import { IngestState } from '../src/catalog/ingest/state.js';
import { civitaiDumpRecords } from '../src/catalog/sources/civitai.js';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import { silentLogger } from '../src/log.js';
import { databasePath, openDatabase } from '../src/storage/sqlite.js';

const dump = process.argv[2];
if (!dump || !existsSync(dump)) {
  console.error(`bench/ingest-civitai: ${dump ? `${dump} not found` : 'give the path of a Civitai JSONL dump'}.`);
  process.exit(2);
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'stylus-bench-ingest-'));
try {
  const db = openDatabase(databasePath(dataDir));
  const store = new SqliteAdapterStore(db);
  const state = new IngestState(db);
  const started = performance.now();
  const report = await ingestRecords(civitaiDumpRecords(dump), { store, state, log: silentLogger, title: 'first run' });
  const seconds = (performance.now() - started) / 1000;
  const read = report.get('read');
  console.error(report.lines(5).join('\n'));
  console.log(
    JSON.stringify({
      bench: 'ingest_civitai',
      run: 'first',
      records: read,
      seconds: Number(seconds.toFixed(2)),
      records_per_s: Math.round(read / seconds),
      target_seconds: 60,
    }),
  );

  const rerunStarted = performance.now();
  const rerun = await ingestRecords(civitaiDumpRecords(dump), { store, state, log: silentLogger, title: 'rerun' });
  const rerunSeconds = (performance.now() - rerunStarted) / 1000;
  console.log(
    JSON.stringify({
      bench: 'ingest_civitai',
      run: 'rerun, nothing changed',
      records: rerun.get('read'),
      unchanged: rerun.get('unchanged'),
      seconds: Number(rerunSeconds.toFixed(2)),
      records_per_s: Math.round(rerun.get('read') / rerunSeconds),
      catalog: await store.count({ allowNsfw: true, allowRealPerson: true }),
    }),
  );
  await store.close();
  db.close();
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
