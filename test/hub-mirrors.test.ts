import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildSafetensors } from '../src/catalog/safetensors.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import type { RenderLora } from '../src/render/job.js';
import { type LoraCache, loraCacheFromConfig } from '../src/render/lora-cache.js';
import { openDatabase, type SqliteDatabase } from '../src/storage/sqlite.js';
import { FakeCivitai } from './support/fake-civitai.js';
import { FakeFileHost } from './support/fake-file-host.js';
import { FakeHuggingFace } from './support/fake-huggingface.js';

/**
 * Hub mirrors (issue 12): the catalog keeps the public addresses (https://huggingface.co/..., https://civitai.com/...),
 * and the worker's LoRA cache, built from config as `stylus worker` builds it, downloads them from HF_ENDPOINT and
 * CIVITAI_API_URL: here loopback hubs that redirect to a loopback storage host, as the real ones redirect to their
 * CDNs. Each token goes to its own hub only; pickles and wrong hashes are refused on this path too.
 */

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('hub mirrors: downloads go to HF_ENDPOINT and CIVITAI_API_URL', { timeout: 30_000 }, () => {
  let dir: string;
  let db: SqliteDatabase;
  let hf: FakeHuggingFace;
  let civitai: FakeCivitai;
  let cdn: FakeFileHost;
  let cache: LoraCache;
  const ink = buildSafetensors({ ss_output_name: 'ink' }, { 'lora.down.weight': new Float32Array([0.5, 0.25]) });
  const snow = buildSafetensors({ ss_output_name: 'snow' }, { 'lora.down.weight': new Float32Array([0.75]) });

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'stylus-mirror-'));
    db = openDatabase(path.join(dir, 'stylus.db'));
    cdn = await FakeFileHost.start();
    hf = await FakeHuggingFace.start([
      { id: 'someone/ink-lora', tags: ['lora'], siblings: [{ rfilename: 'ink.safetensors' }], gated: 'auto' },
    ]);
    hf.token = 'hf_secret_token';
    hf.files.set('someone/ink-lora/ink.safetensors', cdn.put('lfs/ink', { data: ink, fileName: 'ink.safetensors' }));
    civitai = await FakeCivitai.start([]);
    civitai.downloadToken = 'civitai_secret_key';
    civitai.downloads.set('1001', cdn.put('models/1001', { data: snow, fileName: 'snow_v1.safetensors' }));
    civitai.downloads.set('1002', cdn.put('models/1002', { data: snow, fileName: 'tweak_v2.ckpt' }));
    const config = loadConfig({
      DATA_DIR: dir,
      LORA_DIR: path.join(dir, 'loras'),
      HF_ENDPOINT: hf.url,
      HF_TOKEN: 'hf_secret_token',
      CIVITAI_API_URL: civitai.url,
      CIVITAI_TOKEN: 'civitai_secret_key',
      STYLUS_ALLOWED_DOWNLOAD_HOSTS: cdn.host,
    });
    cache = loraCacheFromConfig(config, db, silentLogger) as LoraCache;
  });

  afterEach(async () => {
    await Promise.all([hf.close(), civitai.close(), cdn.close()]);
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const hfLora = (overrides: Partial<RenderLora> = {}): RenderLora => ({
    adapterId: 'hf:someone/ink-lora',
    fileName: 'hf-someone--ink-lora.safetensors',
    weight: 0.8,
    source: 'huggingface',
    downloadUrl: 'https://huggingface.co/someone/ink-lora/resolve/main/ink.safetensors',
    sha256: sha256(ink),
    ...overrides,
  });
  const civitaiLora = (version: string, overrides: Partial<RenderLora> = {}): RenderLora => ({
    adapterId: `civitai:${version}`,
    fileName: `civitai-${version}.safetensors`,
    weight: 0.8,
    source: 'civitai',
    downloadUrl: `https://civitai.com/api/download/models/${version}`,
    sha256: sha256(snow),
    ...overrides,
  });

  it('downloads a huggingface.co adapter from HF_ENDPOINT, with HF_TOKEN sent to the hub only', async () => {
    const file = await cache.ensure(hfLora());
    expect(sha256(Buffer.from(await import('node:fs/promises').then((fs) => fs.readFile(file))))).toBe(sha256(ink));
    const resolve = hf.requests.filter((request) => request.path.includes('/resolve/'));
    expect(resolve.map((request) => [request.path, request.authorization])).toEqual([
      ['/someone/ink-lora/resolve/main/ink.safetensors', 'Bearer hf_secret_token'],
    ]);
    expect(cdn.requests.map((request) => [request.path, request.authorization])).toEqual([['/lfs/ink', undefined]]);
  });

  it('downloads a civitai.com adapter from CIVITAI_API_URL, with CIVITAI_TOKEN sent to the hub only', async () => {
    const file = await cache.ensure(civitaiLora('1001'));
    expect(path.basename(file)).toBe('civitai-1001.safetensors');
    expect(civitai.requests.map((request) => [request.path, request.authorization])).toEqual([
      ['/api/download/models/1001', 'Bearer civitai_secret_key'],
    ]);
    expect(cdn.requests.map((request) => request.authorization)).toEqual([undefined]);
    expect(hf.requests).toEqual([]);
  });

  it('refuses a pickle served by the mirror and keeps nothing of it', async () => {
    const error = await cache.ensure(civitaiLora('1002')).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'lora_refused', retriable: false });
    expect(existsSync(path.join(dir, 'loras', 'civitai-1002.safetensors'))).toBe(false);
  });

  it('deletes a file whose hash differs from the catalog', async () => {
    const error = await cache.ensure(hfLora({ sha256: 'f'.repeat(64) })).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'lora_invalid', retriable: false });
    expect(readdirSync(path.join(dir, 'loras'))).toEqual([]);
  });
});
