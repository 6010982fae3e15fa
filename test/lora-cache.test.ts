import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildSafetensors } from '../src/catalog/safetensors.js';
import { RenderError } from '../src/render/errors.js';
import type { RenderLora } from '../src/render/job.js';
import { LoraCache } from '../src/render/lora-cache.js';
import { openDatabase, type SqliteDatabase } from '../src/storage/sqlite.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback file host standing in for a hub and its CDN: each test says what each path answers. */
class FileHost {
  readonly routes = new Map<string, Handler>();
  readonly seen: { path: string; authorization: string | undefined }[] = [];
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}
  static async start(): Promise<FileHost> {
    let host: FileHost | undefined;
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      host?.seen.push({ path: url.pathname, authorization: req.headers.authorization });
      const handler = host?.routes.get(url.pathname);
      if (handler) handler(req, res);
      else res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = new FileHost(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return host;
  }
  serve(pathname: string, body: Buffer, headers: Record<string, string> = {}): void {
    this.routes.set(pathname, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length, ...headers });
      res.end(body);
    });
  }
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const loraBytes = (name: string, size = 64) =>
  buildSafetensors({ ss_output_name: name }, { 'lora.up.weight': new Float32Array(size).fill(0.5) });

describe('LoRA cache', () => {
  let dir: string;
  let loraDir: string;
  let db: SqliteDatabase;
  let hub: FileHost;
  let cdn: FileHost;

  const cache = (overrides: Partial<ConstructorParameters<typeof LoraCache>[0]> = {}) =>
    new LoraCache({
      dir: loraDir,
      db,
      maxBytes: 10_000_000,
      maxFileBytes: 1_000_000,
      hfUrl: hub.url,
      civitaiUrl: hub.url,
      hfToken: 'hf_secret',
      rateLimitBaseMs: 5,
      // The loopback CDN is plain http on another port: an admin would list such a host.
      allowedHosts: [new URL(cdn.url).host],
      ...overrides,
    });
  const lora = (overrides: Partial<RenderLora> & { fileName: string }): RenderLora => ({
    adapterId: `hf:${overrides.fileName}`,
    weight: 0.8,
    source: 'huggingface',
    ...overrides,
  });
  const errorOf = async (promise: Promise<unknown>): Promise<RenderError> => {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(RenderError);
    return error as RenderError;
  };
  const folder = () => readdirSync(loraDir).sort();

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'stylus-lora-'));
    loraDir = path.join(dir, 'loras');
    db = openDatabase(path.join(dir, 'stylus.db'));
    hub = await FileHost.start();
    cdn = await FileHost.start();
  });
  afterEach(async () => {
    await hub.close();
    await cdn.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('follows a Hugging Face resolve redirect, verifies header and SHA-256, and sends the token only to the hub', async () => {
    const bytes = loraBytes('ink');
    hub.routes.set('/owner/ink/resolve/main/ink.safetensors', (_req, res) => {
      res.writeHead(302, { location: `${cdn.url}/blobs/abc` }).end();
    });
    cdn.serve('/blobs/abc', bytes);
    const file = await cache().ensure(
      lora({
        fileName: 'hf-owner--ink.safetensors',
        downloadUrl: `${hub.url}/owner/ink/resolve/main/ink.safetensors`,
        sha256: sha256(bytes),
      }),
    );
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(folder()).toEqual(['hf-owner--ink.safetensors']);
    expect(hub.seen[0]?.authorization).toBe('Bearer hf_secret');
    expect(cdn.seen[0]?.authorization).toBeUndefined();
  });

  it('shares one download between concurrent requests for the same file', async () => {
    const bytes = loraBytes('shared');
    cdn.serve('/shared.safetensors', bytes);
    const entry = lora({ fileName: 'shared.safetensors', downloadUrl: `${cdn.url}/shared.safetensors` });
    const store = cache();
    const paths = await Promise.all([store.ensure(entry), store.ensure(entry), store.ensure(entry)]);
    expect(new Set(paths).size).toBe(1);
    expect(cdn.seen).toHaveLength(1);
    await store.ensure(entry);
    expect(cdn.seen).toHaveLength(1);
  });

  it("one job's cancel does not cancel another job waiting for the same download; the last one out stops it", async () => {
    const bytes = loraBytes('slow');
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    cdn.routes.set('/slow.safetensors', (_req, res) => {
      void released.then(() => {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
        res.end(bytes);
      });
    });
    const entry = lora({ fileName: 'slow.safetensors', downloadUrl: `${cdn.url}/slow.safetensors` });
    const store = cache();
    const first = new AbortController();
    const second = new AbortController();
    const firstWait = store.ensure(entry, first.signal);
    const secondWait = store.ensure(entry, second.signal);
    const firstOutcome = firstWait.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await vi.waitFor(() => expect(cdn.seen).toHaveLength(1));
    const reason = new Error('the first owner cancelled');
    first.abort(reason);
    expect(await firstOutcome).toBe(reason);
    release();
    expect(readFileSync(await secondWait).equals(bytes)).toBe(true);
    expect(cdn.seen).toHaveLength(1);

    // Everyone gives up: the download itself stops and leaves nothing behind.
    let hold: () => void = () => {};
    cdn.routes.set('/abandoned.safetensors', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length * 2 });
      res.write(bytes.subarray(0, 8));
      hold = () => res.destroy();
    });
    const abandoned = lora({ fileName: 'abandoned.safetensors', downloadUrl: `${cdn.url}/abandoned.safetensors` });
    const only = new AbortController();
    const onlyWait = store.ensure(abandoned, only.signal).catch((error: unknown) => error);
    await vi.waitFor(() => expect(cdn.seen.some((seen) => seen.path === '/abandoned.safetensors')).toBe(true));
    only.abort(reason);
    expect(await onlyWait).toBe(reason);
    await vi.waitFor(() => expect(folder()).toEqual(['slow.safetensors']));
    hold();
  });

  it('refuses pickle files without downloading them: by URL, by served file name, by file name', async () => {
    const store = cache();
    const byUrl = await errorOf(
      store.ensure(lora({ fileName: 'a.safetensors', downloadUrl: `${cdn.url}/model.ckpt` })),
    );
    expect(byUrl.code).toBe('lora_refused');
    expect(byUrl.userMessage).toMatch(/pickle/);
    cdn.serve('/api/download/models/1', Buffer.from('\x80\x02pickle'), {
      'content-disposition': 'attachment; filename="detail_tweaker.pt"',
    });
    const byHeader = await errorOf(
      store.ensure(lora({ fileName: 'b.safetensors', downloadUrl: `${cdn.url}/api/download/models/1` })),
    );
    expect(byHeader.code).toBe('lora_refused');
    const byName = await errorOf(store.ensure(lora({ fileName: 'c.bin', downloadUrl: `${cdn.url}/c.bin` })));
    expect(byName.code).toBe('lora_refused');
    expect(cdn.seen.map((request) => request.path)).toEqual(['/api/download/models/1']);
    expect(folder()).toEqual([]);
  });

  it('deletes a file with a bad header or a wrong hash and fails with a clear message', async () => {
    cdn.serve(
      '/garbage.safetensors',
      Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0]), Buffer.alloc(100)]),
    );
    const bad = await errorOf(
      cache().ensure(lora({ fileName: 'garbage.safetensors', downloadUrl: `${cdn.url}/garbage.safetensors` })),
    );
    expect(bad.code).toBe('lora_invalid');
    expect(bad.userMessage).toMatch(/not a valid safetensors file \(header length \d+ is not plausible\)/);

    const bytes = loraBytes('real');
    cdn.serve('/real.safetensors', bytes);
    const wrong = await errorOf(
      cache().ensure(
        lora({ fileName: 'real.safetensors', downloadUrl: `${cdn.url}/real.safetensors`, sha256: 'a'.repeat(64) }),
      ),
    );
    expect(wrong.code).toBe('lora_invalid');
    expect(wrong.userMessage).toMatch(/does not match its published SHA-256/);
    expect(folder()).toEqual([]);
  });

  it('removes a damaged file already in the folder and fetches it again', async () => {
    const bytes = loraBytes('again');
    cdn.serve('/again.safetensors', bytes);
    await import('node:fs/promises').then((fs) => fs.mkdir(loraDir, { recursive: true }));
    writeFileSync(path.join(loraDir, 'again.safetensors'), 'not a safetensors file at all');
    await cache().ensure(lora({ fileName: 'again.safetensors', downloadUrl: `${cdn.url}/again.safetensors` }));
    expect(readFileSync(path.join(loraDir, 'again.safetensors')).equals(bytes)).toBe(true);
  });

  it("never deletes a valid LoRA an admin put in the folder under the adapter's name, even when its hash differs", async () => {
    const bytes = loraBytes('wanted');
    cdn.serve('/wanted.safetensors', bytes);
    await import('node:fs/promises').then((fs) => fs.mkdir(loraDir, { recursive: true }));
    const adminFile = loraBytes('someone else');
    writeFileSync(path.join(loraDir, 'wanted.safetensors'), adminFile);
    const refused = await errorOf(
      cache().ensure(
        lora({ fileName: 'wanted.safetensors', downloadUrl: `${cdn.url}/wanted.safetensors`, sha256: sha256(bytes) }),
      ),
    );
    expect(refused.code).toBe('lora_invalid');
    expect(refused.userMessage).toMatch(/already has a different file named wanted\.safetensors .* left in place/);
    expect(readFileSync(path.join(loraDir, 'wanted.safetensors')).equals(adminFile)).toBe(true);
  });

  it('treats an HTML login page as an error, whatever its content type says', async () => {
    hub.routes.set('/api/download/models/7', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!DOCTYPE html><title>Sign in</title>');
    });
    cdn.serve('/sneaky', Buffer.from('\n<html><body>Please log in</body></html>'));
    const html = await errorOf(
      cache().ensure(
        lora({ fileName: 'x.safetensors', source: 'civitai', downloadUrl: `${hub.url}/api/download/models/7` }),
      ),
    );
    expect(html.code).toBe('lora_download');
    expect(html.userMessage).toMatch(/returned a web page \(a login page\?\)/);
    const sniffed = await errorOf(
      cache().ensure(lora({ fileName: 'y.safetensors', downloadUrl: `${cdn.url}/sneaky` })),
    );
    expect(sniffed.userMessage).toMatch(/web page/);
    expect(folder()).toEqual([]);
  });

  it('explains 401 and 404, and backs off on 429 until the file comes', async () => {
    hub.routes.set('/api/download/models/401', (_req, res) => res.writeHead(401).end('{"error":"Unauthorized"}'));
    const denied = await errorOf(
      cache({ civitaiToken: 'civ_secret' }).ensure(
        lora({ fileName: 'd.safetensors', source: 'civitai', downloadUrl: `${hub.url}/api/download/models/401` }),
      ),
    );
    expect(denied.userMessage).toMatch(/refused the download of d.safetensors \(HTTP 401\).*CIVITAI_TOKEN/);
    expect(denied.retriable).toBe(false);
    expect(hub.seen.at(-1)?.authorization).toBe('Bearer civ_secret');

    const missing = await errorOf(cache().ensure(lora({ fileName: 'e.safetensors', downloadUrl: `${cdn.url}/gone` })));
    expect(missing.userMessage).toMatch(/no longer available.*404/);

    const bytes = loraBytes('busy');
    let calls = 0;
    cdn.routes.set('/busy.safetensors', (_req, res) => {
      calls++;
      if (calls < 3) res.writeHead(429, { 'retry-after': '0' }).end();
      else res.writeHead(200, { 'content-length': bytes.length }).end(bytes);
    });
    await cache().ensure(lora({ fileName: 'busy.safetensors', downloadUrl: `${cdn.url}/busy.safetensors` }));
    expect(calls).toBe(3);

    cdn.routes.set('/never.safetensors', (_req, res) => res.writeHead(429).end());
    const limited = await errorOf(
      cache({ rateLimitTries: 3 }).ensure(
        lora({ fileName: 'never.safetensors', downloadUrl: `${cdn.url}/never.safetensors` }),
      ),
    );
    expect(limited.retriable).toBe(true);
    expect(cdn.seen.filter((request) => request.path === '/never.safetensors')).toHaveLength(3);
  });

  it('caps the file size, by catalog size, by Content-Length and while streaming', async () => {
    const store = cache({ maxFileBytes: 1_000 });
    const big = loraBytes('big', 1_000);
    cdn.serve('/big.safetensors', big);
    const known = await errorOf(
      store.ensure(lora({ fileName: 'big.safetensors', downloadUrl: `${cdn.url}/big.safetensors`, sizeBytes: 5_000 })),
    );
    expect(known.userMessage).toMatch(/larger than/);
    expect(cdn.seen).toHaveLength(0);
    expect(
      (await errorOf(store.ensure(lora({ fileName: 'big.safetensors', downloadUrl: `${cdn.url}/big.safetensors` }))))
        .code,
    ).toBe('lora_refused');
    cdn.routes.set('/chunked.safetensors', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(big); // no Content-Length: counted while streaming
    });
    expect(
      (await errorOf(store.ensure(lora({ fileName: 'c.safetensors', downloadUrl: `${cdn.url}/chunked.safetensors` }))))
        .code,
    ).toBe('lora_refused');
    expect(folder()).toEqual([]);
  });

  it('fails the render, not the process, when the file cannot be written (the folder went away mid-download)', async () => {
    const bytes = loraBytes('gone', 200_000); // larger than a write stream's buffer: back-pressure is exercised
    cdn.routes.set('/gone.safetensors', (_req, res) => {
      // The folder disappears (a disk unmounted) after the cache created it and before the file is written.
      rmSync(loraDir, { recursive: true, force: true });
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
      res.end(bytes);
    });
    const error = await errorOf(
      cache().ensure(lora({ fileName: 'gone.safetensors', downloadUrl: `${cdn.url}/gone.safetensors` })),
    );
    expect(error.code).toBe('lora_download');
    expect(error.retriable).toBe(true);
  });

  it('refuses names that could leave the folder', async () => {
    for (const fileName of ['../evil.safetensors', 'sub/dir.safetensors', '.hidden.safetensors']) {
      expect((await errorOf(cache().ensure(lora({ fileName, downloadUrl: `${cdn.url}/x` })))).code).toBe(
        'lora_refused',
      );
    }
    expect(cdn.seen).toHaveLength(0);
  });

  it('evicts the least recently used downloads under the disk budget, never pinned files or files an admin placed', async () => {
    const files = ['a', 'b', 'c', 'd'].map((name) => ({ name, bytes: loraBytes(name, 100) }));
    for (const file of files) cdn.serve(`/${file.name}.safetensors`, file.bytes);
    const size = files[0]?.bytes.length ?? 0;
    await import('node:fs/promises').then((fs) => fs.mkdir(loraDir, { recursive: true }));
    writeFileSync(path.join(loraDir, 'admin-own.safetensors'), loraBytes('admin', 500));
    const store = cache({ maxBytes: size * 2 + 10 });
    const entry = (name: string) =>
      lora({ fileName: `${name}.safetensors`, downloadUrl: `${cdn.url}/${name}.safetensors` });

    await store.ensure(entry('a'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.ensure(entry('b'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.ensure(entry('a')); // a is now more recent than b
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.ensure(entry('c'));
    expect(folder()).toEqual(['a.safetensors', 'admin-own.safetensors', 'c.safetensors']);

    const job = await store.ensureAll([entry('a'), entry('c')]);
    const full = await errorOf(store.ensure(entry('d')));
    expect(full.userMessage).toMatch(/cache is full/);
    job.release();
    await store.ensure(entry('d'));
    expect(folder()).toContain('d.safetensors');
    expect(folder()).toContain('admin-own.safetensors');
    expect(store.usedBytes()).toBeLessThanOrEqual(size * 2 + 10);
  });

  it('uses local files in place and says so when one is missing', async () => {
    await import('node:fs/promises').then((fs) => fs.mkdir(loraDir, { recursive: true }));
    writeFileSync(path.join(loraDir, 'mine.safetensors'), loraBytes('mine'));
    const store = cache();
    expect(await store.ensure(lora({ fileName: 'mine.safetensors', source: 'local' }))).toBe(
      path.join(loraDir, 'mine.safetensors'),
    );
    const missing = await errorOf(store.ensure(lora({ fileName: 'gone.safetensors', source: 'local' })));
    expect(missing.code).toBe('lora_missing');
    expect(existsSync(path.join(loraDir, 'mine.safetensors'))).toBe(true);
  });
});
