import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { parseArgs } from 'node:util';
import { main } from '../src/cli.js';

/**
 * What members would see on a real catalog, as an admin builds it: the Civitai dump ingested with `--allow-nsfw`
 * (so the flagged adapters are in the catalog and the retrieval filter must keep them out), then `stylus eval
 * compose --labels <Stylus labels> --base sd1` on a channel that is not age-restricted.
 *
 * Usage: node --import tsx bench/compose-quality.ts --dump <civitai dump.jsonl> --labels <labels.jsonl>
 */
const { values } = parseArgs({ options: { dump: { type: 'string' }, labels: { type: 'string' } } });
if (!values.dump || !values.labels) {
  console.error('Usage: node --import tsx bench/compose-quality.ts --dump <dump.jsonl> --labels <labels.jsonl>');
  process.exit(2);
}

async function stylus(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (chunk) => {
    out += String(chunk);
  });
  const code = await main(args, { stdout, stderr: new PassThrough(), env: { ...process.env, ...env } });
  return { code, stdout: out };
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-compose-'));
try {
  const env = { DATA_DIR: dataDir, STYLUS_SEED_CATALOG: 'false', LOG_LEVEL: 'silent' };
  const ingest = await stylus(['ingest', 'civitai', '--dump', values.dump, '--allow-nsfw'], env);
  if (ingest.code !== 0) throw new Error(`ingest exited ${ingest.code}`);
  const run = await stylus(['eval', 'compose', '--labels', values.labels, '--base', 'sd1', '--json'], env);
  if (run.code !== 0) throw new Error(`eval compose exited ${run.code}`);
  const lines = run.stdout.trim().split('\n');
  const scores = JSON.parse(lines[lines.length - 1] ?? '{}');
  const recall = scores.stylus_pick_recall;
  const image = scores.adapters_on_image_1;
  const row = (metric: string, value: unknown, target: string) =>
    console.log(JSON.stringify({ bench: 'compose_quality', metric, value, target }));
  row('compositions', scores.rows, '');
  row('character intrusion (share)', scores.character_intrusion, '<= 0.02');
  row('Stylus-pick recall', `${recall.recall} (${recall.recalled}/${recall.picks})`, '>= 0.55');
  row('LoRAs on image 1 (mean / p95 / max)', `${image.mean} / ${image.p95} / ${image.max}`, `max <= ${image.cap}`);
  row('share above the cap', image.share_above_cap, '0');
  row('empty compositions (share)', scores.empty_share, '');
  row('SFW count (flagged adapters shown)', scores.sfw_count, '0');
  row(
    'time per composition, ms (p50 / p95 / p99)',
    `${scores.timings_ms.p50} / ${scores.timings_ms.p95} / ${scores.timings_ms.p99}`,
    '',
  );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
