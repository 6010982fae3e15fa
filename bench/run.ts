/**
 * `npm run bench`: runs every benchmark in its own process (so peak memory is per benchmark), prints one JSON object
 * per line, and writes BENCHMARKS.md with the machine, the date and the numbers. Speed claims live here, never in tests.
 * Usage: npm run bench -- --dump <civitai dump.jsonl> [--prompts <PartiPrompts.tsv>] [--labels <labels.jsonl>] [--quick]
 * The benchmarks that read real data take it from these files (README, "Benchmarks", says where to get them); the
 * others make their own. A benchmark that cannot run is skipped, and the end of the run says which and why.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const USAGE =
  'Usage: npm run bench -- --dump <civitai dump.jsonl> [--prompts <PartiPrompts.tsv>] [--labels <stylus labels.jsonl>] [--quick]';
let args: { quick?: boolean; dump?: string; prompts?: string; labels?: string };
try {
  args = parseArgs({
    options: {
      quick: { type: 'boolean' },
      dump: { type: 'string' },
      prompts: { type: 'string' },
      labels: { type: 'string' },
    },
  }).values;
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
  process.exit(2);
}
for (const file of [args.dump, args.prompts, args.labels]) {
  if (file !== undefined && !existsSync(file)) {
    process.stderr.write(`bench: ${file} not found.\n${USAGE}\n`);
    process.exit(2);
  }
}
const quick = args.quick === true;
const root = path.resolve(import.meta.dirname, '..');
const dump = args.dump ? path.resolve(args.dump) : undefined;
const prompts = args.prompts ? path.resolve(args.prompts) : undefined;
const labels = args.labels ? path.resolve(args.labels) : undefined;
const data = [...(dump ? ['--dump', dump] : []), ...(prompts ? ['--prompts', prompts] : [])];

interface Step {
  title: string;
  script: string;
  args: string[];
  /** Why it cannot run, if it cannot (a data file not given). */
  missing?: string;
}

const needsDump = dump ? undefined : 'needs a Civitai dump: --dump <file.jsonl>';
const needsDumpAndPrompts =
  needsDump ?? (prompts ? undefined : 'needs PartiPrompts (or one prompt a line): --prompts <file.tsv>');

const steps: Step[] = [
  {
    title: 'Composition at Civitai scale (catalogs grown from the dump, PartiPrompts, offline composer, BM25)',
    script: 'bench/catalog-scale.ts',
    args: [
      ...data,
      ...(quick ? ['--sizes', '5000,75000', '--queries', '200'] : ['--sizes', '5000,75000,300000', '--soak', '10000']),
    ],
    missing: needsDumpAndPrompts,
  },
  {
    title: '`stylus compose` as a whole process: start-up, opening a 5K catalog and one cold composition',
    script: 'bench/compose-startup.ts',
    args: [...data, ...(quick ? ['--runs', '5'] : [])],
    missing: needsDump,
  },
  {
    title: 'Dense search: exact (proven int8 pass, f32 re-scoring) against the bandwidth bound; the HNSW option',
    script: 'bench/dense-scan.ts',
    args: quick ? ['--rows', '20000', '--hnsw-rows', '5000', '--queries', '20'] : ['--hnsw-rows', '10000'],
  },
  {
    title: 'No stalls on writes: /imagine while stylus ingest and stylus embed write the same catalog',
    script: 'bench/write-stall.ts',
    args: [...data, ...(quick ? ['--adapters', '5000', '--dims', '256'] : ['--adapters', '30000'])],
    missing: needsDumpAndPrompts,
  },
  {
    title: 'Retrieval latency (catalogs grown from the dump; hybrid with random 1024-d vectors)',
    script: 'bench/retrieval.ts',
    args: [...data, ...(quick ? ['--sizes', '10000', '--queries', '50'] : ['--sizes', '10000,30000,75000'])],
    missing: needsDumpAndPrompts,
  },
  {
    title: `Composer request size (${prompts ? 'PartiPrompts' : "the dump's example prompts"} x Civitai catalog)`,
    script: 'bench/composer-tokens.ts',
    args: [
      '--prompts',
      quick ? '50' : '300',
      ...(dump ? ['--catalog', dump] : []),
      ...(prompts ? ['--parti', prompts] : []),
    ],
    missing: needsDump,
  },
  {
    title: 'Ingestion of the Civitai dump',
    script: 'bench/ingest-civitai.ts',
    args: dump ? [dump] : [],
    missing: needsDump,
  },
  {
    title: 'What members see: composition quality on the Civitai dump (stylus eval compose, offline, --base sd1)',
    script: 'bench/compose-quality.ts',
    args: [...(dump ? ['--dump', dump] : []), ...(labels ? ['--labels', labels] : [])],
    missing: needsDump ?? (labels ? undefined : 'needs the Stylus labels of PartiPrompts: --labels <file.jsonl>'),
  },
  { title: 'Render queue overhead', script: 'bench/queue.ts', args: quick ? ['--quick'] : [] },
  {
    title: 'Interaction acknowledgement (fake Discord)',
    script: 'bench/interaction-ack.ts',
    args: [...data, ...(quick ? ['--count', '50'] : [])],
    missing: needsDumpAndPrompts,
  },
];

function runStep(step: Step): Promise<{ results: Record<string, unknown>[]; error?: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', step.script, ...step.args], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk);
    });
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    child.on('close', (code) => {
      const results: Record<string, unknown>[] = [];
      for (const line of stdout.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          results.push(parsed);
          process.stdout.write(`${line}\n`);
        } catch {
          // Not a result line.
        }
      }
      resolve(
        code === 0 ? { results } : { results, error: `exit ${code}: ${stderr.trim().split('\n').slice(-3).join(' ')}` },
      );
    });
  });
}

/** File arguments by their name only: BENCHMARKS.md must not carry this machine's paths. */
function shown(arg: string): string {
  return path.isAbsolute(arg) ? path.basename(arg) : arg;
}

function table(rows: Record<string, unknown>[]): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))].filter((column) => column !== 'bench');
  const header = `| bench | ${columns.join(' | ')} |`;
  const rule = `| --- | ${columns.map(() => '---').join(' | ')} |`;
  const body = rows.map(
    (row) =>
      `| ${row.bench} | ${columns.map((column) => (row[column] === undefined ? '' : String(row[column]))).join(' | ')} |`,
  );
  return [header, rule, ...body].join('\n');
}

const started = Date.now();
const sections: string[] = [];
const skipped: string[] = [];
let failed = 0;
for (const step of steps) {
  const missing = existsSync(path.join(root, step.script)) ? step.missing : `${step.script} is missing`;
  if (missing) {
    sections.push(`## ${step.title}\n\nSkipped: ${missing}.`);
    skipped.push(`${step.script} (${missing})`);
    process.stderr.write(`bench: skipped ${step.script}: ${missing}\n`);
    continue;
  }
  process.stderr.write(`bench: ${step.title}...\n`);
  const stepStarted = Date.now();
  const { results, error } = await runStep(step);
  if (error) failed++;
  const seconds = ((Date.now() - stepStarted) / 1000).toFixed(1);
  sections.push(
    `## ${step.title}\n\n\`node --import tsx ${step.script} ${step.args.map(shown).join(' ')}\` (${seconds} s)\n\n${results.length ? table(results) : 'No results.'}${error ? `\n\nFailed: ${error}` : ''}`,
  );
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const machine = `${os.type()} ${os.release()}, ${os.cpus().length} x ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const markdown = `# Benchmarks

Written by \`npm run bench\`${quick ? ' (--quick)' : ''} on ${new Date().toISOString().slice(0, 10)}, ${machine}.
Load average at the end: ${os
  .loadavg()
  .map((value) => value.toFixed(2))
  .join(', ')}. Total ${((Date.now() - started) / 1000).toFixed(0)} s.

The machine is shared: other sessions load its two cores (load average above), so wall-clock latencies include
waiting for a core. CPU time per composition is reported beside wall time where it matters; it is what this code
costs, wall time is what a member would have seen on this machine at that moment.

Compare like with like: the Stylus paper's 12.1 s per prompt (retriever 1.1 s + composer 8.5 s + adapter loading
2.5 s, arXiv 2404.18928) includes an LLM call of about 20K prompt tokens and loading LoRA weights on a GPU. This
machine has neither: the composition figures below are the offline composer over BM25 (no LLM, no GPU), so they
compare with the paper's retriever stage and the work around it, not with its 12.1 s. The composer's request size
is measured (in tokens) instead of its latency. Latencies are in milliseconds (p50/p95/p99 over n runs).

${sections.join('\n\n')}
`;
writeFileSync(path.join(root, 'BENCHMARKS.md'), markdown);
process.stderr.write(`bench: wrote BENCHMARKS.md${failed ? `; ${failed} benchmark(s) failed` : ''}\n`);
if (skipped.length > 0) {
  process.stderr.write(`bench: skipped ${skipped.length} of ${steps.length}: ${skipped.join('; ')}\n${USAGE}\n`);
}
process.exitCode = failed ? 1 : 0;
