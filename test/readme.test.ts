import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

/**
 * The README and everything a user runs work from the clone alone: no path outside it, a reference of the commands,
 * the exit statuses, a troubleshooting table, and a LICENSE that matches package.json.
 */
const root = path.resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const readme = read('README.md');
const pkg = JSON.parse(read('package.json')) as { license: string; scripts: Record<string, string> };

function filesUnder(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const relative = path.join(dir, name);
    return statSync(path.join(root, relative)).isDirectory() ? filesUnder(relative) : [relative];
  });
}

/** A README section's text: from its heading to the next heading of the same level. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start, title).toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe('what a user with only the clone reads and runs', () => {
  it('points at nothing outside the clone (no ../shared)', () => {
    const userFacing = [
      'README.md',
      '.env.example',
      'docker-compose.yml',
      'package.json',
      ...filesUnder('src'),
      ...filesUnder('bench'),
      ...filesUnder('commands'),
    ];
    for (const file of userFacing) expect(read(file), file).not.toMatch(/\.\.\/shared|shared\/data/);
  });

  it('keeps the two quick-start commands', () => {
    const quickStart = section('Quick start');
    expect(quickStart).toMatch(/```sh\nnpm ci && npx stylus compose "[^"]+"\n```/);
    expect(quickStart).toContain('```sh\nnpm ci && npm test\n```');
  });

  it('has a command reference with every command the CLI lists', async () => {
    const help = (await runCli(['--help'], {})).stdout;
    const commands = [...help.matchAll(/^ {2}([\w-]+) {2,}/gm)].map((match) => match[1] as string);
    expect(commands.length).toBeGreaterThan(8);
    const reference = section('Command line');
    for (const command of commands) expect(reference, command).toMatch(new RegExp(`\\| \`stylus ${command}\\b`));
    for (const code of ['`0`', '`1`', '`2`', '`3`', '`4`', '`130`']) expect(reference).toContain(code);
  });

  it('has a troubleshooting table built from the expected failures', () => {
    const troubleshooting = section('Troubleshooting');
    for (const failure of [
      'DATA_DIR=... is a file, not a folder',
      'is a folder: give the catalog file itself',
      'Qdrant did not answer at QDRANT_URL',
      'Discord refused DISCORD_TOKEN',
      'No SDXL adapters in the catalog; 4,318 SD 1.5 adapters are: try --base sd1',
      'no render backend is configured',
    ]) {
      expect(troubleshooting).toContain(failure);
    }
  });

  it('says where a Civitai dump and PartiPrompts come from, and the bench and eval take them as arguments', () => {
    const data = readme.slice(readme.indexOf('### Data for the benchmarks'));
    expect(data).toContain('https://civitai.com/api/v1/models');
    expect(data).toContain('PartiPrompts.tsv');
    expect(data).toContain('https://github.com/google-research/parti');
    expect(section('Benchmarks')).toContain('npm run bench -- --dump models.jsonl --prompts PartiPrompts.tsv');
    expect(pkg.scripts.bench).toBe('node --import tsx bench/run.ts');
  });

  it('documents `catalog migrate` under docker compose with a bind mount of the catalog', () => {
    expect(section('Scale out')).toMatch(
      /docker compose run --rm [^\n]*-v "\$PWD\/data:\/catalog" -e DATA_DIR=\/catalog \\\n\s+bot node bin\/stylus\.mjs catalog migrate --to qdrant/,
    );
  });

  it('ships the MIT licence package.json names', () => {
    expect(pkg.license).toBe('MIT');
    const license = read('LICENSE');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} Stylus bot contributors\n/);
    expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
  });

  it('the bench refuses a data file that is not there, naming it, before running anything', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--dump', 'no-such-dump.jsonl'], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^bench: no-such-dump\.jsonl not found\.\nUsage: npm run bench -- --dump <civitai dump\.jsonl>/,
    );
  });
});
