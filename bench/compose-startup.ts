/**
 * `stylus compose` as a whole process: what an admin waits for, from `node bin/stylus.mjs compose "<prompt>"
 * --base sd1` to its exit, against a 5K catalog grown from a real dump (bench/realistic-catalog.ts). Module loading,
 * opening the catalog and the first (cold) composition are all in it. Reports wall and CPU (user + system, all
 * threads, read by the child itself at exit) p50 over `--runs` runs, after one run that warms the file cache.
 * Target: 0.6 s. The built CLI is measured, so dist/ is rebuilt first when src/ is newer.
 * Usage: node --import tsx bench/compose-startup.ts --dump FILE [--prompts FILE] [--runs 10] [--adapters 5000]
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { catalogFile, readPrompts } from './realistic-catalog.js';
import { report, summarise } from './synthetic.js';

const { values } = parseArgs({
  options: {
    dump: { type: 'string' },
    prompts: { type: 'string' },
    runs: { type: 'string', default: '10' },
    adapters: { type: 'string', default: '5000' },
  },
});
if (!values.dump) throw new Error('bench/compose-startup: pass --dump FILE');
const runs = Number(values.runs);
const adapters = Number(values.adapters);
const ROOT = path.resolve(import.meta.dirname, '..');
const TARGET_S = 0.6;
const DEFAULT_PROMPT = 'a corgi astronaut floating in space, ukiyo-e woodblock print style';
const prompts = values.prompts ? readPrompts(values.prompts) : [DEFAULT_PROMPT];

/** Newest modification time under a folder (ms). */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

/** bin/stylus.mjs runs dist/: build it when the sources changed since, so the numbers are of this code. */
function ensureBuilt(): void {
  const compiled = path.join(ROOT, 'dist/src/cli.js');
  let builtAt = 0;
  try {
    builtAt = statSync(compiled).mtimeMs;
  } catch {
    // Not built yet.
  }
  if (builtAt >= Math.max(newest(path.join(ROOT, 'src')), newest(path.join(ROOT, 'commands')))) return;
  process.stderr.write('bench/compose-startup: dist/ is older than src/, building it first\n');
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

/**
 * The child reports its own CPU time at exit on file descriptor 3 (getrusage of the whole process: every thread,
 * start-up included), which a parent cannot read for a child in Node.
 */
const REPORT_CPU = `data:text/javascript,${encodeURIComponent(
  "import { writeSync } from 'node:fs'; process.on('exit', () => { const u = process.cpuUsage(); writeSync(3, String((u.user + u.system) / 1000)); });",
)}`;

async function composeOnce(dataDir: string, prompt: string): Promise<{ wallMs: number; cpuMs: number }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', REPORT_CPU, path.join(ROOT, 'bin/stylus.mjs'), 'compose', prompt, '--base', 'sd1', '--seed', '1'],
    {
      cwd: dataDir,
      // A clean environment: no OpenAI settings (the offline composer), no .env of the checkout.
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, STYLUS_SEED_CATALOG: 'false' },
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  let cpu = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  child.stdio[3]?.on('data', (chunk) => {
    cpu += String(chunk);
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`stylus compose exited with ${code}: ${stderr.trim()}`);
  return { wallMs, cpuMs: Number(cpu) };
}

ensureBuilt();
const { file } = await catalogFile(values.dump, adapters);
const dataDir = mkdtempSync(path.join(tmpdir(), 'stylus-bench-startup-'));
try {
  copyFileSync(file, path.join(dataDir, 'stylus.db'));
  await composeOnce(dataDir, DEFAULT_PROMPT);
  const samples: { wallMs: number; cpuMs: number }[] = [];
  for (let index = 0; index < runs; index++) {
    samples.push(await composeOnce(dataDir, prompts[index % prompts.length] ?? DEFAULT_PROMPT));
  }
  const wall = summarise(samples.map((sample) => sample.wallMs));
  const cpu = summarise(samples.map((sample) => sample.cpuMs));
  report({
    bench: 'compose_startup',
    command: 'stylus compose "<prompt>" --base sd1',
    adapters,
    runs,
    wall_p50_s: Math.round(wall.p50) / 1000,
    cpu_p50_s: Math.round(cpu.p50) / 1000,
    wall_max_s: Math.round(Math.max(...samples.map((sample) => sample.wallMs))) / 1000,
    target_s: TARGET_S,
    load_1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  });
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
