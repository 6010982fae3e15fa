import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAdapter } from './support/adapters.js';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Runs one `stylus` command in a process of its own and returns its exit code and its CPU priority after it. */
function priorityAfter(args: string[], env: Record<string, string>) {
  const script = `import { getPriority } from 'node:os';
    import { main } from './src/cli.ts';
    const code = await main(${JSON.stringify(args)});
    process.stdout.write('\\n' + JSON.stringify({ code, priority: getPriority() }));`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', STYLUS_SEED_CATALOG: 'false', HOME: tmpdir(), ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`stylus ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as { code: number; priority: number };
}

describe('batch commands yield the CPU to a bot on the same machine', { timeout: 60_000 }, () => {
  let dir: string;
  let catalog: string;
  const started = getPriority();
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'stylus-nice-'));
    catalog = path.join(dir, 'catalog.jsonl');
    writeFileSync(catalog, `${JSON.stringify(makeAdapter({ id: 'hf:nice/lantern', name: 'Paper Lantern' }))}\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs `stylus catalog load` at nice 10 by default, and at the STYLUS_BATCH_NICE an admin sets', () => {
    const byDefault = priorityAfter(['catalog', 'load', catalog], { DATA_DIR: path.join(dir, 'a') });
    expect(byDefault).toEqual({ code: 0, priority: Math.max(started, 10) });
    const set = priorityAfter(['catalog', 'load', catalog], { DATA_DIR: path.join(dir, 'b'), STYLUS_BATCH_NICE: '15' });
    expect(set).toEqual({ code: 0, priority: Math.max(started, 15) });
  });

  it('leaves the priority alone with STYLUS_BATCH_NICE=0, and for a command a member waits on', () => {
    const off = priorityAfter(['catalog', 'load', catalog], { DATA_DIR: path.join(dir, 'c'), STYLUS_BATCH_NICE: '0' });
    expect(off).toEqual({ code: 0, priority: started });
    const compose = priorityAfter(['compose', 'a paper lantern', '--json'], { DATA_DIR: path.join(dir, 'c') });
    expect(compose.priority).toBe(started);
  });
});
