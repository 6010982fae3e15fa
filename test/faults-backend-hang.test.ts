import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildSafetensors } from '../src/catalog/safetensors.js';
import { A1111Backend } from '../src/render/backends/a1111.js';
import { ComfyUiBackend } from '../src/render/backends/comfyui.js';
import type { RenderBackend } from '../src/render/backends/types.js';
import { RenderError } from '../src/render/errors.js';
import { LoraCache } from '../src/render/lora-cache.js';
import { openDatabase, type SqliteDatabase } from '../src/storage/sqlite.js';
import { FakeA1111 } from './support/fake-a1111.js';
import { FakeComfyUI } from './support/fake-comfyui.js';
import { recordFault } from './support/fault-record.js';
import { until, WorkerRig } from './support/worker-rig.js';

/**
 * Faults: a render backend that hangs (a WebSocket that never opens, a request never answered) or fails (POST
 * /prompt answering 500), and a LoRA download that stalls. Every one ends within its deadline: the member gets their
 * images or one clear sentence that names no address of ours, and the next render is not held behind it.
 */

describe('fault: render backend hangs or fails', { timeout: 60_000 }, () => {
  let rig: WorkerRig;
  let comfy: FakeComfyUI;
  let a1111: FakeA1111;
  let member = 0;

  beforeEach(async () => {
    rig = await WorkerRig.start({ attempts: 2 });
    comfy = await FakeComfyUI.start();
    a1111 = await FakeA1111.start();
  });

  afterEach(async () => {
    await rig.close();
    await comfy.close();
    await a1111.close();
  });

  const startWorker = (backend: RenderBackend, url: string) => rig.startWorker(backend, url);
  const answerTo = (requesterId: string) => rig.answerTo(requesterId);

  const submit = (url: string) =>
    rig.submit(url, {
      requesterId: `80000000000000000${++member}`,
      compositionId: `comp-hang-${member}`,
      seed: member,
      prompt: 'a harbour at night',
    });

  const stateOf = async (jobId: string) => (await rig.queue.status(jobId))?.state;

  const addressesOf = (url: string) => {
    const { host, port } = new URL(url);
    return [host, `127.0.0.1:${port}`, url];
  };

  it('a ComfyUI WebSocket that never opens fails the render within its deadline, and the next one renders', async (context) => {
    comfy.socketBehaviour = 'hang';
    await startWorker(new ComfyUiBackend({ url: comfy.url, connectTimeoutMs: 300 }), comfy.url);
    const stuck = await submit(comfy.url);
    const told = await answerTo(stuck.requesterId);
    expect(told.images).toBe(0);
    expect(told.text).toMatch(/render server \(ComfyUI\) is not answering/);
    for (const address of addressesOf(comfy.url)) expect(told.text).not.toContain(address);
    await until(`stuck.jobId to be failed`, async () => (await stateOf(stuck.jobId)) === 'failed');

    comfy.socketBehaviour = 'ok';
    const next = await submit(comfy.url);
    expect((await answerTo(next.requesterId)).images).toBe(1);
    await until(`next.jobId to be completed`, async () => (await stateOf(next.jobId)) === 'completed');
    recordFault(context, {
      name: 'ComfyUI socket never opens',
      load: '2 renders, one behind the stuck one',
      faultsSurvived: [...rig.discord.messages.values()].filter(
        (message) => message.content.includes(`<@${stuck.requesterId}>`) && /is not answering/.test(message.content),
      ).length,
      ...(await rig.outcome([stuck, next])),
    });
  });

  it('POST /prompt answering 500 is tried again, and the member gets the images', async (context) => {
    comfy.failPrompts = 2;
    await startWorker(new ComfyUiBackend({ url: comfy.url, retryBaseMs: 20 }), comfy.url);
    const { jobId, requesterId } = await submit(comfy.url);
    expect((await answerTo(requesterId)).images).toBe(1);
    await until(`jobId to be completed`, async () => (await stateOf(jobId)) === 'completed');
    expect(comfy.requestsTo('POST', '/prompt')).toHaveLength(3);
    expect(comfy.prompts.size).toBe(1);
    const outcome = await rig.outcome([{ jobId, requesterId }]);
    recordFault(context, {
      name: 'ComfyUI POST /prompt 500',
      load: '1 render',
      faultsSurvived: comfy.requestsTo('POST', '/prompt').length - comfy.prompts.size,
      ...outcome,
      duplicated: outcome.duplicated + comfy.prompts.size - 1,
    });
  });

  it('POST /prompt failing every time ends in one clear sentence after a bounded number of tries', async (context) => {
    comfy.failPrompts = 1_000;
    await startWorker(new ComfyUiBackend({ url: comfy.url, retryBaseMs: 20 }), comfy.url);
    const { jobId, requesterId } = await submit(comfy.url);
    const told = await answerTo(requesterId);
    expect(told.text).toMatch(/^The render for <@\d+> failed: /);
    for (const address of addressesOf(comfy.url)) expect(told.text).not.toContain(address);
    await until(`jobId to be failed`, async () => (await stateOf(jobId)) === 'failed');
    const tries = comfy.requestsTo('POST', '/prompt').length;
    expect(tries).toBeGreaterThan(2);
    expect(tries).toBeLessThanOrEqual(2 * 4);
    recordFault(context, {
      name: 'ComfyUI POST /prompt 500 every time',
      load: '1 render',
      faultsSurvived: tries,
      ...(await rig.outcome([{ jobId, requesterId }])),
    });
  });

  it('an AUTOMATIC1111 that never answers txt2img is interrupted at the deadline; the message names no address', async (context) => {
    a1111.behaviour = 'hang';
    await startWorker(new A1111Backend({ url: a1111.url, imageTimeoutMs: 400 }), a1111.url);
    const { jobId, requesterId } = await submit(a1111.url);
    const told = await answerTo(requesterId);
    expect(told.text).toMatch(/^The render for <@\d+> failed: /);
    for (const address of addressesOf(a1111.url)) expect(told.text).not.toContain(address);
    await until(`jobId to be failed`, async () => (await stateOf(jobId)) === 'failed');
    expect(a1111.requestsTo('POST', '/sdapi/v1/interrupt').length).toBeGreaterThan(0);
    recordFault(context, {
      name: 'A1111 txt2img hangs',
      load: '1 render',
      faultsSurvived: a1111.requestsTo('POST', '/sdapi/v1/txt2img').length,
      ...(await rig.outcome([{ jobId, requesterId }])),
    });
  });
});

describe('fault: a LoRA download that stalls', { timeout: 60_000 }, () => {
  let dir: string;
  let db: SqliteDatabase;
  let hub: Server;
  let origin: string;
  const held = new Set<ServerResponse>();

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'stylus-stall-'));
    mkdirSync(path.join(dir, 'loras'));
    db = openDatabase(path.join(dir, 'stylus.db'));
    const file = buildSafetensors({ ss_output_name: 'stall' }, { 'lora.down.weight': new Float32Array(1024) });
    hub = createServer((req, res) => {
      held.add(res);
      if (req.url?.startsWith('/silent/')) return; // accepts the request, never answers
      // Headers and the first bytes, then nothing: a connection that died without a reset.
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.length });
      res.write(file.subarray(0, 64));
    });
    await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    for (const res of held) res.destroy();
    hub.closeAllConnections();
    await new Promise<void>((resolve) => hub.close(() => resolve()));
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cache = () =>
    new LoraCache({
      dir: path.join(dir, 'loras'),
      db,
      maxBytes: 1e9,
      maxFileBytes: 1e8,
      hfUrl: origin,
      responseTimeoutMs: 300,
      stallTimeoutMs: 300,
    });

  it.each([
    [
      'a body that stops arriving fails the try instead of waiting half an hour',
      '/someone/stall/resolve/main/x.safetensors',
    ],
    [
      'a server that never answers fails the try at the response deadline',
      '/silent/someone/resolve/main/x.safetensors',
    ],
  ])('%s', async (_title, pathname) => {
    const error = await cache()
      .ensure({
        adapterId: 'hf:someone/stall',
        fileName: 'hf-someone--stall.safetensors',
        weight: 0.8,
        source: 'huggingface',
        downloadUrl: `${origin}${pathname}`,
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RenderError);
    expect(error).toMatchObject({ code: 'lora_download', retriable: true });
    expect((error as RenderError).userMessage).not.toContain(origin.replace('http://', ''));
  });
});
