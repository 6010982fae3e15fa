import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, runStylusProcess } from './support/cli.js';

const root = mkdtempSync(path.join(tmpdir(), 'stylus-exit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A loopback port nothing listens on: an endpoint that never answers. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const record = (id: string) =>
  JSON.stringify({
    id,
    source: 'local',
    name: id,
    baseFamily: 'sdxl',
    category: 'style',
    fileName: `${id}.safetensors`,
  });

describe('exit status: a run where everything failed is not a success', () => {
  it('`ingest civitai --dump` on a file that is no dump: 30 of 30 failed, exit 4 with the summary', async () => {
    const notADump = path.join(root, 'passwd');
    writeFileSync(
      notADump,
      Array.from({ length: 30 }, (_, index) => `user${index}:x:${1000 + index}:1000::/home/user${index}:/bin/sh`).join(
        '\n',
      ),
    );
    const run = await runStylusProcess(['ingest', 'civitai', '--dump', notADump], {
      env: { DATA_DIR: path.join(root, 'dump-data') },
    });
    expect(run.code).toBe(4);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('ingest civitai: 30 read, 30 failed');
    expect(lines[1]).toMatch(/^ {2}malformed-json: 30 \(passwd:1, passwd:2, /);
    expect(lines.at(-1)).toBe(
      `All 30 failed: is ${notADump} a Civitai dump (a JSONL file of /api/v1/models items, or a folder of item files)?`,
    );
  });

  it('`ingest local` on a folder of 8 broken .safetensors files: exit 4', async () => {
    const folder = path.join(root, 'broken-loras');
    mkdirSync(folder);
    for (let index = 0; index < 8; index++) {
      // A header length that runs past the end of the file, as a download cut short leaves it.
      const bytes = Buffer.alloc(16);
      bytes.writeBigUInt64LE(BigInt(4096 + index));
      writeFileSync(path.join(folder, `cut-${index}.safetensors`), bytes);
    }
    const run = await runCli(['ingest', 'local', folder], { DATA_DIR: path.join(root, 'local-data') });
    expect(run.code).toBe(4);
    expect(run.stdout).toMatch(/^ingest local: 8 read, 8 failed\n/);
    expect(run.stdout).toMatch(/All 8 failed: are the files in .*broken-loras LoRA \.safetensors files/);
  });

  it('`embed` against an endpoint that never answers: 5 of 5 failed, exit 4 naming OPENAI_BASE_URL', async () => {
    const dataDir = path.join(root, 'embed-data');
    const file = path.join(root, 'five.jsonl');
    writeFileSync(file, ['a', 'b', 'c', 'd', 'e'].map((id) => record(`local:${id}`)).join('\n'));
    expect((await runCli(['catalog', 'load', file], { DATA_DIR: dataDir })).code).toBe(0);
    const url = `http://127.0.0.1:${await deadPort()}/v1`;
    const run = await runCli(['embed'], {
      DATA_DIR: dataDir,
      OPENAI_BASE_URL: url,
      STYLUS_EMBEDDING_MODEL: 'text-embedding-3-small',
    });
    expect(run.code).toBe(4);
    expect(run.stdout).toMatch(/^embed: 5 failed\n/);
    expect(run.stdout).toContain(
      `All 5 failed: check that OPENAI_BASE_URL (${url}) answers and serves STYLUS_EMBEDDING_MODEL (text-embedding-3-small)`,
    );
  });

  it('`catalog load`: some lines bad is 3, every line bad is 4, all good is 0', async () => {
    const dataDir = path.join(root, 'load-data');
    const load = async (lines: string[]) => {
      const file = path.join(root, `load-${lines.length}-${Math.random()}.jsonl`);
      writeFileSync(file, lines.join('\n'));
      return (await runCli(['catalog', 'load', file], { DATA_DIR: dataDir })).code;
    };
    expect(await load([record('local:x'), '{ broken'])).toBe(3);
    expect(await load(['{ broken', '[]'])).toBe(4);
    expect(await load([record('local:y')])).toBe(0);
  });
});
