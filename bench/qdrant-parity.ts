/**
 * Dev check, not part of `npm run bench`: does the Qdrant store rank like the SQLite store? Runs `stylus eval
 * retrieval` on the same dump and queries twice, once on the embedded SQLite store and once with QDRANT_URL pointed
 * at the loopback Qdrant double of the tests (test/support/qdrant-recorder.ts), which scores sparse vectors as
 * Qdrant v1.18 does. No Qdrant server runs here: the Qdrant figures are a SIMULATION of Qdrant's scoring.
 * Prints R@10 of both stores and the mean top-10 overlap.
 * Usage: node --import tsx bench/qdrant-parity.ts --catalog <civitai dump> --queries <retrieval jsonl> [--limit N]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { parseArgs } from 'node:util';
import { evalRetrieval } from '../src/cli/eval-retrieval.js';
import { QdrantRecorder } from '../test/support/qdrant-recorder.js';

const { values } = parseArgs({
  options: { catalog: { type: 'string' }, queries: { type: 'string' }, limit: { type: 'string' } },
});
if (!values.catalog || !values.queries) {
  console.error('Usage: node --import tsx bench/qdrant-parity.ts --catalog <dump> --queries <jsonl> [--limit N]');
  process.exit(1);
}

interface Report {
  store: string;
  variants: Record<string, { recall: Record<string, number> }>;
}

const dir = mkdtempSync(path.join(tmpdir(), 'stylus-qdrant-parity-'));
const double = await QdrantRecorder.start();
double.recordResponses = false;
try {
  const run = async (env: Record<string, string>, out: string): Promise<Report> => {
    const stdout = new PassThrough();
    let text = '';
    stdout.on('data', (chunk) => {
      text += String(chunk);
    });
    const args = ['--catalog', values.catalog as string, '--queries', values.queries as string, '--out', out, '--json'];
    if (values.limit) args.push('--limit', values.limit);
    const code = await evalRetrieval(args, { stdout, stderr: process.stderr, env: { LOG_LEVEL: 'silent', ...env } });
    if (code !== 0) throw new Error(`eval retrieval exited ${code}`);
    return JSON.parse(text) as Report;
  };
  const sqliteOut = path.join(dir, 'sqlite.jsonl');
  const qdrantOut = path.join(dir, 'qdrant.jsonl');
  const sqlite = await run({ DATA_DIR: dir }, sqliteOut);
  const qdrant = await run({ DATA_DIR: dir, QDRANT_URL: double.url }, qdrantOut);
  const top10 = (file: string) =>
    new Map(
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { qid: string; variant: string; ranked: number[] })
        .map((line) => [`${line.qid}|${line.variant}`, line.ranked.slice(0, 10)]),
    );
  const a = top10(sqliteOut);
  const b = top10(qdrantOut);
  let overlap = 0;
  let identical = 0;
  for (const [key, ranked] of a) {
    const other = b.get(key) ?? [];
    const shared = ranked.filter((id) => other.includes(id)).length;
    overlap += shared / Math.max(1, Math.max(ranked.length, other.length));
    if (JSON.stringify(ranked) === JSON.stringify(other)) identical += 1;
  }
  for (const variant of Object.keys(sqlite.variants)) {
    const r10 = (report: Report) => report.variants[variant]?.recall['R@10'] ?? Number.NaN;
    console.log(
      `${variant.padEnd(20)} R@10 sqlite ${r10(sqlite).toFixed(3)}  qdrant (simulated) ${r10(qdrant).toFixed(3)}  ` +
        `difference ${(r10(qdrant) - r10(sqlite)).toFixed(3)}`,
    );
  }
  console.log(
    `top-10 overlap ${((overlap / a.size) * 100).toFixed(1)}%, identical top-10 lists ${((identical / a.size) * 100).toFixed(1)}% ` +
      `(${a.size} rankings); ${double.requests.length} requests to the Qdrant double`,
  );
} finally {
  await double.close();
  rmSync(dir, { recursive: true, force: true });
}
